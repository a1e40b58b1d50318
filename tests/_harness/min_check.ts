/**
 * Runs a tiny program against the minified library as a browser user would
 * load it: build.ts rewrites the `../../mod.ts` import below to the URL
 * `/yieldio.min.js`, so the types come from the source and the code from the
 * minified file.
 *
 * On a page it checks the host-driven `run`, that `runSync` refuses to block
 * the main thread with `CannotBlockError`, and `crossOriginIsolated`; then it
 * starts itself as a module worker, where `runSync` may block (Atomics.wait
 * on a SharedArrayBuffer, which needs cross-origin isolation). The page
 * publishes the checks as `globalThis.__minCheck`, a promise.
 *
 * @module
 */

import * as y from "../../mod.ts";

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

async function pageChecks(): Promise<MinCheck[]> {
  return [
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
    const worker = new Worker(import.meta.url, { type: "module" });
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

if ("document" in globalThis) {
  (globalThis as { __minCheck?: Promise<MinCheck[]> }).__minCheck = (async () => [
    ...await pageChecks(),
    ...await inWorker(),
  ])();
} else {
  (globalThis as unknown as { postMessage(data: unknown): void }).postMessage(await workerChecks());
}
