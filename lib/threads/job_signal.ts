/**
 * jobSignal: the worker side of cancellation. A job started by `toThread` or
 * `WorkerPool.submit` reads its AbortSignal here.
 *
 * The bootstrap keeps the running job under a global symbol, not in a module
 * variable, so this works even when the job's module bundles its own copy of
 * yieldio.
 *
 * @module
 */

import { InvalidStateError } from "../errors.ts";

interface RunningJob {
  signal: AbortSignal;
  /** Aborts the signal if the pool flagged the job in shared memory. */
  check(): void;
}

const JOB = Symbol.for("yieldio.job");

/**
 * The AbortSignal of the job this worker is running: it aborts when the
 * waiting task is cancelled. An async job sees it when it next awaits; a
 * synchronous job that never returns to its event loop sees it by calling
 * `jobSignal()` again, which re-reads a shared-memory flag (where memory can
 * be shared: Deno, Node, cross-origin-isolated pages). A job that does not
 * stop within the pool's grace period has its worker terminated.
 *
 * @returns The signal.
 * @throws {InvalidStateError} Outside a job (not in a pool worker, or after the job returned).
 *
 * @example Outside a worker there is no job
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { InvalidStateError } from "yieldio";
 * import { jobSignal } from "yieldio/threads";
 * assertThrows(() => jobSignal(), InvalidStateError);
 * ```
 *
 * @example A job that stops when cancelled (in the job's module)
 * ```ts ignore
 * import { jobSignal } from "yieldio/threads";
 * export function crunch(n: number): number {
 *   let sum = 0;
 *   for (let i = 0; i < n; i++) {
 *     if (i % 100_000 === 0 && jobSignal().aborted) throw jobSignal().reason;
 *     sum += i;
 *   }
 *   return sum;
 * }
 * ```
 */
export function jobSignal(): AbortSignal {
  const job = (globalThis as { [JOB]?: RunningJob })[JOB];
  if (job === undefined) {
    throw new InvalidStateError(
      "jobSignal() is only available while a worker runs a job (a function called by toThread() or " +
        "WorkerPool.submit()), not after it returned",
    );
  }
  job.check();
  return job.signal;
}
