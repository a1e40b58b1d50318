/**
 * `sleep(ms)`: the cheapest way for a task to wait.
 *
 * A sleep is one small object that is at once the coroutine `sleep()`
 * returns, the timer entry in the loop's heap, and what the sleeping task
 * waits on — no generator, no Future, no separate timer handle. When driven,
 * it yields itself through {@linkcode AWAIT_TIMER}; the task arms it; when
 * due (or cancelled) it schedules the task's next step, which resumes the
 * `yield*` with the value (or throws `CancelledError`). That is the same
 * iteration-by-iteration order as asyncio's sleep, whose timer completes a
 * future whose callback wakes the task.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { printsAsToString } from "../_inspect.ts";
import { CancelledError, InvalidStateError } from "../errors.ts";
import { formatTime } from "../loop/clock.ts";
import type { TimerEntry } from "../loop/timer_heap.ts";
import type { Task } from "./task.ts";
import { trackUndriven } from "./undriven.ts";
import { AWAIT_DONE, AWAIT_TIMER, type Coro, type TimerWait, YIELD_ONCE } from "./yield_protocol.ts";

const NEW = 0, ARMED = 1, FIRED = 2, CANCELLED = 3, FINISHED = 4, DISARMED = 5;
type State = typeof NEW | typeof ARMED | typeof FIRED | typeof CANCELLED | typeof FINISHED | typeof DISARMED;

/**
 * Suspends the calling task for `ms` milliseconds, then returns `value`
 * (`undefined` when none is given; asyncio's `sleep(delay, result)`).
 * `sleep(0)` (or any delay ≤ 0) gives up exactly one loop iteration.
 * Cancelling the task cancels the sleep and raises `CancelledError` at the
 * `yield*`.
 *
 * Like a generator, `sleep()` does nothing until it is driven: write
 * `yield* sleep(5)`, or `createTask(sleep(5))`.
 *
 * @param ms The delay in ms; negative counts as 0, `Infinity` sleeps until cancelled.
 * @param value What the `yield*` returns.
 * @returns A coroutine.
 * @throws {TypeError} When `ms` is not a number.
 * @throws {RangeError} When `ms` is NaN.
 *
 * @example Sleeping on virtual time takes no real time
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { getRunningLoop, run, sleep } from "yieldio";
 * const [value, t] = await run(function* () {
 *   const value = yield* sleep(60_000, "a minute later");
 *   return [value, getRunningLoop().time()];
 * }, { clock: "virtual" });
 * assertEquals([value, t], ["a minute later", 60_000]);
 * ```
 */
export function sleep(ms: number): Coro<undefined>;
/**
 * Suspends the calling task for `ms` milliseconds, then returns `value`.
 *
 * @param ms The delay in ms; negative counts as 0, `Infinity` sleeps until cancelled.
 * @param value What the `yield*` returns.
 * @returns A coroutine.
 * @throws {TypeError} When `ms` is not a number.
 * @throws {RangeError} When `ms` is NaN.
 */
export function sleep<T>(ms: number, value: T): Coro<T>;
export function sleep<T>(ms: number, value?: T): Coro<T | undefined> {
  if (typeof ms !== "number") throw new TypeError(`sleep expects a delay in ms, got ${describeValue(ms)}`);
  if (Number.isNaN(ms)) throw new RangeError("sleep got NaN for its delay; pass a number of ms");
  return trackUndriven(new Sleep(ms, value), "sleep", ms);
}

class Sleep<T> implements Coro<T>, TimerWait, TimerEntry {
  /** Invariant: the delay until armed, then the deadline on the loop's clock. */
  #ms: number;
  /** Invariant: the value to return, or after a cancel the cancel message. */
  #value: T | string | undefined;
  #task: Task<unknown> | null = null;
  #state: State = NEW;
  /** @internal Maintained by the timer heap. */
  _inHeap = false;

  constructor(ms: number, value: T | undefined) {
    this.#ms = ms;
    this.#value = value;
  }

  [Symbol.iterator](): Coro<T> {
    return this;
  }

  next(): IteratorResult<unknown, T> {
    switch (this.#state) {
      case NEW:
        if (this.#ms > 0) {
          AWAIT_TIMER.value = this;
          return AWAIT_TIMER;
        }
        this.#state = FIRED;
        return YIELD_ONCE;
      case FIRED:
        this.#state = FINISHED;
        AWAIT_DONE.value = this.#value;
        return AWAIT_DONE as IteratorReturnResult<T>;
      case CANCELLED:
        // Not FINISHED: the heap may still hold it (lazy deletion), and it must keep reading as cancelled.
        this.#state = DISARMED;
        throw new CancelledError(this.#value as string | undefined);
      case ARMED:
        throw new InvalidStateError(`${this} was resumed before its timer fired; drive sleep() with a Task`);
    }
    // asyncio: "cannot reuse already awaited coroutine".
    throw new InvalidStateError(`${this} was already awaited; a sleep() can be driven once`);
  }

  throw(error: unknown): never {
    Sleep.#disarm(this);
    throw error;
  }

  return(value: T): IteratorResult<unknown, T> {
    Sleep.#disarm(this);
    return { done: true, value };
  }

  /** @internal Puts the sleep on `task`'s loop; called by the task that yielded it. */
  _arm(task: Task<unknown>): void {
    if (this.#state !== NEW) {
      throw new InvalidStateError(`${this} was already awaited; a sleep() can be driven once`);
    }
    const loop = task.getLoop();
    this.#task = task;
    this.#state = ARMED;
    this.#ms = loop.time() + Math.max(0, this.#ms);
    loop._scheduleTimer(this.#ms, this);
  }

  /** @internal Due: wake the task, which resumes the `yield*` with the value. */
  _run(): void {
    if (this.#state !== ARMED) return;
    this.#state = FIRED;
    (this.#task as Task<unknown>)._wakeSoon();
  }

  /** Cancels an armed sleep and wakes its task to raise `CancelledError`. */
  cancel(message?: string): boolean {
    if (this.#state !== ARMED) return false;
    this.#state = CANCELLED;
    this.#value = message;
    const task = this.#task as Task<unknown>;
    if (this._inHeap) task.getLoop()._timerCancelled();
    task._wakeSoon();
    return true;
  }

  cancelled(): boolean {
    return this.#state === CANCELLED || this.#state === DISARMED;
  }

  /** @returns The deadline once armed, else NaN. */
  when(): number {
    return this.#state === NEW ? NaN : this.#ms;
  }

  /**
   * Closed early (`throw`/`return`): a still-armed timer counts as cancelled
   * for the heap. Static, so sleeps carry no private-method brand slot.
   */
  static #disarm(sleep: Sleep<unknown>): void {
    const state = sleep.#state;
    if (state === CANCELLED || state === DISARMED) {
      sleep.#state = DISARMED; // already counted as cancelled by the heap; must keep reading so
      return;
    }
    if (state !== ARMED) {
      sleep.#state = FINISHED;
      return;
    }
    sleep.#state = DISARMED;
    if (sleep._inHeap) (sleep.#task as Task<unknown>).getLoop()._timerCancelled();
  }

  /** @internal What a task sleeping on it waits on, in the task tree: `sleep until t=50`. */
  _waitLabel(): string {
    return this.#state === NEW ? `sleep ${formatTime(this.#ms)} ms` : `sleep until t=${formatTime(this.#ms)}`;
  }

  toString(): string {
    return `<${this._waitLabel()}>`;
  }
}

printsAsToString(Sleep);
