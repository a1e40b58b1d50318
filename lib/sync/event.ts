/**
 * Event: a flag tasks can wait for (asyncio.Event).
 *
 * `set()` wakes every waiter at once; a waiter that was woken stays woken
 * even if `clear()` follows before it runs. Waiting on a set event returns
 * without yielding.
 *
 * @module
 */

import { PrintsAsToString } from "../_inspect.ts";
import type { Coro } from "../task/yield_protocol.ts";
import { trackUndriven } from "../task/undriven.ts";
import { Waiters } from "../task/waiters.ts";

/**
 * A flag, initially false: `yield* event.wait()` returns once it is set.
 *
 * @example One task waits for another's signal
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createTask, Event, getRunningLoop, run, sleep } from "yieldio";
 * const ready = new Event();
 * const when = await run(function* () {
 *   createTask((function* () {
 *     yield* sleep(50);
 *     ready.set();
 *   })());
 *   yield* ready.wait();
 *   return getRunningLoop().time();
 * }, { clock: "virtual" });
 * assertEquals(when, 50);
 * ```
 */
export class Event extends PrintsAsToString {
  #set = false;
  /** Every waiter is woken by set(), so a cancelled one has nothing to pass on. */
  #waiters: Waiters = new Waiters(this, "wait()", null);

  /**
   * Like asyncio's `Event.is_set()`.
   * @returns Whether the flag is set.
   */
  isSet(): boolean {
    return this.#set;
  }

  /** Sets the flag and wakes every waiter; calls to `wait()` return at once until `clear()`. */
  set(): void {
    if (this.#set) return;
    this.#set = true;
    this.#waiters.wakeAll();
  }

  /** Clears the flag; waiters already woken by `set()` still wake. */
  clear(): void {
    this.#set = false;
  }

  /**
   * Waits until the flag is set; when it already is, returns without
   * yielding.
   *
   * @returns A coroutine that returns `true`.
   * @throws {CancelledError} When the task is cancelled while waiting.
   * @throws {InvalidStateError} When it has to wait on a loop other than the
   *   one the event is bound to.
   *
   * @example A set event does not make the task wait
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { Event } from "yieldio";
   * const event = new Event();
   * event.set();
   * // Driven by hand, outside any loop: it finishes on the first step.
   * assertEquals(event.wait().next(), { done: true, value: true });
   * ```
   */
  wait(): Coro<true> {
    return trackUndriven(this.#wait(), "Event.wait()");
  }

  /** The coroutine behind {@linkcode wait}. */
  *#wait(): Coro<true> {
    if (this.#set) return true;
    yield* this.#waiters.wait();
    return true;
  }

  /** @internal The kind its waits are labelled with (`Event#1`). */
  _waitKind(): string {
    return "Event";
  }

  /**
   * Describes the event for messages and `console.log`.
   * @returns A description like `<Event unset waiters=2>`.
   */
  override toString(): string {
    const waiting = this.#waiters.size;
    return `<Event ${this.#set ? "set" : "unset"}${waiting > 0 ? ` waiters=${waiting}` : ""}>`;
  }
}
