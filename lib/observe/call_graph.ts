/**
 * Call graphs (CPython 3.14's `asyncio.graph`): a future or task, the stack
 * that led to it, what it waits on, and — recursively — who awaits it.
 *
 * JavaScript cannot look inside a suspended generator (there is no
 * `cr_await`), so only the running task has a call stack: its frames, read
 * from an `Error` stack down to the task's step, innermost first. For every
 * other task the graph says what it is suspended on instead. Who awaits whom
 * is exact: tasks suspended on the future or on a `gather`, `shield`, `wait`
 * or `asCompleted` of it, a task group's parent, and links made with
 * `futureAddToAwaitedBy`.
 * A cycle of awaits ends where a future would repeat on the path.
 *
 * @module
 */

import { isInstance } from "../_is_instance.ts";
import { describeValue, safeLabel, safeString } from "../_describe.ts";
import { InvalidStateError } from "../errors.ts";
import { _runningLoop } from "../loop/base_event_loop.ts";
import { _linkedWaiters } from "../task/awaited_by.ts";
import type { EventLoop } from "../task/event_loop.ts";
import { Future } from "../task/future.ts";
import { Task } from "../task/task.ts";
import { _waitIndex } from "./task_graph.ts";
import { _describeWait } from "../task/wait_label.ts";

/** How many stack lines a call stack is read from (V8's default of 10 is far too few for `yield*` chains). */
const MAX_STACK_LINES = 200;

/** A future (often a task) in a call graph, with who awaits it (CPython's `FutureCallGraph`). */
export interface FutureCallGraph {
  /** The future or task. */
  readonly future: Future<unknown>;
  /**
   * Frames, innermost first, as the runtime prints them (`inner (file:///app.ts:12:5)`):
   * the running task's own stack down to its step; empty for any other future.
   */
  readonly callStack: readonly string[];
  /** What the task is suspended on (`sleep until t=50`, `Lock#1`, …); null for a future or the running task. */
  readonly waitingOn: string | null;
  /** The futures and tasks that await this one, each with its own graph. */
  readonly awaitedBy: readonly FutureCallGraph[];
}

/** Options for {@linkcode captureCallGraph}. */
export interface CallGraphOptions {
  /**
   * Keep at most `|limit|` frames of the call stack: the innermost ones when
   * positive, the outermost when negative; 0 keeps none. Default: all.
   */
  limit?: number | null;
}

/**
 * Captures the call graph of `future`, or of the running task (CPython's
 * `capture_call_graph`).
 *
 * @param future The future or task to describe; default: the running task.
 * @param options `limit` on the call stack's frames.
 * @returns The graph, or null when called outside a task without a future.
 * @throws {TypeError} When `future` is not a Future, or `limit` not an integer.
 * @throws {InvalidStateError} Without `future`, when no loop is running.
 *
 * @example gather: each child is awaited by the task that gathers
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { captureCallGraph, createTask, currentTask, type FutureCallGraph, gather, run, sleep, Task } from "yieldio";
 * const graphs: FutureCallGraph[] = [];
 * function* deep() {
 *   yield* sleep(0);
 *   graphs.push(captureCallGraph()!);
 * }
 * await run(function* () {
 *   currentTask()!.setName("main");
 *   yield* gather([createTask(deep(), { name: "deep" }), sleep(0)]);
 * }, { clock: "virtual" });
 * const name = (g: FutureCallGraph) => g.future instanceof Task ? g.future.getName() : String(g.future);
 * const [graph] = graphs;
 * assertEquals([name(graph), graph.awaitedBy.map(name)], ["deep", ["main"]]);
 * assertEquals(graph.callStack[0].startsWith("deep "), true); // the running task's own frames
 * ```
 */
export function captureCallGraph(future?: Future<unknown>, options?: CallGraphOptions): FutureCallGraph | null {
  return capture(future, options);
}

