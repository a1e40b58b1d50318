/**
 * Condition: wait until notified, holding a lock around the check
 * (asyncio.Condition).
 *
 * `wait()` releases the lock, waits for `notify()`, and reacquires the lock
 * before it returns — always, even when the task is cancelled while waiting
 * or while reacquiring (the `CancelledError` is raised after the lock is
 * held again, so a `finally` that releases stays correct). A notification
 * that reached a task which then did not return normally from `wait()` is
 * passed to the next waiter, so it is never lost.
 *
 * @module
 */

import { isInstance } from "../_is_instance.ts";
import { describeValue } from "../_describe.ts";
import { PrintsAsToString } from "../_inspect.ts";
import { CancelledError, InvalidStateError } from "../errors.ts";
import type { Coro } from "../task/yield_protocol.ts";
import { trackUndriven } from "../task/undriven.ts";
import { holding } from "../task/body.ts";
import { Waiters } from "../task/waiters.ts";
import { Lock } from "./lock.ts";

const NO_ERROR: unique symbol = Symbol("no error");

/**
 * The values `!value` is true for (that a type can name). Spelled out again
 * in `waitFor`'s signature, as a public signature may not name a private
 * type (deno doc --lint): change both together.
 */
type Falsy = false | 0 | 0n | "" | null | undefined;

/**
 * A condition variable for tasks, over a {@linkcode Lock} (its own, or one
 * given). `acquire`, `release`, `locked` and `hold` act on that lock.
 *
 * @example A consumer waits for a predicate that a producer makes true
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Condition, createTask, run, sleep } from "yieldio";
 * const cond = new Condition();
 * const items: number[] = [];
 * const got = await run(function* () {
 *   const consumer = createTask(cond.hold(function* () {
 *     yield* cond.waitFor(() => items.length > 0);
 *     return items.shift();
 *   }));
 *   yield* sleep(10);
 *   yield* cond.hold(function* () {
 *     items.push(42);
 *     cond.notify();
 *   });
 *   return yield* consumer;
 * }, { clock: "virtual" });
 * assertEquals(got, 42);
 * ```
 */
export class Condition extends PrintsAsToString {
  #lock: Lock;
  /** A notified waiter that is cancelled before it returns passes the notification on. */
  #waiters: Waiters = new Waiters(this, "wait()", () => this.#waiters.wakeOne());

  /**
   * A condition variable over `lock` (asyncio's `Condition(lock=None)`).
   *
   * @param lock The lock to use; default: a new one. Several conditions may
   *   share a lock.
   * @throws {TypeError} When `lock` is given and is not a `Lock`.
   */
  constructor(lock?: Lock) {
    super();
    if (lock !== undefined && !isInstance(lock, Lock)) {
      throw new TypeError(`new Condition() expects a Lock or nothing, got ${describeValue(lock)}`);
    }
    this.#lock = lock ?? new Lock();
  }

  /**
   * Like asyncio's `Condition.locked()`.
   * @returns Whether the underlying lock is held.
   */
  locked(): boolean {
    return this.#lock.locked();
  }

  /**
   * Acquires the underlying lock (see `Lock.acquire`).
   *
   * @returns A coroutine that returns `true` once the lock is held.
   * @throws {CancelledError} When cancelled while waiting for the lock.
   */
  acquire(): Coro<true> {
    return this.#lock.acquire();
  }

  /**
   * Releases the underlying lock (see `Lock.release`).
   *
   * @throws {InvalidStateError} When the lock is not held.
   */
  release(): void {
    this.#lock.release();
  }

