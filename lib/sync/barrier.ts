/**
 * Barrier: `parties` tasks wait until all of them have arrived, then all go
 * on together (asyncio.Barrier, Python 3.11).
 *
 * Built, as asyncio's is, on a {@linkcode Condition} and a state machine:
 * - `filling`: tasks arrive and wait; the last to arrive starts draining;
 * - `draining`: the waiting tasks leave (each with its arrival index);
 *   newcomers wait until the last one has left, which refills the barrier;
 * - `resetting`: `reset()` while tasks wait — they leave with
 *   `BrokenBarrierError`; the last to leave refills the barrier;
 * - `broken`: `abort()` — every waiter and every later arrival gets
 *   `BrokenBarrierError`, until `reset()`.
 *
 * Invariant: `#count` is the number of tasks inside `wait()` past the
 * entrance (waiting, or draining out).
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { PrintsAsToString } from "../_inspect.ts";
import { BrokenBarrierError } from "../errors.ts";
import type { Coro } from "../task/yield_protocol.ts";
import { trackUndriven } from "../task/undriven.ts";
import { bodyCoroutine, checkBody } from "../task/body.ts";
import { Condition } from "./condition.ts";

type State = "filling" | "draining" | "resetting" | "broken";

/**
 * A meeting point for a fixed number of tasks: each `yield* barrier.wait()`
 * returns once `parties` tasks are waiting, with the task's arrival index
 * (0 for the first to arrive).
 *
 * @example Three tasks meet, then go on together
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Barrier, createTask, getRunningLoop, run, sleep } from "yieldio";
 * const barrier = new Barrier(3);
 * const log: [number, number][] = [];
 * await run(function* () {
 *   const tasks = [30, 10, 20].map((ms) =>
 *     createTask((function* () {
 *       yield* sleep(ms);
 *       const index = yield* barrier.wait();
 *       log.push([index, getRunningLoop().time()]);
 *     })())
 *   );
 *   for (const task of tasks) yield* task;
 * }, { clock: "virtual" });
 * // Arrival order was 10 ms, 20 ms, 30 ms; all leave at 30 ms.
 * assertEquals(log.sort(), [[0, 30], [1, 30], [2, 30]]);
 * ```
 */
export class Barrier extends PrintsAsToString {
  #cond = new Condition();
  #parties: number;
  #state: State = "filling";
  #count = 0;

  /**
   * A barrier for `parties` tasks (asyncio's `Barrier(parties)`).
   *
   * @param parties How many tasks must arrive before they all go on.
   * @throws {TypeError} When `parties` is not a number.
   * @throws {RangeError} When `parties` is not a whole number ≥ 1.
   */
  constructor(parties: number) {
    super();
    if (typeof parties !== "number") {
      throw new TypeError(`new Barrier() expects a number of parties, got ${describeValue(parties)}`);
    }
    if (!Number.isInteger(parties) || parties < 1) {
      throw new RangeError(`new Barrier() expects a whole number of parties ≥ 1, got ${describeValue(parties)}`);
    }
    this.#parties = parties;
  }

  /** The number of tasks that must arrive. */
  get parties(): number {
    return this.#parties;
  }

  /** The number of tasks waiting for the barrier to fill (0 while it drains, resets or is broken). */
  get nWaiting(): number {
    return this.#state === "filling" ? this.#count : 0;
  }

  /** Whether the barrier is broken (`abort()` was called and no `reset()` since). */
  get broken(): boolean {
    return this.#state === "broken";
  }

