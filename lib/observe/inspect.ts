/**
 * `inspect(loop)`: a plain, JSON-ready snapshot of a loop — its clock and
 * counters, the next timers, every pending task with what it waits on and
 * who awaits it, and warnings in the manner of tokio-console's lints. The
 * inspector page renders these snapshots, also when they arrive from a worker
 * or another tab.
 *
 * Equal virtual-time programs give equal snapshots: ids are per loop, busy
 * time is on the loop's clock, and nothing in it is a host timing except a
 * `long-step` warning, which only a step that really blocked the thread
 * raises.
 *
 * @module
 */

import { formatTime } from "../loop/clock.ts";
import type { EventLoop } from "../task/event_loop.ts";
import { _getRunningLoop } from "../task/running_loop.ts";
import { describeUndriven } from "../task/undriven.ts";
import { _taskRows, type TaskRow } from "./task_graph.ts";
import { LONG_STEP_MS, SELF_WAKE_MIN, TaskStats } from "./task_stats.ts";

export type { TaskRow };

/** One pending task in a {@linkcode LoopSnapshot}. */
export interface TaskSnapshot extends TaskRow {
  /** Steps run since step counting started (`inspect(loop, { countSteps: true })`); 0 without it. */
  steps: number;
  /** Time spent in those steps, on the loop's clock (ms; always 0 on virtual time); 0 without counting. */
  busyMs: number;
}

/** A timer in a {@linkcode LoopSnapshot}. */
export interface TimerSnapshot {
  /** Its deadline on the loop's clock (ms). */
  when: number;
  /** What it is, e.g. `<TimerHandle when=250 tick()>` or `<sleep until t=250>`. */
  what: string;
}

/** A lint, in the manner of tokio-console's. */
export interface InspectWarning {
  /**
   * `self-wakes`: a task that mostly wakes itself (spinning on `sleep(0)`);
   * `long-step`: a step that held the thread longer than a 5 ms slice;
   * `unretrieved`: a future or task that failed and nobody awaited it;
   * `never-driven`: a yieldio coroutine created and never driven (debug mode);
   * `swallowed-cancel`: a task caught the `CancelledError` of its cancel and
   * went on (three new waits since), or has waited more than a second since
   * its cancel reached it, without raising it or calling `uncancel()`.
   */
  kind: "self-wakes" | "long-step" | "unretrieved" | "never-driven" | "swallowed-cancel";
  /** The task concerned, by id, if any. */
  task: number | null;
  /** What is wrong, in a sentence. */
  message: string;
}

/** What {@linkcode inspect} returns: plain data, JSON-serializable. */
export interface LoopSnapshot {
  /** The loop's time (ms). */
  time: number;
  /** Iterations run so far. */
  iteration: number;
  /** `running` while a driver runs the loop, `idle` between runs, `closed` after `close()`. */
  state: "running" | "idle" | "closed";
  /** Whether the loop runs on virtual time (then it can be stepped by hand). */
  virtual: boolean;
  /** Callbacks and task steps queued for the next iteration. */
  ready: number;
  /** Timers armed, in all. */
  timerCount: number;
  /** Host wake-ups still expected (`loop.ref()`): a `fromPromise` or worker job in flight. */
  refs: number;
  /** The first {@linkcode MAX_TIMERS} of them, earliest first. */
  timers: TimerSnapshot[];
  /** The pending tasks, in creation order. */
  tasks: TaskSnapshot[];
  /** What looks wrong. */
  warnings: InspectWarning[];
}

/** Options for {@linkcode inspect}. */
export interface InspectOptions {
  /**
   * Start counting each task's steps, busy time and wake-ups, if not yet,
   * for the life of the loop. It costs every later step about a host clock
   * read or two (bench scenario "inspect"). Default false.
   */
  countSteps?: boolean;
}

/** A task still waiting this long (ms, on the loop's clock) after its cancel reached it is warned about. */
export const LONG_CLEANUP_MS = 1000;

/** A snapshot lists this many timers at most (a program may arm thousands). */
export const MAX_TIMERS = 50;

