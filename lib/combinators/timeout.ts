/**
 * timeout / timeoutAt: a deadline around a body (asyncio's `timeout()`
 * context manager, written as a function that takes the body).
 *
 * On entry the Timeout records the task and its `cancelling()` count and arms
 * a timer. When the timer fires it cancels the task — an ordinary cancel,
 * delivered at the body's current `yield*`. On exit it withdraws that cancel
 * (`uncancel()`) and converts the `CancelledError` into `TimeoutError` only
 * if the count is back to what it was on entry: a cancel from anyone else is
 * still counted and keeps propagating. That one comparison is what makes
 * nested timeouts firing together convert only at the outermost, and a
 * foreign cancel win over an expired timeout (asyncio finding 9).
 *
 * States, in order: created → active → (expiring → expired | finished).
 * Exit always runs (try/finally) and always cancels the timer.
 *
 * @module
 */

import { isInstance } from "../_is_instance.ts";
import { PrintsAsToString } from "../_inspect.ts";
import { CancelledError, InvalidStateError, TimeoutError } from "../errors.ts";
import { formatTime } from "../loop/clock.ts";
import type { Handle } from "../loop/handle.ts";
import { _getRunningLoop } from "../task/running_loop.ts";
import type { Task } from "../task/task.ts";
import type { Coro } from "../task/yield_protocol.ts";
import { bodyCoroutine, checkBody } from "../task/body.ts";
import { checkTime } from "./_checks.ts";

const CREATED = 0, ACTIVE = 1, EXPIRING = 2, EXPIRED = 3, FINISHED = 4;
type State = typeof CREATED | typeof ACTIVE | typeof EXPIRING | typeof EXPIRED | typeof FINISHED;
const STATE_NAMES = ["created", "active", "expiring", "expired", "finished"] as const;
const NOTHING_THROWN: unique symbol = Symbol("nothing thrown");

/**
 * A deadline for a body: what `timeout()` and `timeoutAt()` pass to it, to
 * read (`when()`, `expired()`) or move (`reschedule()`) the deadline.
 * `new Timeout(when).enter(body)` is `timeoutAt(when, body)` with the object
 * made beforehand.
 *
 * @example Extending the deadline from inside the body
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { getRunningLoop, run, sleep, timeout } from "yieldio";
 * const t = await run(function* () {
 *   yield* timeout(100, function* (cm) {
 *     yield* sleep(80);
 *     cm.reschedule(getRunningLoop().time() + 100); // more time: now due at 180
 *     yield* sleep(80);
 *   });
 *   return getRunningLoop().time();
 * }, { clock: "virtual" });
 * assertEquals(t, 160);
 * ```
 */
export class Timeout extends PrintsAsToString {
  #state: State = CREATED;
  /** Invariant: the deadline on the loop's clock, or null for none. */
  #when: number | null;
  /** Invariant: non-null only while active with a deadline (the timer that expires it). */
  #timer: Handle | null = null;
  #task: Task<unknown> | null = null;
  /** The task's `cancelling()` on entry: the level an exit must come back to before converting. */
  #cancellingOnEntry = 0;

  /**
   * A timeout not yet entered (asyncio's `Timeout(when)`); `timeout()` and
   * `timeoutAt()` make and enter one for you.
   *
   * @param when The deadline on the loop's clock (`loop.time()` scale, ms),
   *   or `null` for none.
   * @throws {TypeError} When `when` is neither a number nor null.
   * @throws {RangeError} When `when` is NaN.
   */
  constructor(when: number | null) {
    super();
    this.#when = checkTime(when, "Timeout", "when");
  }

  /**
   * Like asyncio's `Timeout.when()`.
   * @returns The deadline on the loop's clock, or `null` when there is none.
   */
  when(): number | null {
    return this.#when;
  }

