/**
 * A seeded schedule: the one place that may reorder work, for finding races.
 *
 * The loop's order is FIFO — callbacks in the order they were scheduled,
 * equal deadlines in the order they were set. A schedule permutes, with a
 * seeded generator, what asyncio leaves free or what a race depends on:
 *
 * - `"timers"`: timers with equal deadlines (asyncio itself leaves their order
 *   undefined, so this stays within its contract);
 * - `"tasks"`: the task steps that are ready in one iteration (other
 *   callbacks keep their places);
 * - `"all"`: both, and every callback of an iteration.
 *
 * The generator is mulberry32 — 32-bit integer arithmetic only — so one seed
 * gives the same order in every runtime, for programs that do not wait on
 * the host: a host wake-up (`fromPromise`, `toThread`, `Channel`) arrives
 * between host slices, which end on real time, so the iteration it lands in
 * is not the seed's to choose.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import type { ReadyFn, ReadyQueue } from "./ready_queue.ts";

/** What a schedule permutes. */
export type ShuffleMode = "timers" | "tasks" | "all";

/** The `schedule` option of a loop. */
export interface ScheduleOptions {
  /**
   * Any safe integer; the same seed gives the same order everywhere. The
   * generator's state is 32 bits: seeds 0..2^32-1 are used as they are, and
   * the high bits of larger ones are folded in (so 1 and 2^32+1 differ).
   */
  seed: number;
  /** What to permute (default `"all"`). */
  shuffle?: ShuffleMode;
}

const MODES: readonly ShuffleMode[] = ["timers", "tasks", "all"];
/** Timer sequence numbers stay below 2^21 in the low bits of a seeded key. */
const SEQ_BITS = 2 ** 21;
/** An odd constant (2^32 / golden ratio): multiplying by it folds a seed's high bits into all 32 of the state. */
const FOLD = 0x9e3779b1;

/** @internal A seeded permutation source for one loop. */
export class Schedule {
  readonly seed: number;
  readonly shuffle: ShuffleMode;
  #state: number;

  /**
   * @throws {TypeError} When the seed is not a number or `shuffle` not a string.
   * @throws {RangeError} When the seed is not a safe integer or `shuffle` unknown.
   */
  constructor(options: ScheduleOptions) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError(`schedule expects { seed, shuffle? }, got ${describeValue(options)}`);
    }
    const { seed, shuffle = "all" } = options;
    if (typeof seed !== "number") throw new TypeError(`schedule.seed expects an integer, got ${describeValue(seed)}`);
    if (!Number.isSafeInteger(seed)) throw new RangeError(`schedule.seed expects a safe integer, got ${seed}`);
    if (!MODES.includes(shuffle)) {
      throw new (typeof shuffle === "string" ? RangeError : TypeError)(
        `schedule.shuffle expects "timers", "tasks" or "all", got ${describeValue(shuffle)}`,
      );
    }
    this.seed = seed;
    this.shuffle = shuffle;
    this.#state = seedState(seed);
  }

  /** The next unsigned 32-bit number (mulberry32). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /**
   * The tie-breaking key for the `count`-th timer: `count` itself (FIFO), or,
   * when timers are shuffled, a seeded number that keeps `count` in its low
   * bits so two keys are never equal.
   */
  timerSeq(count: number): number {
    return this.shuffle === "tasks" ? count : this.next() * SEQ_BITS + (count % SEQ_BITS);
  }

  /** Permutes the first `count` ready pairs: all of them, or only task steps (those whose function is `taskStep`). */
  shuffleBatch(ready: ReadyQueue, count: number, taskStep: ReadyFn | null): void {
    if (this.shuffle === "timers" || count < 2) return;
    if (this.shuffle === "all") ready.shuffleHead(count, null, this);
    else if (taskStep !== null) ready.shuffleHead(count, taskStep, this);
  }
}

/**
 * A seed's 32-bit starting state: its low 32 bits, xored with its high bits
 * times an odd constant — the identity for seeds 0..2^32-1 (their traces are
 * pinned), and distinct for seeds that differ only above bit 31.
 */
function seedState(seed: number): number {
  const high = Math.floor(seed / 2 ** 32);
  return (seed >>> 0 ^ Math.imul(high, FOLD)) | 0;
}
