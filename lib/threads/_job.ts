/**
 * A pool's records: a job, the worker slot that runs it, the worker's
 * replies, and the timer that bounds how long a cancelled job may take to
 * stop (its grace period).
 *
 * @module
 */

import type { WakeHandle } from "../loop/idle/adapter.ts";
import type { EventLoop } from "../task/event_loop.ts";
import type { Future } from "../task/future.ts";
import type { RemoteError } from "./_remote_error.ts";
import type { ThreadWorker } from "./_spawn.ts";
import type { WorkerFunction } from "./worker_function.ts";

/** One call of a worker function. */
export interface Job {
  id: number;
  fn: WorkerFunction;
  args: unknown[];
  /** Invariant: the ports inside `args` (top level), to transfer with them. */
  transfer: Transferable[];
  future: Future<unknown>;
  slot: Slot | null;
  /** Whether the loop still holds this job's `ref()`. */
  refHeld: boolean;
}

/** A worker, seen from its pool. */
export interface Slot {
  name: string;
  worker: ThreadWorker;
  job: Job | null;
  abortCell: Int32Array | null;
  /** The wake handle this worker was last sent (null: the loop is host-driven). */
  wake: WakeHandle | null;
  grace: { cancel(): void } | null;
}

/** What a worker posts to its pool (`worker_main.ts`); a crash is its last word. */
export type Reply =
  | { t: "ok"; id: number; value: unknown }
  | { t: "error"; id: number; error: RemoteError }
  | { t: "crash"; error: RemoteError };

/**
 * Calls `expire` on the loop once `ms` of real time passed: on the loop's
 * clock when it is real; else on the host's, since virtual time stands still
 * while the job holds its `ref()`. A blocking loop on a virtual clock runs no
 * host timer, so there the job lets go of its ref (`letGo`) and virtual time
 * moves on to the deadline.
 */
export function graceTimer(loop: EventLoop, ms: number, expire: () => void, letGo: () => void): { cancel(): void } {
  if (!loop._isVirtual()) return loop.callLater(ms, expire);
  if (loop._isBlocking()) {
    letGo();
    return loop.callLater(ms, expire);
  }
  const timer = setTimeout(() => {
    if (!loop.isClosed()) loop.callSoonThreadsafe(expire);
  }, ms);
  return { cancel: () => clearTimeout(timer) };
}
