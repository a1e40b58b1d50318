/**
 * The dedicated-worker bundle's last module: on a "run" message it runs the
 * registered tests and posts the {@linkcode RunReport} back to the page,
 * streaming each result as it finishes so a hang shows where it happened.
 *
 * @module
 */

import { runRegisteredTests } from "./deno_test_shim.ts";

interface WorkerScope {
  postMessage(message: unknown): void;
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  crossOriginIsolated?: boolean;
}

const scope = globalThis as unknown as WorkerScope;

/** Starts listening for the page's "run" request. */
export function main(): void {
  scope.addEventListener("message", async (event) => {
    if (event.data !== "run") return;
    const report = await runRegisteredTests({
      label: "chromium-worker",
      onResult: (result) => scope.postMessage({ kind: "result", result }),
    });
    scope.postMessage({ kind: "report", report, crossOriginIsolated: scope.crossOriginIsolated === true });
  });
  scope.postMessage({ kind: "ready" });
}
