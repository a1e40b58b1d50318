/**
 * Helpers for the combinator tests, runtime-neutral (Deno, Node, Chromium).
 *
 * @module
 */

import { type Coro, type EventLoop, getRunningLoop, run, Task, type TaskOptions } from "../../mod.ts";

/** The running loop's time: the virtual ms at which something happens. */
export function now(): number {
  return getRunningLoop().time();
}

/** How many entries the loop's timer heap holds, as its `toString()` reports them. */
export function heapSize(loop: EventLoop): number {
  const match = /timers=(\d+)/.exec(String(loop));
  if (match === null) throw new Error(`cannot read the timer count from ${loop}`);
  return Number(match[1]);
}

/**
 * The timer heap's size at the start of the next iteration, once cancelled
 * timers were dropped off its top: 0 exactly when no live timer is left.
 */
export function* timersLeft(): Coro<number> {
  yield; // one iteration: its first phase drops cancelled timers
  return heapSize(getRunningLoop());
}

/** How the loop of a test starts its tasks: lazily (the default), or every one eagerly. */
export type TaskMode = "lazy" | "eager";
export const TASK_MODES: readonly TaskMode[] = ["lazy", "eager"];

/**
 * Runs `main` on virtual time; in eager mode every task the loop makes
 * starts eagerly (a task factory that passes `eager: true`, as CPython's
 * eager test classes set `eager_task_factory`).
 */
export function runIn<T>(mode: TaskMode, main: () => Coro<T>): Promise<T> {
  return run(function* () {
    if (mode === "eager") {
      getRunningLoop().setTaskFactory(<U>(loop: EventLoop, coro: Coro<U>, options: TaskOptions) =>
        new Task(coro, { ...options, loop, eager: true })
      );
    }
    return yield* main();
  }, { clock: "virtual" });
}