  /**
   * Waits until `parties` tasks are waiting (counting this one), then
   * returns. While the barrier drains or resets, a newcomer first waits for
   * that to finish.
   *
   * @returns A coroutine that returns this task's arrival index, 0 to `parties - 1`.
   * @throws {BrokenBarrierError} When the barrier is broken, or is reset or
   *   aborted while this task waits.
   * @throws {CancelledError} When cancelled while waiting (it then no longer counts).
   */
  wait(): Coro<number> {
    return trackUndriven(this.#wait(), "Barrier.wait()");
  }

  /** The coroutine behind {@linkcode wait}. */
  *#wait(): Coro<number> {
    const cond = this.#cond;
    yield* cond.acquire();
    try {
      // Wait out a drain or a reset in progress.
      yield* cond.waitFor(() => this.#state !== "draining" && this.#state !== "resetting");
      if (this.#state === "broken") throw new BrokenBarrierError(`wait() on ${this}: the barrier is broken (aborted)`);
      const index = this.#count++;
      try {
        if (index + 1 === this.#parties) {
          this.#state = "draining"; // the last arrival lets everyone go
          cond.notifyAll();
        } else {
          yield* cond.waitFor(() => this.#state !== "filling");
          const state = this.#state as State; // changed by other tasks while this one waited
          if (state === "broken" || state === "resetting") {
            throw new BrokenBarrierError(
              `wait() on ${this}: the barrier was ${state === "broken" ? "aborted" : "reset"}`,
            );
          }
        }
        return index;
      } finally {
        this.#count--;
        if (this.#count === 0) {
          // The last to leave refills the barrier and lets blocked newcomers in.
          if (this.#state === "draining" || this.#state === "resetting") this.#state = "filling";
          cond.notifyAll();
        }
      }
    } finally {
      cond.release();
    }
  }

  /**
   * Passes the barrier, then runs `body` with the arrival index (asyncio's
   * `async with barrier as i:`). There is nothing to release afterwards; the
   * form is there so every primitive reads the same.
   *
   * @param body A generator function given the arrival index.
   * @returns A coroutine that returns what the body returns.
   * @throws What `wait()` or the body throws.
   * @throws {TypeError} When `body` is not a function that returns a coroutine.
   */
  hold<R>(body: (index: number) => Coro<R>): Coro<R> {
    return trackUndriven(this.#hold(body), "Barrier.hold()");
  }

  /** The coroutine behind {@linkcode hold}. */
  *#hold<R>(body: (index: number) => Coro<R>): Coro<R> {
    checkBody(body, "Barrier.hold()");
    const index = yield* this.wait();
    return yield* bodyCoroutine(body(index), "Barrier.hold()");
  }

  /**
   * Returns the barrier to its empty, filling state. Tasks waiting in it
   * leave with `BrokenBarrierError`; a broken barrier is mended.
   *
   * @returns A coroutine (it takes the barrier's internal lock).
   *
   * @example Reset releases the waiting tasks with an error
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { Barrier, BrokenBarrierError, createTask, run, sleep } from "yieldio";
   * const barrier = new Barrier(3);
   * const outcome = await run(function* () {
   *   const waiter = createTask(barrier.wait());
   *   yield* sleep(10);
   *   yield* barrier.reset();
   *   try {
   *     yield* waiter;
   *     return "passed";
   *   } catch (e) {
   *     return e instanceof BrokenBarrierError ? "broken" : "other";
   *   }
   * }, { clock: "virtual" });
   * assertEquals([outcome, barrier.broken, barrier.nWaiting], ["broken", false, 0]);
   * ```
   */
  reset(): Coro<void> {
    return trackUndriven(this.#reset(), "Barrier.reset()");
  }

  /** The coroutine behind {@linkcode reset}. */
  *#reset(): Coro<void> {
    yield* this.#cond.hold(() => this.#resetNow());
  }

  /**
   * Breaks the barrier: waiting tasks and every later `wait()` get
   * `BrokenBarrierError`, until `reset()`.
   *
   * @returns A coroutine (it takes the barrier's internal lock).
   */
  abort(): Coro<void> {
    return trackUndriven(this.#abort(), "Barrier.abort()");
  }

  /** The coroutine behind {@linkcode abort}. */
  *#abort(): Coro<void> {
    yield* this.#cond.hold(() => this.#abortNow());
  }

  /**
   * Describes the barrier for messages and `console.log`.
   * @returns A description like `<Barrier filling waiters=2/3>` or `<Barrier broken>`.
   */
  override toString(): string {
    if (this.#state === "broken") return "<Barrier broken>";
    return `<Barrier ${this.#state} waiters=${this.nWaiting}/${this.#parties}>`;
  }

  // deno-lint-ignore require-yield -- runs under the lock, never waits
  *#resetNow(): Coro<void> {
    // With tasks inside, they must drain out first (as BrokenBarrierError); the last one refills.
    this.#state = this.#count > 0 ? "resetting" : "filling";
    this.#cond.notifyAll();
  }

  // deno-lint-ignore require-yield -- runs under the lock, never waits
  *#abortNow(): Coro<void> {
    this.#state = "broken";
    this.#cond.notifyAll();
  }
}
