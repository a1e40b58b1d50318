/**
 * staggeredRace: start attempts one after another, a delay apart or as soon
 * as the previous one fails, and take the first that succeeds (asyncio's
 * `staggered.staggered_race`, the core of Happy Eyeballs, RFC 8305).
 *
 * One runner task per attempt. A runner first waits until it is in the
 * race's set (an eager task would otherwise run before it is counted), then
 * until the previous attempt failed or `delay` passed, pulls the next
 * coroutine function from the iterable — lazily, as CPython does — starts
 * the runner of the following attempt and runs its own. The first to return
 * cancels every other runner. The calling task waits until every runner has
 * finished; a cancel of it is passed on to them and raised once they have.
 *
 * Invariant: `#running` holds exactly the runners whose done-callback has
 * not run; the caller's wait ends when it becomes empty.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { CancelledError, ExceptionGroup, TimeoutError } from "../errors.ts";
import type { EventLoop } from "../task/event_loop.ts";
import type { Future } from "../task/future.ts";
import { isCoroutine } from "../task/coroutine.ts";
import { _getRunningLoop } from "../task/running_loop.ts";
import type { Task } from "../task/task.ts";
import type { Coro } from "../task/yield_protocol.ts";
import { bodyCoroutine } from "../task/body.ts";
import { LabelledFuture } from "../task/wait_label.ts";
import { checkTime } from "./_checks.ts";
import { errorOf, NO_ERROR } from "./_outcome.ts";
import { waitFor } from "./wait_for.ts";

/** What {@linkcode staggeredRace} returns (asyncio's `(winner_result, winner_index, exceptions)`). */
export interface StaggeredRaceResult<T> {
  /** The winner's result; `undefined` when no attempt succeeded. */
  result: T | undefined;
  /** The winner's index among the coroutine functions; `null` when none succeeded (what tells, when `T` may be undefined). */
  index: number | null;
  /**
   * One entry per attempt started, in order: its error (`CancelledError` for
   * the attempts the winner cancelled), or `null` for the winner.
   */
  exceptions: unknown[];
}

/**
 * Runs attempts with staggered starts and returns the first success. The
 * first coroutine function is called at once; each next one when the
 * previous attempt fails or `delay` ms after it started, whichever is first.
 * The first attempt to return wins and the others are cancelled; if every
 * attempt fails, there is no winner. Attempts should raise when they fail
 * and rethrow `CancelledError`. The iterable is read lazily, one function
 * per attempt started.
 *
 * @param coroFns Functions that each return a coroutine (an attempt), e.g.
 *   `() => connect(address)`: an array, or an iterable read one function per
 *   attempt (`{ *[Symbol.iterator]() { ... } }`; not a generator object,
 *   which is taken for a coroutine passed by mistake).
 * @param delay ms between starts; `null`: start the next only when the
 *   previous one failed (one at a time).
 * @returns A coroutine of `{ result, index, exceptions }`.
 * @throws {TypeError} When `coroFns` is not an iterable or is a generator
 *   object, an array holds something other than a function, or `delay` is
 *   not a number or null.
 * @throws {RangeError} When `delay` is NaN.
 * @throws {CancelledError} When the calling task was cancelled: every
 *   attempt is cancelled and finished first.
 * @throws {ExceptionGroup} When the race itself failed: an item of a lazy
 *   iterable that is not a function, or an iterator that threw.
 *
 * @example Happy Eyeballs: the second address answers first
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { getRunningLoop, run, sleep, staggeredRace } from "yieldio";
 * function* connect(address: string, ms: number, ok: boolean) {
 *   yield* sleep(ms);
 *   if (!ok) throw new Error(`${address} refused`);
 *   return `connected to ${address}`;
 * }
 * const out = await run(function* () {
 *   const { result, index, exceptions } = yield* staggeredRace([
 *     () => connect("2001:db8::1", 1000, true), // slow: still trying when the next one starts
 *     () => connect("192.0.2.1", 50, true),
 *   ], 250);
 *   return [result, index, exceptions.map((e) => e && (e as Error).name), getRunningLoop().time()];
 * }, { clock: "virtual" });
 * assertEquals(out, ["connected to 192.0.2.1", 1, ["CancelledError", null], 300]);
 * ```
 */
export function staggeredRace<T>(
  coroFns: Iterable<() => Coro<T>>,
  delay: number | null,
): Coro<StaggeredRaceResult<T>> {
  if (isCoroutine(coroFns)) {
    // Iterating it would drive it: a generator object here is far more often an attempt passed by mistake.
    throw new TypeError(
      `staggeredRace expects an iterable of functions that return coroutines, got ${describeValue(coroFns)}; ` +
        "pass an array, or an object whose [Symbol.iterator] is a generator function to give them lazily",
    );
  }
  if (typeof coroFns === "string" || typeof coroFns?.[Symbol.iterator] !== "function") {
    throw new TypeError(
      `staggeredRace expects an iterable of functions that return coroutines, got ${describeValue(coroFns)}`,
    );
  }
  if (Array.isArray(coroFns)) coroFns.forEach((fn, i) => checkCoroFn(fn, i));
  const ms = checkTime(delay, "staggeredRace", "delay");
  return StaggeredRace.run(coroFns, ms);
}

