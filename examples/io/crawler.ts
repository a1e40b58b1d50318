/**
 * A rate-limited crawler over `fetch`, against a small site it serves
 * itself (with yieldio's own `startServer`, so it runs offline, in Deno and
 * in Node). Each page lists links; the crawler follows them breadth-first
 * with at most 3 requests in flight (a Semaphore) and at most one new
 * request every 10 ms (a token bucket made of `sleep`), reads each body line
 * by line with `wrapReadable`, and stops the whole crawl after a deadline
 * (`timeout`). Every fetch gets the task's AbortSignal through `fromPromise`,
 * so a cancelled crawl aborts the requests in flight.
 *
 * Run it: `deno run -A examples/io/crawler.ts`.
 *
 * @module
 */

import { type Coro, createTask, fromPromise, getRunningLoop, run, Semaphore, sleep, timeout } from "../../mod.ts";
import { startServer, type StreamReader, type StreamWriter, wrapReadable } from "../../lib/io/mod.ts";

/** The site: each page and the pages it links to. */
const SITE: Record<string, string[]> = {
  "/": ["/docs", "/blog", "/about"],
  "/docs": ["/docs/streams", "/docs/servers", "/"],
  "/blog": ["/blog/1", "/blog/2", "/docs"],
  "/about": [],
  "/docs/streams": ["/docs/servers"],
  "/docs/servers": ["/docs/streams", "/missing"],
  "/blog/1": ["/blog/2"],
  "/blog/2": ["/blog/1", "/"],
};

const decoder = new TextDecoder();

/** Just enough HTTP/1.1: the request line, then a body of `link: <path>` lines. */
function* servePage(reader: StreamReader, writer: StreamWriter): Coro<void> {
  const [, path] = decoder.decode(yield* reader.readline()).split(" ");
  yield* reader.readuntil("\r\n\r\n");
  const links = SITE[path];
  const status = links === undefined ? "404 Not Found" : "200 OK";
  writer.write(`HTTP/1.1 ${status}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n`);
  for (const link of links ?? []) writer.write(`link: ${link}\n`);
  yield* writer.drain();
}

await run(function* () {
  const server = yield* startServer(servePage, "127.0.0.1", 0);
  const [host, port] = server.addresses()[0] as [string, number];
  const base = `http://${host}:${port}`;
  const inFlight = new Semaphore(3);
  let active = 0;
  let busiest = 0;
  let nextStart = 0;
  const seen = new Map<string, number>();

  function* fetchLinks(path: string): Coro<string[]> {
    // At most one new request every 10 ms: wait for this request's slot in time.
    const loop = getRunningLoop();
    const start = Math.max(nextStart, loop.time());
    nextStart = start + 10;
    yield* sleep(start - loop.time());
    yield* inFlight.acquire();
    try {
      busiest = Math.max(busiest, ++active);
      const response = yield* fromPromise((signal) => fetch(`${base}${path}`, { signal }));
      seen.set(path, response.status);
      const reader = wrapReadable(response.body!);
      const links: string[] = [];
      for (let line = yield* reader.readline(); line.length > 0; line = yield* reader.readline()) {
        links.push(decoder.decode(line).trim().slice("link: ".length));
      }
      return links;
    } finally {
      active--;
      inFlight.release();
    }
  }

  try {
    yield* timeout(5_000, function* () {
      let frontier = ["/"];
      const queued = new Set(frontier);
      while (frontier.length > 0) {
        const tasks = frontier.map((path) => createTask(fetchLinks(path)));
        const next: string[] = [];
        for (const task of tasks) {
          for (const link of yield* task) {
            if (!queued.has(link)) {
              queued.add(link);
              next.push(link);
            }
          }
        }
        frontier = next;
      }
    });
  } finally {
    server.close();
    yield* server.waitClosed();
  }
  for (const [path, status] of [...seen].sort()) console.log(`${status} ${path}`);
  if (busiest > 3) throw new Error(`${busiest} requests were in flight at once: the Semaphore failed`);
  console.log(`crawled ${seen.size} pages, never more than 3 requests in flight`);
});
