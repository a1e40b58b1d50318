/**
 * shield: protect an awaitable from the cancellation of whoever awaits it
 * (asyncio's `shield`).
 *
 * The caller gets an outer future that mirrors the inner one. A task waiting
 * on it and being cancelled cancels only the outer future — the inner work
 * runs on, and its outcome is dropped (its exception marked retrieved only if
 * it was already on its way to the outer). Two done-callbacks tie them: inner
 * done → copy into outer (unless outer was cancelled); outer done first →
 * stop listening to inner.
 *
 * @module
 */

import { ensureFuture } from "../task/ensure_future.ts";
import type { Awaitable, Future } from "../task/future.ts";
import { _describeWait, LabelledFuture } from "../task/wait_label.ts";
import { checkAwaitable } from "./_checks.ts";
import { cancelledErrorOf, errorOf, NO_ERROR } from "./_outcome.ts";

/**
 * Ties inner to outer, and is the outer future's wait subject: a task waiting
 * on outer awaits inner (asyncio 3.14), and the label is formatted only when
 * a task tree or snapshot reads it.
 */
class Link {
  readonly inner: Future<unknown>;
  readonly outer: LabelledFuture<unknown>;

  constructor(inner: Future<unknown>) {
    this.inner = inner;
    this.outer = new LabelledFuture<unknown>(inner.getLoop(), this);
  }

  _waitLabel(): string {
    return `shield of ${_describeWait(this.inner)}`;
  }

  _awaitedChildren(): Future<unknown>[] {
    return [this.inner];
  }
}

/**
 * Returns a future that completes like `awaitable` but whose cancellation
 * does not reach it: cancelling the task that waits on the shield raises
 * `CancelledError` there while the inner work keeps running. If the inner
 * work is cancelled on its own, the shield is cancelled too. An awaitable
 * that is already done is returned as it is.
 *
 * Keep a reference to the inner task if you need its outcome after the
 * shield was cancelled: nothing else will report it.
 *
 * @param awaitable A future, task, coroutine (wrapped in a task) or promise.
 * @returns The outer future (or the inner one, when already done).
 * @throws {TypeError} When `awaitable` is not awaitable.
 * @throws {InvalidStateError} When a coroutine or promise must be wrapped
 *   and no loop is running.
 *
 * @example The caller gives up; the work finishes anyway
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { CancelledError, createTask, getRunningLoop, run, shield, sleep } from "yieldio";
 * const log: unknown[] = [];
 * await run(function* () {
 *   const save = createTask(sleep(100, "saved"));
 *   const caller = createTask((function* () {
 *     try {
 *       yield* shield(save);
 *     } catch (e) {
 *       if (!(e instanceof CancelledError)) throw e;
 *       log.push(["caller cancelled", getRunningLoop().time()]);
 *     }
 *   })());
 *   yield* sleep(10);
 *   caller.cancel();
 *   yield* caller;
 *   log.push([yield* save, getRunningLoop().time()]);
 * }, { clock: "virtual" });
 * assertEquals(log, [["caller cancelled", 10], ["saved", 100]]);
 * ```
 */
export function shield<T>(awaitable: Awaitable<T>): Future<T> {
  checkAwaitable(awaitable, "shield");
  const inner = ensureFuture(awaitable);
  if (inner.done()) return inner;
  const link = new Link(inner);
  inner._addCallback(innerDone, link);
  link.outer._addCallback(outerDone, link);
  return link.outer as Future<T>;
}

function innerDone(link: Link): void {
  const { inner, outer } = link;
  if (outer.cancelled()) {
    // Both callbacks were already scheduled: the result is retrieved here, not reported.
    if (!inner.cancelled()) inner._markSeen();
    return;
  }
  if (inner.cancelled()) {
    outer.cancel(cancelledErrorOf(inner).message || undefined);
    return;
  }
  const error = errorOf(inner);
  if (error === NO_ERROR) outer._resolve(inner.result());
  else outer._reject(error);
}

function outerDone(link: Link): void {
  if (link.inner.done()) return;
  link.inner._removeCallback(innerDone, link); // the caller stopped waiting: inner runs on, awaited by no one
}