/**
 * Formats the call graph of `future`, or of the running task, as CPython's
 * `format_call_graph` does: `* Task(name='…', id=…)`, its call stack, then
 * `+ Awaited by:` and each awaiter, indented.
 *
 * @param future The future or task to describe; default: the running task.
 * @param options `limit` on the call stack's frames.
 * @returns The text; empty when called outside a task without a future.
 * @throws {TypeError} When `future` is not a Future, or `limit` not an integer.
 * @throws {InvalidStateError} Without `future`, when no loop is running.
 *
 * @example A future two tasks wait on
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createTask, formatCallGraph, getRunningLoop, run, sleep } from "yieldio";
 * const text = await run(function* () {
 *   const fut = getRunningLoop().createFuture<void>();
 *   const a = createTask((function* () { yield* fut; })(), { name: "a" });
 *   const b = createTask((function* () { yield* fut; })(), { name: "b" });
 *   yield* sleep(0);
 *   const text = formatCallGraph(fut);
 *   fut.setResult();
 *   yield* a;
 *   yield* b;
 *   return text;
 * }, { clock: "virtual" });
 * assertEquals(text, [
 *   "* <Future pending>",
 *   "  + Awaited by:",
 *   "    * Task(name='a', id=2)",
 *   "      + Waiting on: <Future pending>",
 *   "    * Task(name='b', id=3)",
 *   "      + Waiting on: <Future pending>",
 * ].join("\n"));
 * ```
 */
export function formatCallGraph(future?: Future<unknown>, options?: CallGraphOptions): string {
  const graph = capture(future, options);
  return graph === null ? "" : render(graph, 0, []).join("\n");
}

/**
 * Prints {@linkcode formatCallGraph} with `console.log` (CPython's
 * `print_call_graph`); prints nothing outside a task without a future.
 *
 * @param future The future or task to describe; default: the running task.
 * @param options `limit` on the call stack's frames.
 * @throws {TypeError} When `future` is not a Future, or `limit` not an integer.
 * @throws {InvalidStateError} Without `future`, when no loop is running.
 *
 * @example Printing the running task's graph
 * ```ts
 * import { assertStringIncludes } from "@std/assert";
 * import { printCallGraph, run } from "yieldio";
 * const printed: string[] = [];
 * const log = console.log;
 * console.log = (text: string) => printed.push(text);
 * try {
 *   // deno-lint-ignore require-yield
 *   await run(function* main() {
 *     printCallGraph();
 *   });
 * } finally {
 *   console.log = log;
 * }
 * assertStringIncludes(printed[0], "+ Call stack:\n  |   at main ");
 * ```
 */
export function printCallGraph(future?: Future<unknown>, options?: CallGraphOptions): void {
  const graph = capture(future, options);
  if (graph !== null) console.log(render(graph, 0, []).join("\n"));
}

/** Called by each public function directly: the stack above it is theirs, then the caller's. */
function capture(future: unknown, options: CallGraphOptions | undefined): FutureCallGraph | null {
  const limit = checkLimit(options);
  const running = _runningLoop() as EventLoop | null;
  if (future === undefined) {
    if (running === null) {
      throw new InvalidStateError("captureCallGraph() outside a running event loop needs a future to describe");
    }
    future = running._currentTask;
    if (future === null) return null;
  } else if (!isInstance(future, Future)) {
    throw new TypeError(`captureCallGraph expects a Future or Task, got ${describeValue(future)}`);
  }
  const target = future as Future<unknown>;
  const loop = target.getLoop();
  const index = _waitIndex(loop._pendingTasks());
  const frames = target === running?._currentTask && limit !== 0 ? taskFrames() : [];
  return build(target, loop, index, cut(frames, limit), [target]);
}

