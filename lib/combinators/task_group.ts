/**
 * TaskGroup: structured concurrency (asyncio's `TaskGroup`, written as a
 * function that takes the body).
 *
 * The body runs in the calling task (the parent) and starts children with
 * `tg.createTask`. Exit waits for every child. The first child error aborts
 * the group: the siblings are cancelled and so is the parent — with one
 * counted cancel that exit withdraws again (`uncancel()`), so the parent's
 * `cancelling()` is what it was and an outside cancel is never mistaken for
 * the group's own. Errors (the children's, then the body's) come out as one
 * `ExceptionGroup`; a cancel of the parent from outside cancels the children
 * and propagates as `CancelledError`; errors take priority over it.
 *
 * `cancel()` (asyncio 3.15) aborts the group on purpose: the children and
 * the body are cancelled as for a child error, and since that cancel of the
 * parent is the group's own, exit withdraws it and the block ends quietly.
 *
 * Lifecycle: created → entered → exiting (→ aborting at any point once
 * something failed, the parent was cancelled or `cancel()` was called).
 * `createTask` is refused before entry, after exit, and while aborting.
 *
 * @module
 */

import { isInstance } from "../_is_instance.ts";
import { CancelledError, ExceptionGroup, InvalidStateError } from "../errors.ts";
import { _enteredGroup, _leftGroup } from "../task/awaited_by.ts";
import type { EventLoop } from "../task/event_loop.ts";
import type { Future } from "../task/future.ts";
import { _getRunningLoop } from "../task/running_loop.ts";
import type { Task, TaskOptions } from "../task/task.ts";
import type { Coro } from "../task/yield_protocol.ts";
import { bodyCoroutine, checkBody } from "../task/body.ts";
import { LabelledFuture } from "../task/wait_label.ts";
import { errorOf, NO_ERROR } from "./_outcome.ts";

const NOTHING_THROWN: unique symbol = Symbol("nothing thrown");

/**
 * A set of child tasks whose lifetime is bounded by a body: what
 * {@linkcode taskGroup} passes to it. `new TaskGroup().enter(body)` is
 * `taskGroup(body)` with the group made beforehand.
 *
 * @example Children run concurrently; the group ends when the last one does
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { getRunningLoop, run, sleep, TaskGroup } from "yieldio";
 * const [a, b, t] = await run(function* () {
 *   const group = new TaskGroup();
 *   const [a, b] = yield* group.enter(function* (tg) {
 *     return [tg.createTask(sleep(20, "a")), tg.createTask(sleep(30, "b"))];
 *   });
 *   return [a.result(), b.result(), getRunningLoop().time()];
 * }, { clock: "virtual" });
 * assertEquals([a, b, t], ["a", "b", 30]);
 * ```
 */
export class TaskGroup {
  #entered = false;
  #exiting = false;
  #aborting = false;
  /** `cancel()` came before entry: the group cancels itself on entry. */
  #cancelOnEnter = false;
  #loop: EventLoop | null = null;
  #parent: Task<unknown> | null = null;
  /** Invariant: true exactly while the group owes the parent one `uncancel()`. */
  #parentCancelRequested = false;
  /** Invariant: the children whose done-callback has not run yet. */
  #tasks = new Set<Task<unknown>>();
  /** Child errors in the order their callbacks ran. */
  #errors: unknown[] = [];
  /** While exit waits: completed when `#tasks` becomes empty. */
  #allDone: Future<void> | null = null;

