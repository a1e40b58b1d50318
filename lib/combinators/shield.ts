/**
 * shield: protect an awaitable from the cancellation of whoever awaits it
 * (asyncio's `shield`).
 *
 * The caller gets an outer future that mirrors the inner one. A task waiting
 * on it and being cancelled cancels only the outer future — the inner work
 * runs on, awaited by no one, so its error would otherwise surface only as
 * "never retrieved" when the loop closes: asyncio 3.14 reports it to the
 * exception handler as soon as it happens instead, once per inner future
 * however many of its shields were cancelled. Two done-callbacks tie them:
 * inner done → copy into outer (or report, if outer was cancelled); outer
 * done first → stop listening to inner and leave the one reporter on it.
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
 * Once the shield was cancelled, an error of the inner work is reported
 * to the loop's exception handler straight away, once (asyncio 3.14): keep a
 * reference to the inner task if you mean to handle it yourself.
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
    // Outer was cancelled in the iteration inner finished, before outerDone could leave a reporter.
    reportShielded(inner);
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
  const inner = link.inner;
  if (inner.done()) return;
  inner._removeCallback(innerDone, link); // the caller stopped waiting: inner runs on, awaited by no one
  // asyncio 3.14: one reporter per inner future, however many of its shields are cancelled.
  inner._removeCallback(reportShielded, inner);
  inner._addCallback(reportShielded, inner);
}

/** Inner futures whose error a shield reported: the reporter and the race path in innerDone may both reach one. */
const reported = new WeakSet<Future<unknown>>();

/** Reports the error of an inner future nobody awaits any more (reading it marks it retrieved). */
function reportShielded(inner: Future<unknown>): void {
  if (inner.cancelled() || reported.has(inner)) return;
  const error = errorOf(inner);
  if (error === NO_ERROR) return;
  reported.add(inner);
  inner.getLoop().callExceptionHandler({
    message: `${error instanceof Error ? error.name : typeof error} exception in shielded future`,
    exception: error,
    future: inner,
  });
}