function build(
  future: Future<unknown>,
  loop: EventLoop,
  index: Map<unknown, Task<unknown>[]>,
  callStack: string[],
  path: Future<unknown>[],
): FutureCallGraph {
  const awaiters: Future<unknown>[] = [...(index.get(future) ?? [])];
  for (const waiter of _linkedWaiters(future)) {
    // A finished task awaits nothing any more, whatever link it left behind.
    if (!awaiters.includes(waiter) && !(waiter instanceof Task && waiter.done())) awaiters.push(waiter);
  }
  const awaitedBy = awaiters.map((waiter) =>
    path.includes(waiter) // a cycle: name the repeated future, go no further
      ? { future: waiter, callStack: [], waitingOn: waitingOn(waiter, loop), awaitedBy: [] }
      : build(waiter, loop, index, [], [...path, waiter])
  );
  return { future, callStack, waitingOn: waitingOn(future, loop), awaitedBy };
}

function waitingOn(future: Future<unknown>, loop: EventLoop): string | null {
  if (!(future instanceof Task) || future === loop._currentTask) return null;
  return _describeWait(future._waitingOn());
}

/**
 * The running task's frames, innermost first: the `Error` stack without this
 * module's three frames on top (this function, `capture`, the public
 * function), without V8's `gen.next (<anonymous>)` lines, and cut at the
 * task's step, below which only the loop runs.
 */
function taskFrames(): string[] {
  // V8 keeps 10 frames by default; each `yield*` level costs two (the generator and its `.next`).
  const host = Error as { stackTraceLimit?: number };
  const keep = host.stackTraceLimit;
  host.stackTraceLimit = MAX_STACK_LINES;
  let stack: string;
  try {
    stack = new Error().stack ?? "";
  } finally {
    host.stackTraceLimit = keep;
  }
  const lines = stack.split("\n").map((line) => line.trim()).filter((line) => line.startsWith("at "));
  const frames: string[] = [];
  for (const line of lines.slice(3)) {
    const frame = line.slice(3);
    // The step: `Task._step` (a bundler may rename the class, `_Task._step`) or any frame of task.ts.
    if (/\._step \(|\bwakeTask\b|[/\\]lib[/\\]task[/\\]task\.ts:/.test(frame)) break;
    // Debug mode's DevTools wrapper runs the coroutine inside the step: it and the nameless arrow it calls
    // (just above it, recognisable by path only in sources) are yieldio's.
    if (/\bAsyncStackCoro\b|[/\\]lib[/\\]task[/\\]task_debug\.ts:/.test(frame)) {
      if (frames.length > 0 && !/ \(/.test(frames[frames.length - 1])) frames.pop();
      break;
    }
    if (!/\.next \(<anonymous>\)$/.test(frame)) frames.push(frame);
  }
  return frames;
}

function cut(frames: string[], limit: number | null): string[] {
  if (limit === null) return frames;
  return limit >= 0 ? frames.slice(0, limit) : frames.slice(limit);
}

function checkLimit(options: CallGraphOptions | undefined): number | null {
  const limit = options?.limit ?? null;
  if (limit !== null && !Number.isInteger(limit)) {
    throw new TypeError(`captureCallGraph expects limit as an integer or null, got ${describeValue(limit)}`);
  }
  return limit;
}

/** CPython's layout: four spaces per level of "awaited by". */
function render(graph: FutureCallGraph, level: number, ancestors: Future<unknown>[]): string[] {
  const pad = "    ".repeat(level);
  const { future } = graph;
  const cycle = ancestors.includes(future) ? " (cycle)" : "";
  // Names, labels and frames are user text: each is printed as one safe line.
  const head = future instanceof Task
    ? `* Task(name='${safeLabel(future.getName())}', id=${future.getLoop()._taskId(future)})${cycle}`
    : `* ${safeLabel(safeString(future))}${cycle}`;
  const lines = [pad + head];
  if (graph.callStack.length > 0) {
    lines.push(`${pad}  + Call stack:`, ...graph.callStack.map((frame) => `${pad}  |   at ${safeLabel(frame)}`));
  }
  if (graph.waitingOn !== null) lines.push(`${pad}  + Waiting on: ${safeLabel(graph.waitingOn)}`);
  if (graph.awaitedBy.length > 0) {
    lines.push(`${pad}  + Awaited by:`);
    for (const awaiter of graph.awaitedBy) lines.push(...render(awaiter, level + 1, [...ancestors, future]));
  }
  return lines;
}
