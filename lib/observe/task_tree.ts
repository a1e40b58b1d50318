/**
 * The task tree (`python -m asyncio pstree`, from inside the program): every
 * pending task under the task that awaits it, each with its name and what it
 * waits on. It is also the body of every `DeadlockError`.
 *
 * Drawn from the rows of `task_graph.ts` by `render_tree.ts`, which the
 * inspector page also uses on snapshots that arrive from another thread.
 *
 * @module
 */

import type { EventLoop } from "../task/event_loop.ts";
import { _renderTaskTree } from "./render_tree.ts";
import { _getRunningLoop } from "../task/running_loop.ts";
import { _taskRows } from "./task_graph.ts";

/**
 * Formats the loop's pending tasks as a tree: each task under the task that
 * awaits it (through `yield*`, `gather`, `shield`, `wait`, a `taskGroup`, or
 * a link made with `futureAddToAwaitedBy`), as `name — state`, where state is
 * `running`, `ready` or `waiting on …` (`sleep until t=50`, `Lock#1`,
 * `Queue#2.get`, `Event#1`, `task name`, `a Promise`, `taskGroup exit`).
 *
 * @param loop The loop to describe (default: the running loop).
 * @returns The tree, one line per task (empty when no task is pending).
 * @throws {InvalidStateError} Without `loop` when no loop is running.
 *
 * @example Two children of a task group, blocked on a lock and a sleep
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { currentTask, formatTaskTree, Lock, run, sleep, taskGroup } from "yieldio";
 * const lock = new Lock();
 * let tree = "";
 * await run(function* () {
 *   currentTask()!.setName("main");
 *   yield* lock.acquire();
 *   yield* taskGroup(function* (tg) {
 *     tg.createTask(lock.acquire(), { name: "a" });
 *     tg.createTask(sleep(50), { name: "b" });
 *     tg.createTask((function* () {
 *       yield* sleep(10);
 *       tree = formatTaskTree();
 *       lock.release();
 *     })(), { name: "c" });
 *   });
 * }, { clock: "virtual" });
 * assertEquals(tree, [
 *   "main — waiting on taskGroup exit",
 *   "├── a — waiting on Lock#1 (held by main)",
 *   "├── b — waiting on sleep until t=50",
 *   "└── c — running",
 * ].join("\n"));
 * ```
 */
export function formatTaskTree(loop?: EventLoop): string {
  return _renderTaskTree(_taskRows(loop ?? _getRunningLoop("formatTaskTree()")));
}