function checkCoroFn(fn: unknown, index: number): void {
  if (typeof fn !== "function") {
    throw new TypeError(
      `staggeredRace expects functions that return coroutines, got ${describeValue(fn)} at index ${index}` +
        (isCoroutine(fn) ? "; pass () => attempt(), not attempt()" : ""),
    );
  }
}

class StaggeredRace<T> {
  #loop: EventLoop;
  #delay: number | null;
  #fns: Iterator<() => Coro<T>>;
  #started = 0;
  #result: T | undefined = undefined;
  #index: number | null = null;
  #exceptions: unknown[] = [];
  /** Errors of the runners themselves (not of the attempts): a bad item, a throwing iterator. */
  #unhandled: unknown[] = [];
  #running = new Set<Task<void>>();
  /** While the caller waits: completed when `#running` becomes empty. */
  #allDone: Future<void> | null = null;

  constructor(loop: EventLoop, fns: Iterable<() => Coro<T>>, delay: number | null) {
    this.#loop = loop;
    this.#fns = fns[Symbol.iterator]();
    this.#delay = delay;
  }

  static *run<T>(fns: Iterable<() => Coro<T>>, delay: number | null): Coro<StaggeredRaceResult<T>> {
    const race = new StaggeredRace(_getRunningLoop("staggeredRace()"), fns, delay);
    let propagate: CancelledError | null = null;
    race.#start(null);
    // A loop: the caller may be cancelled again while the runners finish.
    while (race.#running.size > 0) {
      race.#allDone = new LabelledFuture<void>(race.#loop, race);
      try {
        yield* race.#allDone;
      } catch (error) {
        if (!(error instanceof CancelledError)) throw error;
        propagate = error;
        for (const runner of race.#running) runner.cancel(error.message === "" ? undefined : error.message);
      }
      race.#allDone = null;
    }
    // asyncio raises these only under __debug__ (the default): a runner's own failure is a programming error.
    if (race.#unhandled.length > 0) throw new ExceptionGroup("staggered race failed", race.#unhandled);
    if (propagate !== null) throw propagate;
    return { result: race.#result, index: race.#index, exceptions: race.#exceptions };
  }

  /** Starts the runner of the next attempt, which goes once `previousFailed` is done or `delay` passed. */
  #start(previousFailed: Future<void> | null): void {
    const okToStart = new LabelledFuture<void>(this.#loop, "staggeredRace start");
    const runner = this.#loop.createTask(this.#runOne(okToStart, previousFailed));
    this.#running.add(runner);
    runner._addCallback(this.#onRunnerDone, runner);
    okToStart.setResult(undefined); // now counted: an eager runner may go on
  }

  *#runOne(okToStart: Future<void>, previousFailed: Future<void> | null): Coro<void> {
    yield* okToStart;
    if (previousFailed !== null) {
      try {
        yield* waitFor(previousFailed, this.#delay);
      } catch (error) {
        if (!(error instanceof TimeoutError)) throw error;
      }
    }
    const next = this.#fns.next();
    if (next.done === true) return;
    const index = this.#started++;
    checkCoroFn(next.value, index);
    const failed = new LabelledFuture<void>(this.#loop, `staggeredRace attempt ${index}`);
    this.#start(failed);
    this.#exceptions.push(null);
    let result: T;
    try {
      result = yield* bodyCoroutine<T>(next.value(), "staggeredRace");
    } catch (error) {
      this.#exceptions[index] = error;
      // Waited on by the next runner, which may have given up on it (timed out, or cancelled).
      if (!failed.done()) failed.setResult(undefined);
      // The race cancelled this runner: end cancelled rather than swallow it (the outcome is the same).
      if (error instanceof CancelledError && (this.#loop._currentTask?.cancelling() ?? 0) > 0) throw error;
      return;
    }
    this.#index = index;
    this.#result = result;
    const self = this.#loop._currentTask;
    for (const runner of this.#running) {
      if (runner !== self) runner.cancel();
    }
  }

  /** A runner finished (a done-callback, bound once per race). */
  readonly #onRunnerDone = (runner: Task<void>): void => {
    this.#running.delete(runner);
    if (this.#running.size === 0 && this.#allDone !== null && !this.#allDone.done()) {
      this.#allDone.setResult(undefined);
    }
    if (runner.cancelled()) return;
    const error = errorOf(runner);
    if (error !== NO_ERROR) this.#unhandled.push(error);
  };

  /** @internal The label of the caller's wait. */
  _waitLabel(): string {
    return `staggeredRace (${this.#running.size} running)`;
  }

  /** @internal The caller awaits every runner (asyncio 3.14: future_add_to_awaited_by). */
  _awaitedChildren(): Iterable<Future<unknown>> {
    return this.#running;
  }
}
