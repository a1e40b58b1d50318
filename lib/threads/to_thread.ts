/**
 * toThread: run a function in a worker and wait for it (asyncio's
 * `to_thread`), through the running loop's default {@linkcode WorkerPool},
 * made on first use with one worker per core and closed with the loop.
 *
 * @module
 */

import { isInstance } from "../_is_instance.ts";
import { describeValue } from "../_describe.ts";
import { InvalidStateError } from "../errors.ts";
import type { EventLoop } from "../task/event_loop.ts";
import type { Future } from "../task/future.ts";
import { _getRunningLoop } from "../task/running_loop.ts";
import type { WorkerFunction } from "./worker_function.ts";
import { WorkerPool } from "./worker_pool.ts";

const defaults = new WeakMap<EventLoop, WorkerPool>();

/**
 * Runs `fn(...args)` in a worker of the running loop's default pool.
 * Arguments and result are structured-cloned; an error thrown in the worker
 * arrives with its class (when built in), message and stack. Cancelling the
 * waiting task cancels the job: a queued job is dropped; a running one sees
 * its `jobSignal()` abort, and is terminated if it has not stopped within the
 * pool's grace period.
 *
 * @param fn The function, named by {@linkcode workerFunction}.
 * @param args Its arguments.
 * @returns A future of its result.
 * @throws {TypeError} When `fn` is not a reference or an argument cannot be cloned.
 * @throws {InvalidStateError} When no loop is running.
 *
 * @example Giving up on a job that never ends: the timeout cancels it
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { run, waitFor, TimeoutError } from "yieldio";
 * import { toThread, workerFunction } from "yieldio/threads";
 * const jobs = "data:text/javascript,export const never = () => new Promise(() => {});";
 * const never = workerFunction<() => never>(jobs, "never");
 * const outcome = await run(function* () {
 *   try {
 *     return yield* waitFor(toThread(never), 50);
 *   } catch (e) {
 *     if (e instanceof TimeoutError) return "gave up";
 *     throw e;
 *   }
 * });
 * assertEquals(outcome, "gave up");
 * ```
 */
export function toThread<A extends unknown[], R>(fn: WorkerFunction<A, R>, ...args: A): Future<R> {
  return poolOf(_getRunningLoop("toThread()")).submit(fn, ...args);
}

/**
 * The pool {@linkcode toThread} uses on the running loop.
 *
 * @returns The running loop's default pool, made now if it has none (or its
 *   pool was closed).
 * @throws {InvalidStateError} When no loop is running.
 *
 * @example The default pool has one worker per core
 * ```ts
 * import { assert } from "@std/assert";
 * import { run } from "yieldio";
 * import { defaultWorkerPool } from "yieldio/threads";
 * await run(function* () {
 *   assert(defaultWorkerPool().stats().size >= 1);
 * });
 * ```
 */
export function defaultWorkerPool(): WorkerPool {
  return poolOf(_getRunningLoop("defaultWorkerPool()"));
}

function poolOf(loop: EventLoop): WorkerPool {
  let pool = defaults.get(loop);
  if (pool === undefined || pool.isClosed()) defaults.set(loop, pool = new WorkerPool());
  return pool;
}

/**
 * Makes `pool` the default of its loop, for {@linkcode toThread} (asyncio's
 * `loop.set_default_executor`). The previous default is left open.
 *
 * @param pool A pool made on that loop.
 * @throws {TypeError} When `pool` is not a {@linkcode WorkerPool}.
 * @throws {InvalidStateError} When `pool` is closed.
 *
 * @example Two workers for toThread
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { run } from "yieldio";
 * import { defaultWorkerPool, setDefaultWorkerPool, WorkerPool } from "yieldio/threads";
 * await run(function* () {
 *   setDefaultWorkerPool(new WorkerPool({ size: 2 }));
 *   assertEquals(defaultWorkerPool().stats().size, 2);
 * });
 * ```
 */
export function setDefaultWorkerPool(pool: WorkerPool): void {
  if (!isInstance(pool, WorkerPool)) {
    throw new TypeError(`setDefaultWorkerPool expects a WorkerPool, got ${describeValue(pool)}`);
  }
  if (pool.isClosed()) throw new InvalidStateError(`setDefaultWorkerPool expects an open pool, got ${pool}`);
  defaults.set(pool._getLoop(), pool);
}
