/**
 * Semaphore and BoundedSemaphore: a counter of free slots (asyncio's).
 *
 * Fair like Lock: waiters are served first come, first served, and a
 * newcomer waits while anyone is queued, even when the counter is above
 * zero. A slot is reserved for a waiter when it is woken (the counter goes
 * down then, not when the waiter runs); if the waiter is cancelled before it
 * runs, the slot comes back and goes to the next waiter — no wake-up is lost.
 *
 * Invariant: `#value` counts the slots neither held nor reserved for a woken
 * waiter; while it is above zero, no waiter is pending once every woken
 * waiter has run.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { PrintsAsToString } from "../_inspect.ts";
import { InvalidStateError } from "../errors.ts";
import type { Coro } from "../task/yield_protocol.ts";
import { trackUndriven } from "../task/undriven.ts";
import { holding } from "../task/body.ts";
import { Waiters } from "../task/waiters.ts";

/**
 * A counter of free slots: `yield* sem.acquire()` takes one (waiting while
 * there is none), `sem.release()` gives one back; `yield* sem.hold(body)`
 * does both around a body (asyncio's `async with sem`).
 *
 * @example At most two workers at a time
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createTask, getRunningLoop, run, Semaphore, sleep } from "yieldio";
 * const slots = new Semaphore(2);
 * const finished: [string, number][] = [];
 * await run(function* () {
 *   const tasks = ["a", "b", "c"].map((name) =>
 *     createTask(slots.hold(function* () {
 *       yield* sleep(100);
 *       finished.push([name, getRunningLoop().time()]);
 *     }))
 *   );
 *   for (const task of tasks) yield* task;
 * }, { clock: "virtual" });
 * assertEquals(finished, [["a", 100], ["b", 100], ["c", 200]]);
 * ```
 */
export class Semaphore extends PrintsAsToString {
  /** Invariant: ≥ 0; free slots, not counting those reserved for woken waiters. */
  #value: number;
  /** A woken waiter that is cancelled before it runs gives its reserved slot back. */
  #waiters: Waiters = new Waiters(this, "acquire()", () => this.#value++);

  /**
   * A semaphore with `value` free slots (asyncio's `Semaphore(value=1)`).
   *
   * @param value The number of free slots (default 1).
   * @throws {TypeError} When `value` is not a number.
   * @throws {RangeError} When `value` is negative or not a whole number.
   */
  constructor(value = 1) {
    super();
    checkValue(value, "Semaphore");
    this.#value = value;
  }

  /**
   * Like asyncio's `Semaphore.locked()` (3.12+).
   * @returns Whether `acquire()` would wait: no free slot, or someone is
   *   already queued.
   */
  locked(): boolean {
    return this.#value === 0 || this.#waiters.size > 0;
  }

  /**
   * Takes a slot, waiting in line while there is none or others are queued.
   * A free slot with nobody queued is taken at once, without yielding.
   *
   * @returns A coroutine that returns `true` once a slot is held.
   * @throws {CancelledError} When cancelled while waiting (no slot is held then).
   * @throws {InvalidStateError} When it has to wait on a loop other than the
   *   one the semaphore is bound to.
   */
  acquire(): Coro<true> {
    return trackUndriven(this.#acquire(), "Semaphore.acquire()");
  }

  /** The coroutine behind {@linkcode acquire}. */
  *#acquire(): Coro<true> {
    if (!this.locked()) {
      this.#value--;
      return true;
    }
    try {
      yield* this.#waiters.wait();
    } finally {
      // Slots freed while this task waited its turn go to those queued behind it.
      this.#wakeWhileFree();
    }
    return true;
  }

  /**
   * Gives a slot back and wakes the first waiter, if any.
   *
   * @throws {InvalidStateError} For a `BoundedSemaphore` released more times than acquired.
   */
  release(): void {
    this.#value++;
    if (this.#waiters.wakeOne()) this.#value--;
  }

  /**
   * Holds a slot while `body` runs: acquires, runs the body, and releases in
   * a `finally`, so a body that throws or is cancelled still releases.
   *
   * @param body A generator function.
   * @returns A coroutine that returns what the body returns.
   * @throws What the body throws; `CancelledError` when cancelled while waiting for a slot.
   * @throws {TypeError} When `body` is not a function that returns a coroutine.
   */
  hold<R>(body: () => Coro<R>): Coro<R> {
    return trackUndriven(holding(this, body, "Semaphore.hold()"), "Semaphore.hold()");
  }

  /** @internal The kind its waits are labelled with (`Semaphore#1`). */
  _waitKind(): string {
    return "Semaphore";
  }

  /**
   * Describes the semaphore for messages and `console.log`.
   * @returns A description like `<Semaphore unlocked value=2>` or `<Semaphore locked waiters=1>`.
   */
  override toString(): string {
    return this._describe("Semaphore");
  }

  /** @internal The free slots, for BoundedSemaphore's check. */
  _value(): number {
    return this.#value;
  }

  /** @internal `toString()` under a class name (minifiers rename classes). */
  _describe(name: string): string {
    const waiting = this.#waiters.size;
    const state = this.locked() ? "locked" : `unlocked value=${this.#value}`;
    return `<${name} ${state}${waiting > 0 ? ` waiters=${waiting}` : ""}>`;
  }

  #wakeWhileFree(): void {
    while (this.#value > 0 && this.#waiters.wakeOne()) this.#value--;
  }
}

/**
 * A {@linkcode Semaphore} that refuses to be released more times than it was
 * acquired: `release()` beyond the initial value is an error, which catches
 * a double release early.
 *
 * @example An extra release is an error
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { BoundedSemaphore, InvalidStateError, run } from "yieldio";
 * const sem = new BoundedSemaphore(1);
 * await run(function* () {
 *   yield* sem.acquire();
 *   sem.release();
 * });
 * assertThrows(() => sem.release(), InvalidStateError, "released more times");
 * ```
 */
export class BoundedSemaphore extends Semaphore {
  #bound: number;

  /**
   * A semaphore with `value` slots whose `release()` throws rather than free
   * more than `value` (asyncio's `BoundedSemaphore(value=1)`).
   *
   * @param value The number of slots, and the most there can be free (default 1).
   * @throws {TypeError} When `value` is not a number.
   * @throws {RangeError} When `value` is negative or not a whole number.
   */
  constructor(value = 1) {
    checkValue(value, "BoundedSemaphore");
    super(value);
    this.#bound = value;
  }

  /**
   * Gives a slot back.
   *
   * @throws {InvalidStateError} When every slot is already free.
   */
  override release(): void {
    if (this._value() >= this.#bound) {
      throw new InvalidStateError(
        `release() on ${this}: released more times than acquired (all ${this.#bound} slots are free)`,
      );
    }
    super.release();
  }

  /** @internal The kind its waits are labelled with (`BoundedSemaphore#1`). */
  override _waitKind(): string {
    return "BoundedSemaphore";
  }

  /**
   * Describes the semaphore for messages and `console.log`.
   * @returns A description like `<BoundedSemaphore unlocked value=1>`.
   */
  override toString(): string {
    return this._describe("BoundedSemaphore");
  }
}

function checkValue(value: unknown, name: string): void {
  if (typeof value !== "number") {
    throw new TypeError(`new ${name}() expects a number of slots, got ${describeValue(value)}`);
  }
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`new ${name}() expects a whole number of slots ≥ 0, got ${describeValue(value)}`);
  }
}
