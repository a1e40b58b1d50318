/**
 * The `maxTime` bound of `runTest` and `exploreSeeds`: an instrument that
 * watches the virtual clock jump. A livelock keeps a timer armed, so the loop
 * never declares a deadlock; this stops it instead, at the first jump whose
 * deadline is past the bound, and keeps the task tree of that moment for the
 * error. It only watches — it arms no timer and draws nothing from the seeded
 * generator — so a bounded run takes the same schedule as an unbounded one.
 *
 * After the first stop every later jump stops the loop again: `run()`'s
 * shutdown (cancel what is left, await it) then cannot hang either.
 *
 * @module
 */

import type { EventLoop } from "../task/event_loop.ts";
import { formatTaskTree } from "../task/task_tree.ts";

/** Where the clock stood when the bound was reached. */
export interface TimeLimitHit {
  /** The time before the jump. */
  time: number;
  /** The deadline the loop was about to jump to. */
  next: number;
  /** The pending tasks at that time. */
  tree: string;
}

/** One run's bound on virtual time, installed on its loop. */
export class TimeLimit {
  /** Invariant: null until the first jump past the bound; then set once, never changed. */
  hit: TimeLimitHit | null = null;

  /** Watches `loop`'s jumps; stops it at the first past `maxTime` (and every one after). */
  constructor(loop: EventLoop, maxTime: number) {
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
}
