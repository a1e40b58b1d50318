/**
 * The `maxTime` and `maxSteps` bounds of `runTest` and `exploreSeeds`: an
 * instrument that watches the virtual clock jump and counts task steps. A
 * livelock keeps a timer armed (or, spinning on `sleep(0)`, never lets time
 * pass), so the loop never declares a deadlock; this stops it instead, at the
 * first jump whose deadline is past `maxTime` or the first step past
 * `maxSteps`, and keeps the task tree of that moment for the error. It only
 * watches — it arms no timer and draws nothing from the seeded generator — so
 * a bounded run takes the same schedule as an unbounded one.
 *
 * After the first stop every later jump stops the loop again, and so does
 * every further `maxSteps` steps: `run()`'s shutdown (cancel what is left,
 * await it) then cannot hang either, yet has a full budget of steps for the
 * `finally` blocks it runs.
 *
 * @module
 */

import type { EventLoop } from "../task/event_loop.ts";
import { formatTaskTree } from "../observe/task_tree.ts";

/** Where the clock stood when the bound was reached. */
export interface TimeLimitHit {
  /** The time before the jump, or of the step. */
  time: number;
  /** The deadline the loop was about to jump to; null when the step bound was reached. */
  next: number | null;
  /** The pending tasks at that time. */
  tree: string;
}

/** One run's bound on virtual time, installed on its loop. */
export class TimeLimit {
  /** Invariant: null until the first jump past the bound; then set once, never changed. */
  hit: TimeLimitHit | null = null;

  #steps = 0;

  /** Watches `loop`: stops it at the first jump past `maxTime` (and every one after) or step past `maxSteps`. */
  constructor(loop: EventLoop, maxTime: number | null, maxSteps: number | null) {
    if (maxTime !== null) {
      loop.addInstrument({
        beforeIdleWait: (timeout: number | null) => {
          // null: the loop waits for a host wake-up, and a virtual clock stands still meanwhile.
          if (timeout === null) return;
          const time = loop.time();
          if (time + timeout <= maxTime) return;
          this.hit ??= { time, next: time + timeout, tree: formatTaskTree(loop) };
          loop.stop();
        },
      });
    }
    if (maxSteps !== null) {
      loop.addInstrument({
        beforeTaskStep: () => {
          if (++this.#steps <= maxSteps) return;
          this.#steps = 0; // the shutdown gets a budget of its own
          this.hit ??= { time: loop.time(), next: null, tree: formatTaskTree(loop) };
          loop.stop();
        },
      });
    }
  }
}
