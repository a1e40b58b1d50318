/**
 * What debug mode adds to a task, kept off the Task object: where it was
 * created, an async stack for DevTools, and a refusal of a coroutine that a
 * task already drives or drove.
 *
 * JavaScript stacks stop at the task's step — the loop, not the code that
 * spawned the task, is what resumed it. `console.createTask(name)` (Chrome,
 * Node ≥ 20 under `--inspect`, Deno) snapshots the spawner's stack, and each
 * `devtoolsTask.run(fn)` appends it to the stacks DevTools shows inside `fn`.
 * So in debug mode a task's coroutine is wrapped: every resumption runs inside
 * the task's console task, and a breakpoint in a child shows who spawned it.
 * It costs about 1 µs per task and 0.3 µs per step, so only debug mode pays.
 *
 * Both live in WeakMaps and wrappers, never in Task fields: a task outside
 * debug mode carries nothing for them.
 *
 * @module
 */

import { creationSite } from "../_creation_site.ts";
import { describeValue } from "../_describe.ts";
import type { Task } from "./task.ts";
import type { Coro } from "./yield_protocol.ts";

/** The part of a DevTools console task yieldio uses. */
interface ConsoleTask {
  run<R>(fn: () => R): R;
}

const sites = new WeakMap<Task<unknown>, string>();
/**
 * The task each coroutine was handed to, in debug mode. Outside debug mode a
 * generator handed to a second task goes unnoticed: JavaScript cannot tell a
 * fresh generator from a finished one, and marking every coroutine would
 * cost each task about 40 bytes.
 */
const drivers = new WeakMap<object, Task<unknown>>();

/**
 * In a bundle: the yieldio functions that may stand between user code and
 * `new Task` (`createTask` → `EventLoop.createTask`, a task group, `run`,
 * `ensureFuture`); a bundler may prefix or number class names.
 */
const TASK_ENTRIES =
  /^(?:_?\w*EventLoop\d*\.createTask|_?TaskGroup\d*\.createTask|createTask|ensureFuture|gather|shield|run|runSync|runTest)$/;

/**
 * @internal Records where `task` was created and returns its coroutine
 * wrapped to run inside a DevTools console task (as it is when the host has
 * no `console.createTask`).
 */
export function _debugTask<T>(task: Task<T>, coro: Coro<T>): Coro<T> {
  const driver = drivers.get(coro);
  if (driver !== undefined) {
    const how = driver.done() ? "drove it to its end" : "drives it";
    throw new TypeError(
      `${describeValue(coro)} was handed to a second task: ${driver} ${how}; a coroutine runs in one task ` +
        "(call its generator function again for a fresh one)",
    );
  }
  drivers.set(coro, task);
  const site = creationSite(1, TASK_ENTRIES); // new Task → _debugTask → creationSite
  if (site !== undefined) sites.set(task, site);
  // Looked up per task, not once: a host (or a test) may install it after this module loaded.
  const host = console as { createTask?: (name: string) => ConsoleTask };
  if (typeof host.createTask !== "function") return coro;
  return new AsyncStackCoro(coro, host.createTask(task.getName()));
}

/** @internal Where `task` was created, when it was created in debug mode. */
export function _taskCreatedAt(task: Task<unknown>): string | undefined {
  return sites.get(task);
}

/** @internal The coroutine a task was given, without the DevTools wrapper. */
export function _unwrapCoro<T>(coro: Coro<T>): Coro<T> {
  return coro instanceof AsyncStackCoro ? coro.inner : coro;
}

/** A coroutine resumed inside a DevTools console task; results pass through untouched (the yield protocol). */
class AsyncStackCoro<T> implements Coro<T> {
  readonly inner: Coro<T>;
  #devtools: ConsoleTask;

  constructor(inner: Coro<T>, devtools: ConsoleTask) {
    this.inner = inner;
    this.#devtools = devtools;
  }

  [Symbol.iterator](): Coro<T> {
    return this;
  }

  next(...args: [] | [unknown]): IteratorResult<unknown, T> {
    return this.#devtools.run(() => this.inner.next(...args));
  }

  throw(error: unknown): IteratorResult<unknown, T> {
    return this.#devtools.run(() => this.inner.throw(error));
  }

  return(value: T): IteratorResult<unknown, T> {
    return this.#devtools.run(() => this.inner.return(value));
  }
}
