/**
 * The await graph of a loop's pending tasks, as plain rows: each task's id,
 * name, state, what it waits on and which tasks await it. The task tree, the
 * task table, `DeadlockError` and `loop.inspect()` are all drawn from these
 * rows, so they always agree.
 *
 * Edges come from two places (see `awaited_by.ts`): a task suspended on a
 * future awaits it (`Task._waitingOn()`), and the registry's links, followed
 * through plain futures until they reach a task. Nothing here runs unless
 * someone asks; the rows are computed on demand by scanning the pending list.
 *
 * Ids are per loop (1, 2, … in creation order, counted from the loop's own
 * creation), so equal programs get equal ids; task names default to
 * asyncio's thread-wide `Task-N` and do not have that property.
 *
 * @module
 */

import { _linkedWaiters } from "./awaited_by.ts";
import type { EventLoop } from "./event_loop.ts";
import { Future } from "./future.ts";
import { Task } from "./task.ts";
import { _taskCreatedAt } from "./task_debug.ts";
import { _describeWait } from "./wait_label.ts";

/** One pending task as the task tree, the task table and `loop.inspect()` show it: plain, JSON-ready data. */
export interface TaskRow {
  /** The task's number on its loop: 1, 2, … in creation order, stable while the loop lives. */
  id: number;
  /** `task.getName()`. */
  name: string;
  /** `running`: its step is executing now; `ready`: its next step is queued; `waiting`: suspended. */
  state: "running" | "ready" | "waiting";
  /** Cancellation requests not yet withdrawn (`task.cancelling()`). */
  cancelling: number;
  /** What it is suspended on (`sleep until t=50`, `Lock#1`, `task worker`, …); null unless waiting. */
  waitingOn: string | null;
  /** The ids of the pending tasks that await this one, ascending. */
  awaitedBy: number[];
  /** Where the task was created (debug mode), else null. */
  createdAt: string | null;
}

/**
 * @internal The task's id on `loop`: its number among the tasks made in this
 * thread since the loop was (1 for the loop's first task when one loop runs
 * at a time), so ids follow creation order and equal programs get equal ids.
 */
export function _taskId(loop: EventLoop, task: Task<unknown>): number {
  return task._number() - loop._taskBase;
}

/** @internal The pending tasks suspended on each awaited object. */
export function _waitIndex(tasks: readonly Task<unknown>[]): Map<unknown, Task<unknown>[]> {
  const index = new Map<unknown, Task<unknown>[]>();
  for (const task of tasks) {
    const awaited = task._waitingOn();
    if (awaited === null) continue;
    const list = index.get(awaited);
    if (list === undefined) index.set(awaited, [task]);
    else list.push(task);
  }
  return index;
}

/**
 * @internal The pending tasks that await `future`: suspended on it, or
 * linked to it — directly, or through plain futures that are themselves
 * awaited (each future visited once, so a cycle of links ends).
 */
export function _awaitingTasks(
  future: Future<unknown>,
  index: Map<unknown, Task<unknown>[]>,
  pending: ReadonlySet<Task<unknown>>,
): Task<unknown>[] {
  const found = new Set<Task<unknown>>();
  const seen = new Set<Future<unknown>>([future]);
  const visit = (awaited: Future<unknown>): void => {
    for (const task of index.get(awaited) ?? []) found.add(task);
    for (const waiter of _linkedWaiters(awaited)) {
      if (waiter instanceof Task) {
        if (pending.has(waiter)) found.add(waiter);
      } else if (!seen.has(waiter)) {
        seen.add(waiter);
        visit(waiter);
      }
    }
  };
  visit(future);
  return [...found];
}

/** @internal The loop's pending tasks as rows, in creation order. */
export function _taskRows(loop: EventLoop): TaskRow[] {
  const tasks = loop._pendingTasks();
  const ids = tasks.map((task) => _taskId(loop, task));
  const index = _waitIndex(tasks);
  const pending = new Set(tasks);
  return tasks.map((task, i): TaskRow => {
    const awaited = task === loop._currentTask ? null : task._waitingOn();
    const settled = awaited === null || isSettled(awaited, loop.time());
    return {
      id: ids[i],
      name: task.getName(),
      state: task === loop._currentTask ? "running" : settled ? "ready" : "waiting",
      cancelling: task.cancelling(),
      waitingOn: settled ? null : _describeWait(awaited),
      awaitedBy: _awaitingTasks(task, index, pending).map((waiter) => _taskId(loop, waiter)).sort((a, b) => a - b),
      createdAt: _taskCreatedAt(task) ?? null,
    };
  });
}

/**
 * Whether a task's wait is already over and its step is queued: the future
 * is done, or the sleep fired or was cancelled (`_waitingOn()` is cleared
 * only when the step runs).
 */
function isSettled(awaited: unknown, now: number): boolean {
  if (awaited instanceof Future) return awaited.done();
  const timer = awaited as { cancelled?(): boolean; when?(): number };
  return timer.cancelled?.() === true || (timer.when?.() ?? Infinity) <= now;
}
