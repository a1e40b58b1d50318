/**
 * One snapshot as an HTML fragment: a header with the loop's vitals, the
 * task table, the await tree, the timers and the warnings — plus Step and
 * Play/Pause buttons when the inspector drives the loop. A pure function of
 * the snapshot (with its own small stylesheet, no dependency), so a snapshot
 * from a worker or another tab renders exactly like a local one.
 *
 * @module
 */

import { safeLabel } from "../_describe.ts";
import type { LoopSnapshot, TaskSnapshot } from "../observe/inspect.ts";
import { _renderTaskTree } from "../observe/render_tree.ts";
import { escapeHtml } from "./dom.ts";

/** Options for {@linkcode renderSnapshot}. */
export interface RenderOptions {
  /** The heading (default `yieldio inspector`). */
  title?: string;
  /** Show the Step and Play/Pause controls, in this state; omit for none. */
  controls?: { paused: boolean };
  /** A line under the header, e.g. where the snapshot came from or why the loop stopped. */
  note?: string;
}

const STYLE = `<style>
.yi{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:#1d232b;background:#fbfcfd;
border:1px solid #d5dbe3;border-radius:6px;padding:12px 16px;max-width:72rem}
.yi h2{font-size:15px;margin:0 0 4px}.yi h3{font-size:13px;margin:14px 0 4px;color:#4a5563}
.yi .yi-vitals{color:#4a5563}.yi .yi-note{color:#8a5a00}
.yi table{border-collapse:collapse;width:100%}.yi th,.yi td{text-align:left;padding:2px 10px 2px 0;
border-bottom:1px solid #eef1f4;white-space:nowrap}.yi td.yi-num,.yi th.yi-num{text-align:right}
.yi .yi-running{color:#0b7a3b;font-weight:600}.yi .yi-ready{color:#1f5fbf}.yi .yi-waiting{color:#4a5563}
.yi pre{margin:0;background:#f1f4f7;padding:8px;border-radius:4px;overflow:auto}
.yi ul{margin:0;padding-left:18px}.yi .yi-warn{color:#a4262c}.yi .yi-none{color:#8b95a1}
.yi button{font:inherit;margin-right:6px;padding:2px 10px}
</style>`;

/**
 * Renders a snapshot (from `inspect(loop)`) as HTML: vitals, one table row
 * per task, the await tree, timers and warnings. Every value is escaped.
 *
 * @param snapshot What `inspect(loop)` returned (here or in another thread).
 * @param options Title, controls, a note.
 * @returns An HTML fragment (with its own `<style>`), for an element's `innerHTML`.
 *
 * @example One row per task, and the tree
 * ```ts
 * import { assertEquals, assertStringIncludes } from "@std/assert";
 * import { Event, EventLoop, inspect } from "yieldio";
 * import { renderSnapshot } from "yieldio/inspector";
 * const loop = new EventLoop({ clock: "virtual" });
 * const go = new Event();
 * loop.createTask(go.wait(), { name: "waiter" });
 * loop.runOnce();
 * const html = renderSnapshot(inspect(loop));
 * assertEquals(html.match(/<tr data-task-id=/g)?.length, 1);
 * assertStringIncludes(html, `<pre class="yi-tree">waiter — waiting on Event#1</pre>`);
 * go.set();
 * loop.runOnce();
 * loop.close();
 * ```
 */