/**
 * A plain snapshot of a loop: its time, iteration and ready count, the next
 * timers, each pending task (per-loop id, name, state, what it waits on,
 * which tasks await it, steps and busy time) and warnings — a task that only
 * wakes itself, a step longer than a 5 ms slice, an exception nobody
 * retrieved, a coroutine never driven. JSON-serializable; equal virtual-time
 * programs give equal snapshots. A snapshot costs the loop nothing
 * afterwards; `countSteps: true` also starts counting each task's steps,
 * busy time and wake-ups (an instrument, for the life of the loop: the
 * inspector turns it on), which the steps, busy times and the `self-wakes`
 * and `long-step` warnings read.
 *
 * @param loop The loop to look at (default: the running loop).
 * @returns The snapshot.
 * @throws {InvalidStateError} Without a loop argument when no loop is running.
 *
 * @example A task blocked on an event, seen from another
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Event, EventLoop, inspect, sleep } from "yieldio";
 * const loop = new EventLoop({ clock: "virtual" });
 * const ready = new Event();
 * loop.createTask(ready.wait(), { name: "waiter" });
 * await loop.runUntilComplete(sleep(5));
 * const snapshot = inspect(loop);
 * assertEquals([snapshot.time, snapshot.tasks.length], [5, 1]);
 * const { name, state, waitingOn, awaitedBy } = snapshot.tasks[0];
 * assertEquals({ name, state, waitingOn, awaitedBy }, {
 *   name: "waiter",
 *   state: "waiting",
 *   waitingOn: "Event#1",
 *   awaitedBy: [],
 * });
 * assertEquals(JSON.parse(JSON.stringify(snapshot)), snapshot);
 * ready.set();
 * await loop.runUntilComplete(sleep(0));
 * loop.close();
 * ```
 */
export function inspect(loop?: EventLoop, options?: InspectOptions): LoopSnapshot {
  loop ??= _getRunningLoop("inspect()");
  const stats = options?.countSteps === true && !loop.isClosed() ? TaskStats.of(loop) : TaskStats.ifCounting(loop);
  const pending = loop._pendingTasks();
  const counted = pending.map((task) => stats?.counts(task));
  const tasks = _taskRows(loop, pending).map((row, i): TaskSnapshot => {
    const counts = counted[i];
    return { ...row, steps: counts?.steps ?? 0, busyMs: counts?.busyMs ?? 0 };
  });
  const warnings: InspectWarning[] = [];
  counted.forEach((counts, i) => {
    if (counts === undefined) return;
    const { id, name } = tasks[i];
    if (counts.wakes >= SELF_WAKE_MIN && counts.selfWakes * 2 > counts.wakes) {
      const share = Math.round((counts.selfWakes / counts.wakes) * 100);
      warnings.push({
        kind: "self-wakes",
        task: id,
        message: `task ${name} woke itself for ${share}% of its ${counts.wakes} wake-ups: ` +
          "it spins (sleep(0) or a bare yield in a loop) instead of waiting on something",
      });
    }
    if (counts.longestMs > LONG_STEP_MS) {
      warnings.push({
        kind: "long-step",
        task: id,
        message: `task ${name} ran ${counts.longestMs.toFixed(1)} ms in one step without yielding ` +
          `(longer than a ${LONG_STEP_MS} ms slice): nothing else could run meanwhile`,
      });
    }
  });
  pending.forEach((task, i) => {
    const swallowed = task._swallowed();
    const since = task._waitingSinceCancel();
    if (swallowed !== null) {
      warnings.push({ kind: "swallowed-cancel", task: tasks[i].id, message: swallowed });
    } else if (loop.time() - since > LONG_CLEANUP_MS) {
      warnings.push({
        kind: "swallowed-cancel",
        task: tasks[i].id,
        message: `task ${tasks[i].name} has waited ${Math.round(loop.time() - since)} ms since its cancel reached it ` +
          "(at t=" + formatTime(since) + "), on " + (tasks[i].waitingOn ?? "nothing") + ": a cleanup that long, or " +
          "a catch that swallowed the CancelledError",
      });
    }
  });
  for (const label of loop._unretrieved()) {
    warnings.push({ kind: "unretrieved", task: null, message: `${label} failed and nobody retrieved its exception` });
  }
  for (const record of loop._undriven?.pending() ?? []) {
    warnings.push({ kind: "never-driven", task: null, message: describeUndriven(record) });
  }
  const { iteration, ready } = loop._counters();
  const { timers, refs } = loop._leftovers();
  return {
    time: loop.time(),
    iteration,
    state: loop.isClosed() ? "closed" : loop.isRunning() ? "running" : "idle",
    virtual: loop._isVirtual(),
    ready,
    timerCount: timers.length,
    refs,
    timers: timers.slice(0, MAX_TIMERS).map((timer) => ({ when: whenOf(timer), what: String(timer) })),
    tasks,
    warnings,
  };
}

/** A timer entry's deadline: handles and sleeps both tell it. */
function whenOf(timer: object): number {
  return (timer as { when?(): number }).when?.() ?? NaN;
}