  /**
   * Moves the deadline; `null` removes it. A deadline already passed expires
   * the timeout in the next iteration.
   *
   * @param when The new deadline on the loop's clock, or `null`.
   * @throws {InvalidStateError} Before the timeout is entered, or after it
   *   expired or finished.
   * @throws {TypeError} When `when` is neither a number nor null.
   * @throws {RangeError} When `when` is NaN.
   */
  reschedule(when: number | null): void {
    if (this.#state !== ACTIVE) {
      throw new InvalidStateError(
        this.#state === CREATED
          ? `reschedule() on ${this}: the timeout has not been entered`
          : `reschedule() on ${this}: cannot change the deadline of a timeout that is ${STATE_NAMES[this.#state]}`,
      );
    }
    const deadline = checkTime(when, "reschedule", "when");
    this.#when = deadline;
    this.#timer?.cancel();
    this.#timer = null;
    if (deadline === null) return;
    const loop = (this.#task as Task<unknown>).getLoop();
    // asyncio: a deadline already passed fires in the next iteration, after
    // the callbacks already ready — not synchronously.
    this.#timer = deadline <= loop.time()
      ? loop.callSoon(Timeout.#expire, this)
      : loop.callAt(deadline, Timeout.#expire, this);
  }

  /**
   * Like asyncio's `Timeout.expired()`.
   * @returns Whether the deadline passed while the body ran.
   */
  expired(): boolean {
    return this.#state === EXPIRING || this.#state === EXPIRED;
  }

  /**
   * Runs `body` under this deadline, in the calling task: asyncio's
   * `async with timeout:`.
   *
   * @param body Called with this Timeout; returns the coroutine to run.
   * @returns A coroutine of the body's result.
   * @throws {TypeError} When `body` is not a function (at the call) or does
   *   not return a coroutine.
   * @throws {InvalidStateError} When entered twice, or outside a task.
   * @throws {TimeoutError} When the deadline passed and cancelled the body
   *   (its `cause` is the `CancelledError`).
   */
  enter<T>(body: (cm: Timeout) => Coro<T>): Coro<T> {
    checkBody(body, "Timeout.enter");
    return Timeout.#run(this, body);
  }

  static *#run<T>(cm: Timeout, body: (cm: Timeout) => Coro<T>): Coro<T> {
    if (cm.#state !== CREATED) throw new InvalidStateError(`${cm} has already been entered`);
    const task = _getRunningLoop("timeout()")._currentTask;
    if (task === null) throw new InvalidStateError(`${cm} must be entered inside a task`);
    cm.#state = ACTIVE;
    cm.#task = task;
    cm.#cancellingOnEntry = task.cancelling();
    cm.reschedule(cm.#when);
    let thrown: unknown = NOTHING_THROWN;
    try {
      return yield* bodyCoroutine<T>(body(cm), "timeout");
    } catch (error) {
      thrown = error;
      throw Timeout.#exit(cm, error);
    } finally {
      if (thrown === NOTHING_THROWN) Timeout.#exit(cm, NOTHING_THROWN);
    }
  }

  /** @returns What the body's exit should raise: `thrown`, or a TimeoutError in its place. */
  static #exit(cm: Timeout, thrown: unknown): unknown {
    cm.#timer?.cancel();
    cm.#timer = null;
    if (cm.#state === ACTIVE) {
      cm.#state = FINISHED;
      return thrown;
    }
    cm.#state = EXPIRED;
    // Withdraw our own cancel; convert only if no one else's is still counted.
    const ours = (cm.#task as Task<unknown>).uncancel() <= cm.#cancellingOnEntry;
    if (ours && isInstance(thrown, CancelledError)) {
      return new TimeoutError(`the deadline t=${formatTime(cm.#when as number)} ms passed`, { cause: thrown });
    }
    return thrown;
  }

  /**
   * The timer's callback: cancels the task, and the exit tells whose cancel it was. A named function, so the
   * timer prints as `<TimerHandle when=100 expireTimeout()>`.
   */
  static #expire = function expireTimeout(cm: Timeout): void {
    if (cm.#state !== ACTIVE) return;
    cm.#state = EXPIRING;
    cm.#timer = null;
    (cm.#task as Task<unknown>).cancel();
  };

  /**
   * Describes the timeout for messages and `console.log`.
   * @returns A description like `<Timeout [active] when=100>` or `<Timeout [expired]>`.
   */
  override toString(): string {
    const when = this.#state === ACTIVE || this.#state === CREATED ? ` when=${formatTime(this.#when as number)}` : "";
    return `<Timeout [${STATE_NAMES[this.#state]}]${when}>`;
  }
}

/**
 * Runs `body` with a deadline `ms` from now (counted from when the returned
 * coroutine starts). If the deadline passes, the task is cancelled at its
 * current `yield*` — `finally` blocks run — and the `CancelledError` comes out
 * of `timeout` as a `TimeoutError`. Only this timeout's own cancellation is
 * converted: a cancel from elsewhere keeps propagating as `CancelledError`,
 * and when nested timeouts expire together only the outermost converts. A
 * body that catches the cancel and returns normally keeps its result.
 *
 * @param ms The time limit in ms; `null` for none (the body can still
 *   `reschedule`); 0 or less expires in the next iteration.
 * @param body Called with the {@linkcode Timeout}; returns the coroutine to run.
 * @returns A coroutine of the body's result.
 * @throws {TypeError} When `ms` is neither a number nor null, or `body` is
 *   not a function (at the call).
 * @throws {RangeError} When `ms` is NaN.
 * @throws {TimeoutError} When the deadline passed first.
 * @throws {InvalidStateError} When driven outside a task.
 *
 * @example A slow body times out, and its finally still runs
 * ```ts
 * import { assertEquals, assertInstanceOf } from "@std/assert";
 * import { CancelledError, getRunningLoop, run, sleep, timeout, TimeoutError } from "yieldio";
 * const log: unknown[] = [];
 * await run(function* () {
 *   try {
 *     yield* timeout(50, function* () {
 *       try {
 *         yield* sleep(1000);
 *       } finally {
 *         log.push(["cleanup", getRunningLoop().time()]);
 *       }
 *     });
 *   } catch (e) {
 *     assertInstanceOf(e, TimeoutError);
 *     assertInstanceOf(e.cause, CancelledError);
 *     log.push(["timed out", getRunningLoop().time()]);
 *   }
 * }, { clock: "virtual" });
 * assertEquals(log, [["cleanup", 50], ["timed out", 50]]);
 * ```
 */
export function timeout<T>(ms: number | null, body: (cm: Timeout) => Coro<T>): Coro<T> {
  const delay = checkTime(ms, "timeout", "ms");
  checkBody(body, "timeout");
  return enterAfter(delay, body);
}

function* enterAfter<T>(delay: number | null, body: (cm: Timeout) => Coro<T>): Coro<T> {
  const when = delay === null ? null : _getRunningLoop("timeout()").time() + delay;
  return yield* new Timeout(when).enter(body);
}

/**
 * {@linkcode timeout} with an absolute deadline on the loop's clock
 * (`loop.time()` scale, ms).
 *
 * @param when The deadline, or `null` for none.
 * @param body Called with the {@linkcode Timeout}; returns the coroutine to run.
 * @returns A coroutine of the body's result.
 * @throws {TypeError} When `when` is neither a number nor null, or `body` is
 *   not a function.
 * @throws {RangeError} When `when` is NaN.
 * @throws {TimeoutError} When the deadline passed first.
 *
 * @example A deadline shared by two steps
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { getRunningLoop, run, sleep, timeoutAt, TimeoutError } from "yieldio";
 * const steps: string[] = [];
 * await run(function* () {
 *   const deadline = getRunningLoop().time() + 100;
 *   try {
 *     yield* timeoutAt(deadline, function* () {
 *       yield* sleep(60);
 *       steps.push("first");
 *       yield* sleep(60);
 *       steps.push("second");
 *     });
 *   } catch (e) {
 *     if (!(e instanceof TimeoutError)) throw e;
 *     steps.push(`timed out at ${getRunningLoop().time()}`);
 *   }
 * }, { clock: "virtual" });
 * assertEquals(steps, ["first", "timed out at 100"]);
 * ```
 */
export function timeoutAt<T>(when: number | null, body: (cm: Timeout) => Coro<T>): Coro<T> {
  const deadline = checkTime(when, "timeoutAt", "when");
  checkBody(body, "timeoutAt");
  return new Timeout(deadline).enter(body);
}
