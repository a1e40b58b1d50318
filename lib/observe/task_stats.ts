/**
 * Per-task accounting for `inspect()`: steps, busy time, wake-ups — and the
 * lints tokio-console taught (a task that only wakes itself, a step that hogs
 * the thread). An instrument, installed when `inspect(loop, { countSteps:
 * true })` asks (the inspector does); until then nothing is counted and a
 * step pays nothing. Then a step costs two host clock reads and a lookup.
 *
 * Counts live in a WeakMap keyed by task (no field on Task). Busy time is on
 * the loop's clock, so a virtual-time program counts the same on every run;
 * the longest step is also timed on the host clock, because a step that
 * blocks the thread is a bug whatever the loop's clock says.
 *
 * @module
 */

import type { Instrument } from "../loop/instruments.ts";
import type { EventLoop } from "../task/event_loop.ts";
import type { Task } from "../task/task.ts";

/** What {@linkcode TaskStats} knows about one task. */
export interface TaskCounts {
  /** Steps run since counting started. */
  steps: number;
  /** Time spent in those steps, on the loop's clock (ms). */
  busyMs: number;
  /** The longest step, on the host's clock (ms). */
  longestMs: number;
  /** Times the task was scheduled to step again (its first schedule excluded). */
  wakes: number;
  /** Of those, the ones it scheduled itself, waiting on nothing (a bare `yield`, `sleep(0)`). */
  selfWakes: number;
}

interface Counting extends TaskCounts {
  /** Still before its first step: its first schedule is its start, not a wake-up. */
  starting: boolean;
  /** When the step in progress started, on the host's clock (per task: eager steps nest). */
  startReal: number;
}

/** A step longer than the host-driven loop's slice (5 ms) keeps every other task and the host waiting. */
export const LONG_STEP_MS = 5;
/** A task with at least this many wake-ups, most of them its own, is spinning. */
export const SELF_WAKE_MIN = 20;

const statsByLoop = new WeakMap<EventLoop, TaskStats>();

/** @internal Counts steps, time and wake-ups per task; see the module doc. */
export class TaskStats implements Instrument<Task<unknown>> {
  #loop: EventLoop;
  /** A virtual clock stands still during a step: busy time there is 0, and not measured. */
  #virtual: boolean;
  #counts = new WeakMap<Task<unknown>, Counting>();
  /** The counts of the steps in progress, innermost last (eager steps nest): no second lookup after a step. */
  #stepping: Counting[] = [];

  private constructor(loop: EventLoop) {
    this.#loop = loop;
    this.#virtual = loop._isVirtual();
  }

  /** @returns The loop's counter, or null when it does not count. */
  static ifCounting(loop: EventLoop): TaskStats | null {
    return statsByLoop.get(loop) ?? null;
  }

  /** @returns The loop's counter, installing it on first use. */
  static of(loop: EventLoop): TaskStats {
    let stats = statsByLoop.get(loop);
    if (stats === undefined) {
      stats = new TaskStats(loop);
      statsByLoop.set(loop, stats);
      loop.addInstrument(stats);
    }
    return stats;
  }

  /** @returns The counts of `task` (zeros for a task not seen stepping yet). */
  counts(task: Task<unknown>): TaskCounts {
    return this.#counts.get(task) ?? newCounts(false);
  }

  taskSpawned(task: Task<unknown>): void {
    this.#counts.set(task, newCounts(true));
  }

  taskScheduled(task: Task<unknown>): void {
    const counts = this.#countsOf(task);
    if (counts.starting) return;
    counts.wakes++;
    // A wake-up from a future or timer comes while the task still records what it waited on.
    if (task._waitingOn() === null) counts.selfWakes++;
  }

  beforeTaskStep(task: Task<unknown>): void {
    const counts = this.#countsOf(task);
    counts.starting = false;
    counts.startReal = this.#loop._realNow();
    this.#stepping.push(counts);
  }

  afterTaskStep(_task: Task<unknown>): void {
    const counts = this.#stepping.pop() as Counting;
    counts.steps++;
    // A real loop's clock is the host's: its busy time is the step's host time.
    const took = this.#loop._realNow() - counts.startReal;
    if (!this.#virtual) counts.busyMs += took;
    if (took > counts.longestMs) counts.longestMs = took;
  }

  #countsOf(task: Task<unknown>): Counting {
    let counts = this.#counts.get(task);
    if (counts === undefined) this.#counts.set(task, counts = newCounts(false));
    return counts;
  }
}

function newCounts(starting: boolean): Counting {
  return { steps: 0, busyMs: 0, longestMs: 0, wakes: 0, selfWakes: 0, starting, startReal: 0 };
}
