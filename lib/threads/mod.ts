/**
 * yieldio/threads: work on other threads — `toThread` (asyncio's `to_thread`)
 * over a `WorkerPool` of Deno, Node or browser workers, cancellable jobs
 * (`jobSignal`), and `Channel`s between loops on different threads. A third
 * entry, beside `yieldio/testing` and `yieldio/inspector`: a program that
 * runs everything on one thread bundles none of it. The core keeps only what
 * a loop needs to be woken from another thread (its inbox and `WakeHandle`).
 *
 * @example A function computed on a worker thread
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { run } from "yieldio";
 * import { toThread, workerFunction } from "yieldio/threads";
 * const jobs = "data:text/javascript,export const double = (n) => n * 2;";
 * const double = workerFunction<(n: number) => number>(jobs, "double");
 * assertEquals(await run(function* () {
 *   return yield* toThread(double, 21); // the pool closes with run()'s loop
 * }), 42);
 * ```
 *
 * @module
 */

export { Channel, type ChannelEnd } from "./channel.ts";
export { jobSignal } from "./job_signal.ts";
export { defaultWorkerPool, setDefaultWorkerPool, toThread } from "./to_thread.ts";
export { type WorkerFunction, workerFunction } from "./worker_function.ts";
export { WorkerPool, type WorkerPoolOptions, type WorkerPoolStats } from "./worker_pool.ts";
