/**
 * eagerTaskFactory: asyncio 3.12's `eager_task_factory`, a task factory whose
 * tasks run their first step inside `createTask`.
 *
 * It allocates nothing per task beyond the task itself: every task of a loop
 * created with no options (or an empty options object) gets that loop's one
 * frozen `{ loop, eager: true }`, cached in a WeakMap so a closed loop is not
 * kept alive by it. Only options with keys cost one merged object, as
 * `createTask` itself does.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { EventLoop } from "./event_loop.ts";
import { Task, type TaskConstructorOptions, type TaskOptions } from "./task.ts";
import type { Coro } from "./yield_protocol.ts";

/** Per loop: the options every eager task with no options of its own shares. */
const sharedOptions = new WeakMap<EventLoop, TaskConstructorOptions>();

/**
 * A task factory that starts every task eagerly (asyncio 3.12's
 * `eager_task_factory`): install it with `loop.setTaskFactory(eagerTaskFactory)`
 * and each `createTask` (also through `gather`, `ensureFuture`, task groups)
 * runs the coroutine's first step at once, while the loop is running. A
 * coroutine that finishes without waiting is done before `createTask`
 * returns and is never scheduled. An explicit `eager: false` in the task's
 * options is honoured (asyncio 3.14's `eager_start=False`); `name` and
 * `signal` pass through.
 *
 * @param loop The loop the task belongs to (the one calling the factory).
 * @param coro The coroutine to run.
 * @param options The options given to `createTask`.
 * @returns The new task.
 * @throws {TypeError} When `loop` is not an EventLoop, `options` is not an
 *   object, or `coro` is not a coroutine.
 * @throws {InvalidStateError} When the loop is closed.
 *
 * @example Children that never wait finish inside createTask
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createTask, eagerTaskFactory, getRunningLoop, run } from "yieldio";
 * const states = await run(function* () {
 *   getRunningLoop().setTaskFactory(eagerTaskFactory);
 *   // deno-lint-ignore require-yield -- it finishes without waiting
 *   const task = createTask((function* () {
 *     return 42;
 *   })());
 *   return [task.done(), yield* task];
 * });
 * assertEquals(states, [true, 42]);
 * ```
 */
export function eagerTaskFactory<T>(loop: EventLoop, coro: Coro<T>, options?: TaskOptions): Task<T> {
  if (!(loop instanceof EventLoop)) {
    throw new TypeError(`eagerTaskFactory expects an EventLoop, got ${describeValue(loop)}`);
  }
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new TypeError(`eagerTaskFactory expects an options object, got ${describeValue(options)}`);
  }
  if (options === undefined || !hasKeys(options)) return new Task(coro, optionsOf(loop));
  return new Task(coro, { ...options, loop, eager: options.eager ?? true });
}

function optionsOf(loop: EventLoop): TaskConstructorOptions {
  let options = sharedOptions.get(loop);
  if (options === undefined) {
    options = Object.freeze({ loop, eager: true });
    sharedOptions.set(loop, options);
  }
  return options;
}

/** Whether `object` has any enumerable key; for-in allocates nothing for an empty object. */
function hasKeys(object: object): boolean {
  for (const _ in object) return true;
  return false;
}