  /**
   * Holds the underlying lock while `body` runs (asyncio's
   * `async with cond:`); the lock is released in a `finally`, so a body that
   * throws or is cancelled still releases.
   *
   * @param body A generator function; typically it calls `wait()`/`waitFor()` or `notify()`.
   * @returns A coroutine that returns what the body returns.
   * @throws What the body throws.
   * @throws {TypeError} When `body` is not a function that returns a coroutine.
   */
  hold<R>(body: () => Coro<R>): Coro<R> {
    return trackUndriven(holding(this.#lock, body, "Condition.hold()"), "Condition.hold()");
  }

  /**
   * Releases the lock, waits until notified, then reacquires the lock and
   * returns. The lock is held again when this returns *or throws* — also
   * when the task is cancelled. A wake-up may be spurious: re-check the
   * state (or use {@linkcode waitFor}).
   *
   * @returns A coroutine that returns `true`.
   * @throws {InvalidStateError} When the lock is not held.
   * @throws {CancelledError} When cancelled (after the lock is reacquired).
   *
   * @example Waiting without the lock is an error
   * ```ts
   * import { assertRejects } from "@std/assert";
   * import { Condition, InvalidStateError, run } from "yieldio";
   * const cond = new Condition();
   * await assertRejects(() => run(cond.wait()), InvalidStateError, "not held");
   * ```
   */
  wait(): Coro<true> {
    return trackUndriven(this.#wait(), "Condition.wait()");
  }

  /** The coroutine behind {@linkcode wait}. */
  *#wait(): Coro<true> {
    if (!this.#lock.locked()) throw this.#unheld("wait()");
    this.#waiters.loop(); // a wrong loop is refused while the lock is still held (asyncio does the same)
    this.#lock.release();
    let error: unknown = NO_ERROR, notified = false;
    try {
      yield* this.#waiters.wait();
      notified = true;
    } catch (e) {
      error = e; // the line already passed on a notification this task did not take
    }
    // Reacquire even when cancelled; other errors (another loop) propagate.
    for (;;) {
      try {
        yield* this.#lock.acquire();
        break;
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
        error = e;
      }
    }
    if (error === NO_ERROR) return true;
    if (notified) this.#waiters.wakeOne(); // notified, but cancelled while reacquiring: not used
    throw error;
  }

  /**
   * Waits until `predicate()` is truthy (asyncio's `wait_for`): checks it,
   * and `wait()`s for each notification until it holds. Call it holding the
   * lock, unless the predicate is already true.
   *
   * @param predicate Called with the lock held.
   * @returns A coroutine that returns the predicate's last value, which is
   *   truthy (its type says so: `() => string | null` gives a `string`).
   * @throws {TypeError} When `predicate` is not a function.
   * @throws {InvalidStateError} When it has to wait and the lock is not held.
   * @throws {CancelledError} When cancelled (the lock is held again).
   */
  waitFor<R>(predicate: () => R): Coro<Exclude<R, false | 0 | 0n | "" | null | undefined>> {
    return trackUndriven(this.#waitFor(predicate), "Condition.waitFor()");
  }

  /** The coroutine behind {@linkcode waitFor}. */
  *#waitFor<R>(predicate: () => R): Coro<Exclude<R, Falsy>> {
    if (typeof predicate !== "function") {
      throw new TypeError(`Condition.waitFor() expects a predicate function, got ${describeValue(predicate)}`);
    }
    let result = predicate();
    while (!result) {
      yield* this.wait();
      result = predicate();
    }
    return result as Exclude<R, Falsy>;
  }

  /**
   * Wakes up to `n` waiting tasks, in the order they started waiting. Each
   * returns from `wait()` only once it can reacquire the lock, so release it
   * after notifying.
   *
   * @param n How many to wake (default 1).
   * @throws {InvalidStateError} When the lock is not held.
   * @throws {RangeError} When `n` is negative or NaN.
   */
  notify(n = 1): void {
    if (typeof n !== "number" || !(n >= 0)) {
      throw new RangeError(`Condition.notify() expects a count ≥ 0, got ${describeValue(n)}`);
    }
    if (!this.#lock.locked()) throw this.#unheld("notify()");
    this.#waiters.wakeMany(n);
  }

  /**
   * Wakes every waiting task.
   *
   * @throws {InvalidStateError} When the lock is not held.
   */
  notifyAll(): void {
    if (!this.#lock.locked()) throw this.#unheld("notifyAll()");
    this.#waiters.wakeAll();
  }

  /** @internal The kind its waits are labelled with (`Condition#1`). */
  _waitKind(): string {
    return "Condition";
  }

  /**
   * Describes the condition for messages and `console.log`.
   * @returns A description like `<Condition locked waiters=2>`.
   */
  override toString(): string {
    const waiting = this.#waiters.size;
    return `<Condition ${this.#lock.locked() ? "locked" : "unlocked"}${waiting > 0 ? ` waiters=${waiting}` : ""}>`;
  }

  #unheld(method: string): InvalidStateError {
    return new InvalidStateError(`${method} on ${this}: the lock is not held; call it inside cond.hold(...)`);
  }
}
