/**
 * Runs a tiny program against a built copy of the library as a browser user
 * would load it: through the page's import map, which sends the bare name
 * `yieldio` to `/yieldio.min.js` on min.html and to the npm package's ES
 * modules (`/npm/mod.js`, and every other entry) on npm.html. The types come
 * from the source; the code from whatever the map names.
 *
 * On a page it checks the host-driven `run`, that `runSync` refuses to block
 * the main thread with `CannotBlockError`, `crossOriginIsolated`, and that
 * every entry the import map names imports; then it starts itself as a module
 * worker — workers have no import map, so the page hands over the URL the map
 * resolved `yieldio` to — where `runSync` may block (Atomics.wait on a
 * SharedArrayBuffer, which needs cross-origin isolation). The page publishes
 * the checks as `globalThis.__minCheck`, a promise.
 *
 * @module
 */

import type * as Yieldio from "../../mod.ts";

interface Doc {
  querySelector(selector: string): { textContent: string | null } | null;
}

const onPage = "document" in globalThis;
/** What this context imports the library as: the bare name on a page, the URL it maps to in a worker. */
const library = onPage ? "yieldio" : decodeURIComponent(new URL(import.meta.url).hash.slice(1));
const y: typeof Yieldio = await import(library);

/** One named check and how it went. */
export interface MinCheck {
  /** What was checked, and where. */
  name: string;
  /** Whether it held. */
  ok: boolean;
  /** What was seen. */
  detail: string;
}

async function check(name: string, body: () => unknown): Promise<MinCheck> {
  try {
    const seen = await body();
    return { name, ok: seen === true, detail: String(seen) };
  } catch (error) {
    return { name, ok: false, detail: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

function runFortyTwo(): Promise<number> {
  return y.run(function* () {
    const one = yield* y.sleep(5, 1);
    return one + 41;
  });
}

/** @returns The bare names the page's import map sends somewhere. */
function mappedEntries(): string[] {
  const script = (globalThis as unknown as { document: Doc }).document.querySelector('script[type="importmap"]');
  const map = JSON.parse(script?.textContent ?? "{}") as { imports?: Record<string, string> };
  return Object.keys(map.imports ?? {});
}

async function pageChecks(): Promise<MinCheck[]> {
  const entries = mappedEntries();
  return [
    await check(`page: the import map names the library (${entries.join(", ")})`, () => entries.includes("yieldio")),
    ...await Promise.all(
      entries.map((entry) =>
        check(`page: import("${entry}") through the import map has exports`, async () => {
          const names = Object.keys(await import(entry));
          return names.length > 0 ? true : "no exports";
        })
      ),
    ),
    await check(
      "page: crossOriginIsolated is true",
      () => (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated,
    ),
    await check("page: run() of a sleeping program returns 42", async () => (await runFortyTwo()) === 42),
    await check("page: runSync() throws CannotBlockError on the main thread", () => {
      try {
        y.runSync(function* () {
          yield* y.sleep(0);
          return 1;
        });
        return "runSync returned instead of throwing";
      } catch (error) {
        return error instanceof y.CannotBlockError ? true : `threw ${String(error)}`;
      }
    }),
  ];
}

async function workerChecks(): Promise<MinCheck[]> {
  return [
    await check("worker: run() of a sleeping program returns 42", async () => (await runFortyTwo()) === 42),
    await check("worker: runSync() may block a worker", () =>
      y.runSync(function* () {
        yield* y.sleep(5);
        return "blocked and woke";
      }) === "blocked and woke"),
  ];
}

function inWorker(): Promise<MinCheck[]> {
  return new Promise((resolve) => {
    const url = `${import.meta.url}#${encodeURIComponent(import.meta.resolve("yieldio"))}`;
    const worker = new Worker(url, { type: "module" });
    worker.onmessage = (event: MessageEvent<MinCheck[]>) => {
      worker.terminate();
      resolve(event.data);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      worker.terminate();
      resolve([{ name: "worker: module worker starts", ok: false, detail: event.message }]);
    };
  });
}

if (onPage) {
  (globalThis as { __minCheck?: Promise<MinCheck[]> }).__minCheck = (async () => [
    ...await pageChecks(),
    ...await inWorker(),
  ])();
} else {
  (globalThis as unknown as { postMessage(data: unknown): void }).postMessage(await workerChecks());
}
