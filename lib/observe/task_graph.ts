/**
 * The await graph of a loop's pending tasks, as plain rows: each task's id,
 * name, state, what it waits on and which tasks await it. The task tree, the
 * task table, `DeadlockError` and `inspect(loop)` are all drawn from these
 * rows, so they always agree.
 *
 * Edges come from `awaited_by.ts`: a task suspended on a future awaits it
 * (`Task._waitingOn()`) and the children behind it (a gather's), a task
 * awaits its task groups' children, and links made by hand are followed
 * through plain futures until they reach a task. Nothing here runs unless
 * someone asks; the rows are computed on demand by scanning the pending list.
 *
 * Ids are per loop (1, 2, … in creation order), and a task without a name
 * is shown as `Task-<id>` rather than by asyncio's thread-wide `Task-N`
 * (`getName()`), so equal programs give equal rows.
 *
 * @module
 */

import { _childrenAwaitedBy, _linkedWaiters } from "../task/awaited_by.ts";
import type { EventLoop } from "../task/event_loop.ts";
import { Future } from "../task/future.ts";
import { Task } from "../task/task.ts";
import { _taskCreatedAt } from "../task/task_debug.ts";
import { _describeWait } from "../task/wait_label.ts";

/** One pending task as the task tree, the task table and `inspect(loop)` show it: plain, JSON-ready data. */
export interface TaskRow {
  /** The task's number on its loop: 1, 2, … in creation order, stable while the loop lives. */
  id: number;
  /** The task's name; `Task-<id>` for a task not given one (not `getName()`'s thread-wide number). */
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
 * @internal The pending tasks that await each object: suspended on it, or
 * awaiting it through what they are suspended on (a gather's children) or a
 * task group they entered. Built on demand, so those edges cost nothing else.
 */
export function _waitIndex(tasks: readonly Task<unknown>[]): Map<unknown, Task<unknown>[]> {
  const index = new Map<unknown, Task<unknown>[]>();
  const add = (awaited: unknown, task: Task<unknown>): void => {
    const list = index.get(awaited);
    if (list === undefined) index.set(awaited, [task]);
    else if (list[list.length - 1] !== task) list.push(task); // a task's entries come together: once each
  };
  for (const task of tasks) {
    const awaited = task._waitingOn();
    if (awaited !== null) add(awaited, task);
    for (const child of _childrenAwaitedBy(task, awaited)) add(child, task);
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

/** @internal The loop's pending tasks as rows, in creation order (`tasks`: those tasks, when the caller has them). */
export function _taskRows(loop: EventLoop, tasks: Task<unknown>[] = loop._pendingTasks()): TaskRow[] {
  const ids = tasks.map((task) => loop._taskId(task));
  const index = _waitIndex(tasks);
  const pending = new Set(tasks);
  return tasks.map((task, i): TaskRow => {
    const awaited = task === loop._currentTask ? null : task._waitingOn();
    const settled = awaited === null || isSettled(awaited, loop.time());
    return {
      id: ids[i],
      name: loop._taskLabel(task),
      state: task === loop._currentTask ? "running" : settled ? "ready" : "waiting",
      cancelling: task.cancelling(),
      waitingOn: settled ? null : _describeWait(awaited),
      awaitedBy: _awaitingTasks(task, index, pending).map((waiter) => loop._taskId(waiter)).sort((a, b) => a - b),
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
