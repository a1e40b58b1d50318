/**
 * Debug mode's stall watchdog, for a real program that is stuck where the
 * deadlock detector cannot see it: a timer is armed (an overall deadline, a
 * heartbeat) or the clock is real, so the loop is not provably stuck, yet
 * every task waits on another task or on a yieldio primitive and nothing has
 * happened for a while. It prints the pending tasks once per such stall, as
 * a probable deadlock, and the program goes on.
 *
 * It watches from a host timer that never holds a process open (unref'd in
 * Deno and Node), and only while `run()` drives a real-clock loop in debug
 * mode; virtual time has the deadlock detector, which is exact.
 *
 * @module
 */

import { unrefTimeout } from "../_unref_timeout.ts";
import { formatTime } from "../loop/clock.ts";
import type { EventLoop } from "./event_loop.ts";
import { Future } from "./future.ts";

/** A stall is this long by default (ms): far beyond a slow step, short enough to see while waiting. */
export const STALL_MS = 10_000;

/**
 * Whether every pending task waits on a future (another task, a primitive),
 * none on a timer or a host wait, and nothing is ready: only another task
 * could move them, and none can.
 */
function allBlocked(loop: EventLoop): boolean {
  if (loop._hasWorkNow() || loop._leftovers().refs > 0) return false;
  const tasks = loop._pendingTasks();
  return tasks.length > 0 && tasks.every((task) => task._waitingOn() instanceof Future);
}

/**
 * Watches `loop` while it runs: when it did not run a single iteration for
 * `ms` while all its tasks were blocked on each other, prints them once.
 *
 * @returns A function that stops watching.
 */
export function watchForStalls(loop: EventLoop, ms: number): () => void {
  let lastIteration = -1;
  let reported = false;
  let cancel = unrefTimeout(check, ms);
  function check(): void {
    if (loop.isClosed()) return;
    const { iteration } = loop._counters();
    const stalled = iteration === lastIteration && allBlocked(loop);
    if (!stalled) reported = false;
    else if (!reported) {
      reported = true;
      const lines = loop._describeTasks();
      console.warn(
        [
          `yieldio: no task has made progress for ${formatTime(ms)} ms (t=${formatTime(loop.time())}), and every ` +
          "one waits on another task or a primitive: a probable deadlock. The tasks:",
          ...lines,
        ].join("\n"),
      );
    }
    lastIteration = iteration;
    cancel = unrefTimeout(check, ms);
  }
  return () => cancel();
}