export function renderSnapshot(snapshot: LoopSnapshot, options: RenderOptions = {}): string {
  const { time, iteration, ready, timerCount, tasks, state } = snapshot;
  const clock = snapshot.virtual ? "virtual" : "real";
  const vitals = `t=${formatMs(time)} ms (${clock} clock) · iteration ${iteration} · ${state} · ${ready} ready · ` +
    `${timerCount} timer${timerCount === 1 ? "" : "s"} · ${tasks.length} task${tasks.length === 1 ? "" : "s"}`;
  const parts = [
    STYLE,
    `<div class="yi">`,
    `<h2>${escapeHtml(options.title ?? "yieldio inspector")}</h2>`,
    `<div class="yi-vitals">${escapeHtml(vitals)}</div>`,
  ];
  if (options.note !== undefined) parts.push(`<div class="yi-note">${escapeHtml(options.note)}</div>`);
  if (options.controls !== undefined) {
    const toggle = options.controls.paused ? "play" : "pause";
    parts.push(
      `<div class="yi-controls"><button data-yi-action="step">Step</button>` +
        `<button data-yi-action="${toggle}">${toggle === "play" ? "Play" : "Pause"}</button></div>`,
    );
  }
  parts.push(
    `<h3>Tasks</h3>`,
    taskTable(tasks),
    `<h3>Await tree</h3>`,
    tasks.length === 0
      ? `<pre class="yi-tree yi-none">(no pending task)</pre>`
      : `<pre class="yi-tree">${escapeHtml(_renderTaskTree(tasks))}</pre>`,
    `<h3>Timers</h3>`,
    list(
      "yi-timers",
      [...snapshot.timers].map((timer) => `t=${formatMs(timer.when)} ${timer.what}`),
      timerCount > snapshot.timers.length ? `… and ${timerCount - snapshot.timers.length} more` : null,
    ),
    `<h3>Warnings</h3>`,
    list("yi-warnings yi-warn", [...snapshot.warnings].map((warning) => `[${warning.kind}] ${warning.message}`), null),
    `</div>`,
  );
  return parts.join("\n");
}

/** The states a row may be drawn in; anything else (a forged snapshot) gets no class. */
const STATES: ReadonlySet<unknown> = new Set(["running", "ready", "waiting"]);

function taskTable(tasks: readonly TaskSnapshot[]): string {
  const names = new Map(tasks.map((task) => [task.id, task.name]));
  const rows = tasks.map((task) => {
    const state = task.cancelling > 0 ? `${task.state}, cancelling` : String(task.state);
    const awaitedBy = [...task.awaitedBy].map((id) => `${safeLabel(String(names.get(id)))} (${id})`).join(", ");
    const id = text(task.id);
    const stateClass = STATES.has(task.state) ? ` class="yi-${task.state}"` : "";
    return `<tr data-task-id="${id}"><td class="yi-num">${id}</td><td>${text(task.name)}</td>` +
      `<td${stateClass}>${escapeHtml(state)}</td><td>${text(task.waitingOn ?? "")}</td>` +
      `<td>${escapeHtml(awaitedBy)}</td><td class="yi-num">${text(task.steps)}</td>` +
      `<td class="yi-num">${escapeHtml(formatMs(task.busyMs))}</td></tr>`;
  });
  return `<table class="yi-tasks"><thead><tr><th class="yi-num">id</th><th>name</th><th>state</th>` +
    `<th>waiting on</th><th>awaited by</th><th class="yi-num">steps</th><th class="yi-num">busy ms</th></tr></thead>` +
    `<tbody>${rows.join("")}</tbody></table>`;
}

/** A list whose class names are the renderer's own constants: only items are data (escaped here). */
function list(className: string, items: string[], more: string | null): string {
  if (items.length === 0) return `<div class="${className} yi-none">none</div>`;
  const lines = items.map((item) => `<li>${escapeHtml(safeLabel(item))}</li>`);
  if (more !== null) lines.push(`<li class="yi-none">${escapeHtml(more)}</li>`);
  return `<ul class="${className}">${lines.join("")}</ul>`;
}

/** Milliseconds as the page shows them: whole numbers as they are, others to 0.1 ms; a non-number as text. */
function formatMs(ms: unknown): string {
  return typeof ms !== "number" || Number.isInteger(ms) ? String(ms) : ms.toFixed(1);
}

/**
 * Any value of a snapshot, escaped: a snapshot may come from another tab,
 * forged. One safe line too, so a bidi override in a name cannot reorder
 * the cells around it.
 */
function text(value: unknown): string {
  return escapeHtml(safeLabel(String(value)));
}
