/**
 * Draws task rows as the task tree: each task under the tasks that await it,
 * as `name — state`. Pure text from plain rows, with no runtime dependency,
 * so the inspector page draws a snapshot from a worker or another tab the way
 * `formatTaskTree()` draws a live loop.
 *
 * A task awaited by several tasks appears under each (as in pstree). A cycle
 * of tasks awaiting each other is printed once, as `cycle: t1 → t2 → t1`,
 * where the walk would come back to a task already on its path — never
 * recursed into. Tasks left over after the roots are on (or below) a cycle;
 * each such group is drawn from its oldest task.
 *
 * Names and labels are user text: each is printed as one safe line
 * (`safeLabel`), so a newline in a task name cannot forge a line of the tree
 * (or of a `DeadlockError`), nor an escape sequence restyle the terminal.
 *
 * @module
 */

import { safeLabel } from "../_describe.ts";
import type { TaskRow } from "./task_graph.ts";

/** A tree this long is cut: a graph where many tasks await many others repeats subtrees. */
const MAX_LINES = 2000;

/** @internal Renders rows (from a loop, or from a snapshot) as the task tree. */
export function _renderTaskTree(rows: readonly TaskRow[]): string {
  const byId = new Map(rows.map((row) => [row.id, row]));
  const awaitedBy = new Map<number, TaskRow[]>();
  for (const row of rows) {
    for (const parent of row.awaitedBy) {
      if (!byId.has(parent)) continue;
      const list = awaitedBy.get(parent);
      if (list === undefined) awaitedBy.set(parent, [row]);
      else list.push(row);
    }
  }
  const lines: string[] = [];
  const shown = new Set<number>();
  const walk = (row: TaskRow, lead: string, indent: string, path: number[]): void => {
    if (lines.length >= MAX_LINES) return;
    lines.push(lead + describeRow(row));
    shown.add(row.id);
    const children = (awaitedBy.get(row.id) ?? []).sort((a, b) => a.id - b.id);
    children.forEach((child, i) => {
      const last = i === children.length - 1;
      const childLead = indent + (last ? "└── " : "├── ");
      const childIndent = indent + (last ? "    " : "│   ");
      const at = path.indexOf(child.id);
      if (at < 0) return walk(child, childLead, childIndent, [...path, child.id]);
      const cycle = [...path.slice(at), child.id].map((id) => safeLabel((byId.get(id) as TaskRow).name));
      lines.push(`${childLead}cycle: ${cycle.join(" → ")}`);
    });
  };
  for (const row of rows) {
    if (!row.awaitedBy.some((id) => byId.has(id))) walk(row, "", "", [row.id]);
  }
  // What is left is on a cycle (or below one): start from its oldest task.
  for (const row of rows) if (!shown.has(row.id)) walk(row, "", "", [row.id]);
  if (lines.length >= MAX_LINES) lines.push(`… (cut at ${MAX_LINES} lines)`);
  return lines.join("\n");
}

/** `name — state`: what one line of the tree (and the table's state column) says about a task. */
function describeRow(row: TaskRow): string {
  const state = row.state === "waiting" ? `waiting on ${safeLabel(String(row.waitingOn))}` : row.state;
  return `${safeLabel(row.name)} — ${state}${row.cancelling > 0 ? " (cancelling)" : ""}`;
}
