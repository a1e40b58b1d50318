/**
 * `waitAllTasksBlocked()` (Trio's `wait_all_tasks_blocked`): wait until every
 * other task is parked and nothing is ready to run.
 *
 * Each loop gets at most one watcher: a callback that looks, once per
 * iteration, whether anything but itself is ready or a timer is due. Its
 * waiters park on plain futures, so they are not "ready" themselves, and all
 * of them wake together the first time the loop is quiet (Trio wakes every
 * waiter with the same cushion at once). The watcher runs before the loop
 * would jump a virtual clock, so no time passes while it waits.
 *
 * @module
 */

import { InvalidStateError } from "../errors.ts";
import type { EventLoop } from "../task/event_loop.ts";
import type { Future } from "../task/future.ts";
import { currentTask, getRunningLoop } from "../task/running_loop.ts";
import type { Coro } from "../task/yield_protocol.ts";

/** Per loop: the futures of the tasks waiting for quiet, and whether the watcher is scheduled. */
class Watcher {
  #loop: EventLoop;
  #waiters: Future<void>[] = [];
  /** Invariant: true exactly while a `#look` call is queued on the loop. */
  #looking = false;

  constructor(loop: EventLoop) {
    this.#loop = loop;
  }

  add(waiter: Future<void>): void {
    this.#waiters.push(waiter);
    if (this.#looking) return;
    this.#looking = true;
    this.#loop.callSoon(this.#look);
  }

  /** Runs as ready work: `_hasWorkNow()` then counts only the others, since this call left the queue. */
  #look = (): void => {
    const waiters = this.#waiters.filter((waiter) => !waiter.done()); // cancelled waiters drop out
    this.#waiters = waiters;
    if (waiters.length > 0 && this.#loop._hasWorkNow()) {
      this.#loop.callSoon(this.#look);
      return;
    }
    this.#looking = false;
    this.#waiters = [];
    for (const waiter of waiters) waiter.setResult(undefined);
  };
}

const watchers = new WeakMap<EventLoop, Watcher>();

/**
 * Waits until every other task is blocked — parked on a future, a lock, a
 * queue, a sleep — and nothing is ready to run, then returns (without
 * letting time pass). For tests: "start the child, let it reach its
 * `lock.acquire()`, then check". Tasks that never block (a loop of bare
 * `yield`s) keep it waiting.
 *
 * @returns A coroutine to `yield*` inside a task.
 * @throws {InvalidStateError} When driven outside a task.
 *
 * @example The child is parked on the lock when the parent resumes
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createTask, Lock } from "yieldio";
 * import { runTest, waitAllTasksBlocked } from "yieldio/testing";
 * await runTest(function* () {
 *   const lock = new Lock();
 *   yield* lock.acquire();
 *   const child = createTask(lock.hold(function* () {
 *     return "got it";
 *   }));
 *   yield* waitAllTasksBlocked();
 *   assertEquals(String(lock), "<Lock locked waiters=1>");
 *   lock.release();
 *   assertEquals(yield* child, "got it");
 * });
 * ```
 */
export function* waitAllTasksBlocked(): Coro<void> {
  const loop = getRunningLoop();
  if (currentTask() === null) throw new InvalidStateError("waitAllTasksBlocked() must be awaited inside a task");
  let watcher = watchers.get(loop);
  if (watcher === undefined) watchers.set(loop, watcher = new Watcher(loop));
  const quiet = loop.createFuture<void>();
  watcher.add(quiet);
  yield* quiet;
}
