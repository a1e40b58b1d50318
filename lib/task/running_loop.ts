/**
 * The loop running on this thread, and the task running on it.
 *
 * A thread (a JavaScript agent: the main thread or one worker) runs at most
 * one loop at a time, as in asyncio. While a driver runs — including between
 * the slices of a host-driven `run()` — `getRunningLoop()` returns that loop,
 * so host callbacks and `async` functions started from a task can reach it.
 *
 * @module
 */

import { InvalidStateError } from "../errors.ts";
import { _runningLoop } from "../loop/base_event_loop.ts";
import type { EventLoop } from "./event_loop.ts";
import type { Task, TaskOptions } from "./task.ts";
import type { Coro } from "./yield_protocol.ts";

/** @internal The running loop, or an error naming `caller`. */
export function _getRunningLoop(caller: string): EventLoop {
  const loop = _runningLoop();
  if (loop === null) {
    throw new InvalidStateError(
      `${caller} needs a running event loop: call it from inside a task or a loop callback (or pass a loop)`,
    );
  }
  // Only EventLoop instances are ever constructed; BaseEventLoop is its core.
  return loop as EventLoop;
}

/**
 * The loop running on this thread (asyncio's `get_running_loop()`): the one
 * whose task or callback calls it.
 *
 * @returns The loop running on this thread.
 * @throws {InvalidStateError} When no loop is running.
 *
 * @example Inside a task, the loop is at hand
 * ```ts
 * import { assert } from "@std/assert";
 * import { getRunningLoop, run } from "yieldio";
 * await run(function* () {
 *   assert(getRunningLoop().isRunning());
 * });
 * ```
 */
export function getRunningLoop(): EventLoop {
  return _getRunningLoop("getRunningLoop()");
}

/**
 * The task running now (asyncio's `current_task()`).
 *
 * @returns The task whose step is running now, or `null` in a plain callback.
 * @throws {InvalidStateError} When no loop is running.
 *
 * @example A task can find itself
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { currentTask, run } from "yieldio";
 * const name = await run(function* () {
 *   return currentTask()?.getName();
 * });
 * assertEquals(typeof name, "string");
 * ```
 */
export function currentTask(): Task<unknown> | null {
  return _getRunningLoop("currentTask()")._currentTask;
}

/**
 * The tasks not done yet (asyncio's `all_tasks()`), as a new set the caller
 * may keep.
 *
 * @param loop The loop to look at (default: the running loop).
 * @returns The loop's tasks that are not done yet.
 * @throws {InvalidStateError} Without `loop`, when no loop is running.
 *
 * @example Counting pending tasks
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { allTasks, createTask, run, sleep } from "yieldio";
 * const count = await run(function* () {
 *   createTask(sleep(10));
 *   return allTasks().size; // main and the sleeper
 * }, { clock: "virtual" });
 * assertEquals(count, 2);
 * ```
 */
export function allTasks(loop?: EventLoop): Set<Task<unknown>> {
  return new Set((loop ?? _getRunningLoop("allTasks()"))._pendingTasks());
}

/**
 * Wraps `coro` in a task on the running loop; it starts in the next
 * iteration.
 *
 * @param coro The coroutine to run.
 * @param options The task's name.
 * @returns The task.
 * @throws {TypeError} When `coro` is not a coroutine.
 * @throws {InvalidStateError} When no loop is running.
 *
 * @example Two tasks interleave at each `yield*`
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createTask, run, sleep } from "yieldio";
 * const log: string[] = [];
 * function* worker(name: string, ms: number) {
 *   yield* sleep(ms);
 *   log.push(name);
 * }
 * await run(function* () {
 *   const slow = createTask(worker("slow", 20));
 *   const fast = createTask(worker("fast", 10));
 *   yield* slow;
 *   yield* fast;
 * }, { clock: "virtual" });
 * assertEquals(log, ["fast", "slow"]);
 * ```
 */
export function createTask<T>(coro: Coro<T>, options?: TaskOptions): Task<T> {
  return _getRunningLoop("createTask()").createTask(coro, options);
}
