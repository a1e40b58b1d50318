/**
 * The page bundle's last module. It exposes `globalThis.__harness` for the
 * Chromium stage to drive through `page.evaluate`:
 * - `runMain()` runs the registered tests on the page's main thread;
 * - `runWorker()` starts `worker.js` (same suite, built beside this file) as a
 *   dedicated module worker and runs it there.
 * Each returns a {@linkcode RunReport}. Progress goes to
 * `globalThis.__harnessProgress` when the driver has exposed it, so a hang
 * shows which test it is in.
 *
 * @module
 */

import { describeError, runRegisteredTests, type RunReport, type TestResult } from "./deno_test_shim.ts";

/** What `runWorker()` adds to the worker's own report. */
export interface WorkerRun {
  /** The worker's report, or null if it never sent one. */
  report: RunReport | null;
  /** `crossOriginIsolated` as the worker saw it. */
  crossOriginIsolated: boolean;
  /** `error` / `messageerror` events the page saw on the Worker object. */
  workerErrors: string[];
}

/** The page's API for the driver. */
export interface PageHarness {
  /** Runs the suite on the main thread. */
  runMain(): Promise<RunReport>;
  /** Runs the suite in a dedicated module worker. */
  runWorker(): Promise<WorkerRun>;
}

type Progress = (line: string) => void;

function progress(where: string, result: TestResult): void {
  const report = (globalThis as { __harnessProgress?: Progress }).__harnessProgress;
  if (typeof report === "function") report(JSON.stringify({ where, result }));
}

function runMain(): Promise<RunReport> {
  return runRegisteredTests({ label: "chromium-page", onResult: (r) => progress("page", r) });
}

function runWorker(): Promise<WorkerRun> {
  return new Promise((resolve) => {
    const workerErrors: string[] = [];
    const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module", name: "yieldio-tests" });
    const finish = (run: Omit<WorkerRun, "workerErrors">) => {
      worker.terminate();
      resolve({ ...run, workerErrors });
    };
    worker.addEventListener("error", (event) => {
      event.preventDefault();
      const where = event.filename ? ` at ${event.filename}:${event.lineno}:${event.colno}` : "";
      workerErrors.push(`worker error: ${event.error ? describeError(event.error) : event.message}${where}`);
      // A worker that failed to load never reports; do not wait for it forever.
      if (!started) finish({ report: null, crossOriginIsolated: false });
    });
    worker.addEventListener(
      "messageerror",
      () => workerErrors.push("worker messageerror: a message could not be cloned"),
    );
    let started = false;
    worker.addEventListener("message", (event: MessageEvent) => {
      const data = event.data as
        | { kind: "ready" }
        | { kind: "result"; result: TestResult }
        | { kind: "report"; report: RunReport; crossOriginIsolated: boolean };
      if (data.kind === "ready") {
        started = true;
        worker.postMessage("run");
      } else if (data.kind === "result") {
        progress("worker", data.result);
      } else {
        finish({ report: data.report, crossOriginIsolated: data.crossOriginIsolated });
      }
    });
  });
}

/** Publishes the harness on `globalThis.__harness`. */
export function main(): void {
  const harness: PageHarness = { runMain, runWorker };
  (globalThis as { __harness?: PageHarness }).__harness = harness;
}
