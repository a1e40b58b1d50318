/**
 * `Sequencer` (Trio's `trio.testing.Sequencer`): blocks in different tasks
 * that run in a fixed order, 0, 1, 2, …, whatever order the tasks reach them.
 *
 * Point `n` waits on a future that block `n - 1` completes as it ends (in a
 * `finally`, so a block that throws still lets the next one go). A task
 * cancelled while waiting for its turn breaks the sequence: it gets its
 * `CancelledError`, and every other waiter, now and later, an
 * `InvalidStateError` — the order the test relied on cannot happen anymore.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { CancelledError, InvalidStateError } from "../errors.ts";
import { bodyCoroutine, checkBody } from "../task/body.ts";
import { Future } from "../task/future.ts";
import { getRunningLoop } from "../task/running_loop.ts";
import type { Coro } from "../task/yield_protocol.ts";

/**
 * Runs blocks of code in different tasks in an explicit order: `seq.at(n,
 * body)` starts `body` once the block at `n - 1` has finished (block 0 starts
 * at once). Each position may be used once.
 *
 * @example Three tasks print 0..5 in order, whatever order they start in
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createTask, sleep } from "yieldio";
 * import { runTest, Sequencer } from "yieldio/testing";
 * const seen: number[] = [];
 * await runTest(function* () {
 *   const seq = new Sequencer();
 *   const step = (n: number) => seq.at(n, function* () {
 *     yield* sleep(1);
 *     seen.push(n);
 *   });
 *   const worker = (a: number, b: number) => (function* () {
 *     yield* step(a);
 *     yield* step(b);
 *   })();
 *   const tasks = [worker(2, 5), worker(1, 3), worker(0, 4)].map((coro) => createTask(coro));
 *   for (const task of tasks) yield* task;
 * });
 * assertEquals(seen, [0, 1, 2, 3, 4, 5]);
 * ```
 */
export class Sequencer {
  /** Point n's future: done once block n - 1 has finished (or the sequence broke). */
  #points = new Map<number, Future<void>>();
  #claimed = new Set<number>();
  #broken = false;

  /**
   * Waits for the turn of position `n`, then runs `body`; the next position's
   * turn comes when `body` ends, whether it returns or throws.
   *
   * @param n The position: 0, 1, 2, … (each used once).
   * @param body A generator function: the block.
   * @returns A coroutine of what `body` returns.
   * @throws {TypeError} When `n` is not a number or `body` not a generator function.
   * @throws {RangeError} When `n` is not a non-negative integer.
   * @throws {InvalidStateError} When position `n` was already used, or the sequence is broken.
   * @throws {CancelledError} When this task is cancelled while waiting (the sequence breaks).
   */
  *at<T>(n: number, body: () => Coro<T>): Coro<T> {
    if (typeof n !== "number") throw new TypeError(`Sequencer.at() expects a position, got ${describeValue(n)}`);
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new RangeError(`Sequencer.at() expects a position 0, 1, 2, …, got ${n}`);
    }
    checkBody(body, "Sequencer.at()");
    if (this.#claimed.has(n)) throw new InvalidStateError(`Sequencer position ${n} was already used`);
    if (this.#broken) throw brokenError();
    this.#claimed.add(n);
    if (n > 0) {
      try {
        yield* this.#point(n);
      } catch (error) {
        if (error instanceof CancelledError) this.#break();
        throw error; // asyncio: a cancellation always propagates
      }
      if (this.#broken) throw brokenError();
    }
    try {
      return yield* bodyCoroutine<T>(body(), "Sequencer.at()");
    } finally {
      const next = this.#point(n + 1);
      if (!next.done()) next.setResult(undefined);
    }
  }

  #point(n: number): Future<void> {
    let point = this.#points.get(n);
    if (point === undefined) this.#points.set(n, point = new Future<void>({ loop: getRunningLoop() }));
    return point;
  }

  /** Wakes every waiter: each then finds the sequence broken. */
  #break(): void {
    this.#broken = true;
    for (const point of this.#points.values()) if (!point.done()) point.setResult(undefined);
  }

  /**
   * Describes the sequencer for messages and `console.log`.
   * @returns A description like `<Sequencer used=3>` or `<Sequencer broken used=2>`.
   */
  toString(): string {
    return `<Sequencer${this.#broken ? " broken" : ""} used=${this.#claimed.size}>`;
  }
}

function brokenError(): InvalidStateError {
  return new InvalidStateError("the Sequencer is broken: a task waiting for its turn was cancelled");
}
