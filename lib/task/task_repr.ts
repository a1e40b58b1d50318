/**
 * How a task prints: `<Task pending name=Task-3 waiting=<Future pending>>`.
 *
 * What a task waits on is printed one level deep — a task it awaits by state
 * and name only — so an await cycle (t1 awaits t2, which awaits t1) or a
 * chain thousands long never recurses (asyncio's `reprlib.recursive_repr`
 * plays the same part).
 *
 * @module
 */

import type { Task } from "./task.ts";
import { _taskCreatedAt } from "./task_debug.ts";

/**
 * @internal Describes `task`: with `waiting` (what it waits on, printed, or
 * null for nothing) the full form; without it the short form, state and name.
 */
export function _describeTask(task: Task<unknown>, waiting?: string | null): string {
  const described = task._describeState(); // "pending", "cancelled" or "finished result=…"
  const space = described.indexOf(" ");
  let state = space < 0 ? described : described.slice(0, space);
  if (state === "pending" && task.cancelling() > 0) state = "cancelling";
  let text = `<Task ${state} name=${task.getName()}`;
  if (waiting === undefined) return text + ">";
  if (space >= 0) text += described.slice(space);
  if (waiting !== null) text += ` waiting=${waiting}`;
  const createdAt = _taskCreatedAt(task);
  if (createdAt !== undefined) text += ` created at ${createdAt}`;
  return text + ">";
}
