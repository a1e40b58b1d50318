/**
 * The local HTTP server the fetch and WebSocket tests talk to, the same
 * endpoints in every runtime:
 * - `GET /io/lines`: `LINES`, streamed one write per line;
 * - `/io/echo`: a WebSocket that sends every message back.
 *
 * Deno serves them with `Deno.serve` (see `ioEndpoint`, which the Chromium
 * stage's page server uses too); Node with yieldio's own `startServer`
 * speaking just enough HTTP/1.1 for a `fetch` (no WebSocket: Node 20 has no
 * WebSocket client either); a browser page or worker reaches the page
 * server at its own origin.
 */

import { fromPromise } from "../../mod.ts";
import type { Coro } from "../../mod.ts";
import { startServer } from "../../lib/io/mod.ts";
import { isDeno, isNode } from "./_helpers.ts";

/** What `/io/lines` sends. */
export const LINES: readonly string[] = Array.from({ length: 5 }, (_, i) => `line ${i}: ${"x".repeat(i * 10)}\n`);

/** Whether this runtime can run the WebSocket tests: a client, and a server to reach. */
export const canWebSocket = typeof WebSocket === "function" && !isNode;

/**
 * Answers the I/O test endpoints in a `Deno.serve` handler; null for any other path.
 * @param request The request.
 * @returns The response, or null when the path is not an I/O endpoint.
 */
export function ioEndpoint(request: Request): Response | null {
  const path = new URL(request.url).pathname;
  if (path === "/io/lines") {
    const encoder = new TextEncoder();
    let i = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (i === LINES.length) return controller.close();
        controller.enqueue(encoder.encode(LINES[i++]));
      },
    });
    return new Response(body, { headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
  if (path === "/io/echo") {
    const { socket, response } = Deno.upgradeWebSocket(request);
    socket.onmessage = (event) => socket.send(event.data);
    return response;
  }
  return null;
}

/**
 * Runs `body` with the base URL of a server answering the I/O endpoints.
 * @param body Gets e.g. `http://127.0.0.1:41234`.
 * @returns What `body` returned.
 */
export function* withTestServer<T>(body: (base: string) => Coro<T>): Coro<T> {
  if (isDeno) {
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      (request) => ioEndpoint(request) ?? new Response("not found", { status: 404 }),
    );
    try {
      return yield* body(`http://127.0.0.1:${server.addr.port}`);
    } finally {
      yield* fromPromise(server.shutdown());
    }
  }
  if (isNode) {
    const server = yield* startServer(
      function* (reader, writer) {
        yield* reader.readuntil("\r\n\r\n");
        writer.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n");
        for (const line of LINES) {
          writer.write(line);
          yield* writer.drain();
        }
      },
      "127.0.0.1",
      0,
    );
    try {
      return yield* body(`http://127.0.0.1:${(server.addresses()[0] as [string, number])[1]}`);
    } finally {
      server.close();
      yield* server.waitClosed();
    }
  }
  return yield* body((globalThis as unknown as { location: Location }).location.origin);
}
