/**
 * Lock: mutual exclusion between tasks (asyncio.Lock).
 *
 * Fair: waiters get the lock in the order they asked, and a newcomer never
 * takes it ahead of a waiter that was already woken — after `release()`,
 * `locked()` is false, yet a third task's `acquire()` still queues behind the
 * woken one. The lock has no owner: any task may release it.
 *
 * Invariant: when the lock is free and tasks are waiting, one of them has
 * been woken and will take it (or, if cancelled first, passes the wake-up to
 * the next). The waiter line (`task/waiters.ts`) keeps that true through
 * cancellations.
 *
 * @module
 */

import { PrintsAsToString } from "../_inspect.ts";
import { InvalidStateError } from "../errors.ts";
import { _runningLoop } from "../loop/base_event_loop.ts";
import type { EventLoop } from "../task/event_loop.ts";
import type { Task } from "../task/task.ts";
import type { Coro } from "../task/yield_protocol.ts";
import { trackUndriven } from "../task/undriven.ts";
import { holding } from "../task/body.ts";
import { Waiters } from "../task/waiters.ts";

/**
 * A lock for tasks: `yield* lock.acquire()` ... `lock.release()`, or
 * `yield* lock.hold(body)` (asyncio's `async with lock`).
 *
 * @example Two tasks take turns in a critical section
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createTask, Lock, run, sleep } from "yieldio";
 * const log: string[] = [];
 * const lock = new Lock();
 * function* worker(name: string) {
 *   yield* lock.hold(function* () {
 *     log.push(`${name} in`);
 *     yield* sleep(10);
 *     log.push(`${name} out`);
 *   });
 * }
 * await run(function* () {
 *   const a = createTask(worker("a"));
 *   const b = createTask(worker("b"));
 *   yield* a;
 *   yield* b;
 * }, { clock: "virtual" });
 * assertEquals(log, ["a in", "a out", "b in", "b out"]);
 * ```
 */
export class Lock extends PrintsAsToString {
  #locked = false;
  /**
   * The task that took the lock, for the task tree (`Lock#1 (held by producer)`): with it, a lock-order
   * deadlock reads as one. Null while free, or when taken outside a task. Trio's Lock keeps its owner too.
   */
  #holder: Task<unknown> | null = null;
  /** A woken waiter that is cancelled before it takes the lock hands it to the next. */
  #waiters: Waiters = new Waiters(this, "acquire()", () => this.#waiters.wakeOne());

  /**
   * Like asyncio's `Lock.locked()`.
   * @returns Whether the lock is held.
   */
  locked(): boolean {
    return this.#locked;
  }

  /**
   * Waits until the lock is free and no earlier waiter is queued, then takes
   * it. A free lock with nobody waiting is taken at once, without yielding.
   *
   * @returns A coroutine that returns `true` once the lock is held.
   * @throws {CancelledError} When the task is cancelled while waiting (it
   *   then does not hold the lock).
   * @throws {InvalidStateError} When it has to wait on a loop other than the
   *   one the lock is bound to.
   *
   * @example Acquire and release by hand
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { Lock, run } from "yieldio";
   * const lock = new Lock();
   * await run(function* () {
   *   yield* lock.acquire();
   *   try {
   *     assertEquals(lock.locked(), true);
   *   } finally {
   *     lock.release();
   *   }
   * });
   * assertEquals(lock.locked(), false);
   * ```
   */
  acquire(): Coro<true> {
    return trackUndriven(this.#acquire(), "Lock.acquire()");
  }

  /** The coroutine behind {@linkcode acquire}. */
  *#acquire(): Coro<true> {
    if (!this.#locked && this.#waiters.size === 0) {
      this.#take();
      return true;
    }
    yield* this.#waiters.wait();
    // Woken by release() or by a cancelled waiter's hand-over: the lock is free for this task.
    this.#take();
    return true;
  }

  #take(): void {
    this.#locked = true;
    this.#holder = (_runningLoop() as EventLoop | null)?._currentTask ?? null;
  }

  /**
   * Frees the lock and wakes the first waiter, if any.
   *
   * @throws {InvalidStateError} When the lock is not held.
   *
   * @example Releasing a free lock is an error
   * ```ts
   * import { assertThrows } from "@std/assert";
   * import { InvalidStateError, Lock } from "yieldio";
   * assertThrows(() => new Lock().release(), InvalidStateError, "not held");
   * ```
   */
  release(): void {
    if (!this.#locked) throw new InvalidStateError(`release() on ${this}: the lock is not held`);
    this.#locked = false;
    this.#holder = null;
    this.#waiters.wakeOne();
  }

  /**
   * Holds the lock while `body` runs (asyncio's `async with lock:`): acquires,
   * runs the body, and releases in a `finally`, so a body that throws or is
   * cancelled still releases.
   *
   * @param body A generator function: the critical section.
   * @returns A coroutine that returns what the body returns.
   * @throws What the body throws; `CancelledError` when cancelled while waiting for the lock.
   * @throws {TypeError} When `body` is not a function that returns a coroutine.
   *
   * @example The lock is released even when the body throws
   * ```ts
   * import { assertEquals, assertRejects } from "@std/assert";
   * import { Lock, run } from "yieldio";
   * const lock = new Lock();
   * await assertRejects(() =>
   *   run(function* () {
   *     // deno-lint-ignore require-yield
   *     yield* lock.hold(function* () {
   *       throw new Error("boom");
   *     });
   *   }), Error, "boom");
   * assertEquals(lock.locked(), false);
   * ```
   */
  hold<R>(body: () => Coro<R>): Coro<R> {
    return trackUndriven(holding(this, body, "Lock.hold()"), "Lock.hold()");
  }

  /** @internal Who holds the lock, for its waiters' label in the task tree. */
  _waitDetail(): string | null {
    const holder = this.#holder;
    return holder === null ? null : `held by ${holder.getLoop()._taskLabel(holder)}`;
  }

  /** @internal The kind its waits are labelled with (`Lock#1`). */
  _waitKind(): string {
    return "Lock";
  }

  /**
   * Describes the lock for messages and `console.log`.
   * @returns A description like `<Lock locked waiters=2>`.
   */
  override toString(): string {
    const waiting = this.#waiters.size;
    return `<Lock ${this.#locked ? "locked" : "unlocked"}${waiting > 0 ? ` waiters=${waiting}` : ""}>`;
  }
}