  /**
   * Starts `coro` as a child task of the group (asyncio's `create_task`).
   *
   * @param coro The coroutine to run.
   * @param options The task's name, eager start, an AbortSignal to cancel it.
   * @returns The child task.
   * @throws {InvalidStateError} Before the group is entered, after it
   *   finished, or while it is shutting down after an error or a cancel.
   * @throws {TypeError} When `coro` is not a coroutine.
   */
  createTask<T>(coro: Coro<T>, options?: TaskOptions): Task<T> {
    if (!this.#entered) throw new InvalidStateError(`createTask() on ${this}: the group has not been entered`);
    if (this.#exiting && this.#tasks.size === 0) {
      throw new InvalidStateError(`createTask() on ${this}: the group is finished`);
    }
    if (this.#aborting) throw new InvalidStateError(`createTask() on ${this}: the group is shutting down`);
    const task = (this.#loop as EventLoop).createTask(coro, options);
    this.#tasks.add(task as Task<unknown>);
    // Always through the callback, even for an eager child that is already
    // done: its error must abort the group from the loop, not from in here.
    task._addCallback(this.#onChildDone, task);
    // asyncio gh-155418: an eager child may abort the group (cancel() in its first step) before it is in #tasks.
    if (this.#aborting && !task.done()) task.cancel();
    return task;
  }

  /**
   * Cancels the group (asyncio 3.15's `TaskGroup.cancel`): every child not
   * yet done and the body are cancelled, and once they have finished the
   * block exits without raising `CancelledError` — a cancel of the parent
   * task from elsewhere still propagates, and child errors still come out as
   * an `ExceptionGroup`. Called before entry, the group is cancelled as soon
   * as it is entered; called again, or after exit, it does nothing. A body
   * cut short this way has no value: `taskGroup()` then returns `undefined`.
   *
   * @example Stop every child once one of them has found the answer
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { getRunningLoop, run, sleep, taskGroup } from "yieldio";
   * const found = await run(function* () {
   *   const found: unknown[] = [];
   *   yield* taskGroup(function* (tg) {
   *     for (const [mirror, ms] of [["a", 300], ["b", 100], ["c", 200]] as const) {
   *       tg.createTask((function* () {
   *         yield* sleep(ms);
   *         found.push(mirror, getRunningLoop().time());
   *         tg.cancel(); // the other mirrors are cancelled; the block ends quietly
   *       })());
   *     }
   *   });
   *   return found;
   * }, { clock: "virtual" });
   * assertEquals(found, ["b", 100]);
   * ```
   */
  cancel(): void {
    if (!this.#entered) {
      this.#cancelOnEnter = true;
      return;
    }
    if (this.#exiting && this.#tasks.size === 0) return;
    if (this.#aborting) return;
    TaskGroup.#abort(this);
    if (!this.#parentCancelRequested) {
      this.#parentCancelRequested = true;
      (this.#parent as Task<unknown>).cancel();
    }
  }

  /**
   * Runs `body` with this group in the calling task, then waits for every
   * child: asyncio's `async with group:`.
   *
   * @param body Called with the group; returns the coroutine to run.
   * @returns A coroutine of the body's result.
   * @throws {ExceptionGroup} When children or the body failed.
   * @throws {CancelledError} When the parent task was cancelled (and nothing failed).
   * @throws {InvalidStateError} When entered twice, or outside a task.
   * @throws {TypeError} When `body` is not a function (at the call) or does
   *   not return a coroutine.
   */
  enter<T>(body: (tg: TaskGroup) => Coro<T>): Coro<T> {
    checkBody(body, "TaskGroup.enter");
    return TaskGroup.#run(this, body);
  }

  static *#run<T>(group: TaskGroup, body: (tg: TaskGroup) => Coro<T>): Coro<T> {
    if (group.#entered) throw new InvalidStateError(`${group} has already been entered`);
    const loop = _getRunningLoop("taskGroup()");
    const parent = loop._currentTask;
    if (parent === null) throw new InvalidStateError(`${group} must be entered inside a task`);
    group.#loop = loop;
    group.#parent = parent;
    group.#entered = true;
    _enteredGroup(parent, group); // asyncio 3.14: the parent awaits each child; one entry per group, not per child
    if (group.#cancelOnEnter) group.cancel();
    let thrown: unknown = NOTHING_THROWN;
    let value: T | undefined;
    try {
      value = yield* bodyCoroutine<T>(body(group), "taskGroup");
    } catch (error) {
      thrown = error;
    } finally {
      try {
        yield* TaskGroup.#exit(group, thrown); // raises whatever the body's outcome turns into
      } finally {
        _leftGroup(parent, group);
      }
    }
    return value as T;
  }

  /** asyncio's `__aexit__`: wait for the children, then decide what to raise. */
  static *#exit(group: TaskGroup, thrown: unknown): Coro<void> {
    group.#exiting = true;
    const parent = group.#parent as Task<unknown>;
    let propagate: CancelledError | null = isInstance(thrown, CancelledError) ? thrown : null;
    /** The last cancel that reached exit's wait, whoever sent it. */
    let pending: CancelledError | null = null;
    if (thrown !== NOTHING_THROWN && !group.#aborting) TaskGroup.#abort(group);
    // A loop: the parent may be cancelled again and again while it waits.
    while (group.#tasks.size > 0) {
      group.#allDone ??= new LabelledFuture<void>(group.#loop as EventLoop, "taskGroup exit");
      try {
        yield* group.#allDone;
      } catch (error) {
        if (!(error instanceof CancelledError)) throw error;
        pending = error;
        if (!group.#aborting) {
          // The parent is cancelled from outside while the children run.
          propagate = error;
          TaskGroup.#abort(group);
        }
      }
      group.#allDone = null;
    }
    if (group.#parentCancelRequested) {
      group.#parentCancelRequested = false;
      if (parent.uncancel() === 0) propagate = null; // only our own cancel: it ends here
      else propagate ??= pending; // asyncio gh-155433: one from outside came while aborting; keep it
    }
    const errors = group.#errors;
    if (propagate !== null && errors.length === 0) throw propagate;
    if (thrown !== NOTHING_THROWN && !isInstance(thrown, CancelledError)) errors.push(thrown);
    if (errors.length === 0) return;
    // Errors win over a cancel from outside; re-request that cancel so it is
    // not lost, keeping the parent's count as it was.
    if (parent.cancelling() > 0) {
      parent.uncancel();
      parent.cancel();
    }
    throw new ExceptionGroup("unhandled errors in a TaskGroup", errors);
  }

  /** @internal The children the parent awaits: those whose done-callback has not run. */
  _awaitedChildren(): Iterable<Future<unknown>> {
    return this.#tasks;
  }

  static #abort(group: TaskGroup): void {
    group.#aborting = true;
    for (const task of group.#tasks) {
      if (!task.done()) task.cancel();
    }
  }

  /** A child is done (a done-callback, bound once per group). */
  readonly #onChildDone = (task: Task<unknown>): void => {
    this.#tasks.delete(task);
    if (this.#tasks.size === 0 && this.#allDone !== null && !this.#allDone.done()) {
      this.#allDone.setResult(undefined);
    }
    if (task.cancelled()) return;
    const error = errorOf(task);
    if (error === NO_ERROR) return;
    this.#errors.push(error);
    const parent = this.#parent as Task<unknown>;
    if (parent.done()) {
      (this.#loop as EventLoop).callExceptionHandler({
        message: `${task} failed but its parent task ${parent} is already done`,
        exception: error,
        task,
      });
      return;
    }
    if (!this.#aborting && !this.#parentCancelRequested) {
      // Interrupt the body wherever it waits; exit withdraws this cancel again.
      TaskGroup.#abort(this);
      this.#parentCancelRequested = true;
      parent.cancel();
    }
  };

  /**
   * Describes the group for messages and `console.log`.
   * @returns A description like `<TaskGroup tasks=2 errors=1 cancelling>`.
   */
  toString(): string {
    let text = "<TaskGroup";
    if (this.#tasks.size > 0) text += ` tasks=${this.#tasks.size}`;
    if (this.#errors.length > 0) text += ` errors=${this.#errors.length}`;
    if (this.#aborting) text += " cancelling";
    else if (this.#exiting && this.#tasks.size === 0) text += " finished";
    else if (this.#entered) text += " entered";
    return text + ">";
  }
}

/**
 * Runs `body` with a new {@linkcode TaskGroup} and waits for every task it
 * started. If a child fails, the other children and the body are cancelled,
 * and once all are done the errors come out together as an
 * `ExceptionGroup` (the body's own error, if any, last). If the calling task
 * is cancelled, the children are cancelled too and, once they are done,
 * `CancelledError` propagates — unless a child failed meanwhile: errors take
 * priority.
 *
 * @param body Called with the group; returns the coroutine to run (a
 *   generator function).
 * @returns A coroutine of the body's result.
 * @throws {ExceptionGroup} When children or the body failed.
 * @throws {CancelledError} When the calling task was cancelled (and nothing failed).
 * @throws {TypeError} When `body` is not a function (at the call).
 * @throws {InvalidStateError} When driven outside a task.
 *
 * @example The first failure cancels the rest, and surfaces as an ExceptionGroup
 * ```ts
 * import { assertEquals, assertInstanceOf } from "@std/assert";
 * import { CancelledError, ExceptionGroup, getRunningLoop, run, sleep, taskGroup } from "yieldio";
 * const log: unknown[] = [];
 * function* failAfter(ms: number): Generator<unknown, never, unknown> {
 *   yield* sleep(ms);
 *   throw new RangeError(`failed at ${ms}`);
 * }
 * function* slow() {
 *   try {
 *     yield* sleep(1000);
 *   } catch (e) {
 *     if (e instanceof CancelledError) log.push(["slow child cancelled", getRunningLoop().time()]);
 *     throw e;
 *   }
 * }
 * await run(function* () {
 *   try {
 *     yield* taskGroup(function* (tg) {
 *       tg.createTask(failAfter(50));
 *       tg.createTask(slow());
 *     });
 *   } catch (e) {
 *     assertInstanceOf(e, ExceptionGroup);
 *     log.push([e.exceptions.map((x) => (x as Error).message), getRunningLoop().time()]);
 *   }
 * }, { clock: "virtual" });
 * assertEquals(log, [["slow child cancelled", 50], [["failed at 50"], 50]]);
 * ```
 */
export function taskGroup<T>(body: (tg: TaskGroup) => Coro<T>): Coro<T> {
  checkBody(body, "taskGroup");
  return new TaskGroup().enter(body);
}
