/**
 * The task table (`python -m asyncio ps`, from inside the program): one line
 * per pending task with its id, name, state, what it waits on and which
 * tasks await it. Drawn from the same rows as the task tree, with each name
 * and label printed as one safe line (`safeLabel`): a newline in a name
 * cannot forge a row.
 *
 * @module
 */

import { safeLabel } from "../_describe.ts";
import type { EventLoop } from "../task/event_loop.ts";
import { _getRunningLoop } from "../task/running_loop.ts";
import { _taskRows, type TaskRow } from "./task_graph.ts";

const HEADER = ["id", "name", "state", "waiting on", "awaited by"] as const;

/**
 * Formats the loop's pending tasks as a table, like `ps`: id (per loop, in
 * creation order), name, state (`running`, `ready` or `waiting`, plus
 * `cancelling` while a cancel is pending), what it waits on, and the tasks
 * that await it.
 *
 * @param loop The loop to describe (default: the running loop).
 * @returns The table: a header line, then one line per task.
 * @throws {InvalidStateError} Without `loop` when no loop is running.
 *
 * @example A worker blocked on a queue, awaited by main
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createTask, currentTask, formatTaskTable, Queue, run, sleep } from "yieldio";
 * const queue = new Queue<string>();
 * const table = await run(function* () {
 *   currentTask()!.setName("main");
 *   const worker = createTask(queue.get(), { name: "worker" });
 *   yield* sleep(0);
 *   const table = formatTaskTable();
 *   queue.putNowait("job");
 *   yield* worker;
 *   return table;
 * }, { clock: "virtual" });
 * assertEquals(table, [
 *   "id  name    state    waiting on   awaited by",
 *   "1   main    running",
 *   "2   worker  waiting  Queue#1.get",
 * ].join("\n"));
 * ```
 */
export function formatTaskTable(loop?: EventLoop): string {
  return _renderTaskTable(_taskRows(loop ?? _getRunningLoop("formatTaskTable()")));
}

/** @internal Renders rows (from a loop, or from a snapshot) as the task table. */
export function _renderTaskTable(rows: readonly TaskRow[]): string {
  const names = new Map(rows.map((row) => [row.id, safeLabel(row.name)]));
  const cells = rows.map((row) => [
    String(row.id),
    safeLabel(row.name),
    row.cancelling > 0 ? `${row.state}, cancelling` : row.state,
    safeLabel(row.waitingOn ?? ""),
    row.awaitedBy.map((id) => `${names.get(id)} (${id})`).join(", "),
  ]);
  const table = [[...HEADER], ...cells];
  const widths = HEADER.map((_, column) => Math.max(...table.map((line) => line[column].length)));
  return table
    .map((line) => line.map((cell, column) => cell.padEnd(widths[column])).join("  ").trimEnd())
    .join("\n");
}
