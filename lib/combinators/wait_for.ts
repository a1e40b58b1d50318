/**
 * waitFor: an awaitable with a time limit (asyncio's `wait_for`, which since
 * 3.12 is `timeout()` around an `await`).
 *
 * A coroutine runs inline in the calling task, a future or task is awaited;
 * either way the timeout's cancel reaches the work itself (cancelling a task
 * cancels what it awaits), so `waitFor` raises only after the inner work has
 * finished — its `finally` blocks have run. If the inner work catches the
 * cancel and returns, that value is the result. With `ms <= 0` there is no
 * time at all: the awaitable is wrapped in a future, cancelled at once unless
 * already done, and waited for (a coroutine is then never started).
 *
 * @module
 */

import { isInstance } from "../_is_instance.ts";
import { CancelledError, TimeoutError } from "../errors.ts";
import { type AwaitableKind, ensureFuture } from "../task/ensure_future.ts";
import type { Awaitable, Future } from "../task/future.ts";
import { _getRunningLoop } from "../task/running_loop.ts";
import type { Coro } from "../task/yield_protocol.ts";
import { _describeWait, LabelledFuture } from "../task/wait_label.ts";
import { checkAwaitable, checkTime } from "./_checks.ts";
import { releaseWaiter } from "./_outcome.ts";
import { timeout } from "./timeout.ts";

/**
 * Waits for `awaitable` for at most `ms` milliseconds. On timeout the inner
 * work is cancelled and waited for, then `TimeoutError` is raised with the
 * `CancelledError` as its `cause`. If the inner work swallows the cancel and
 * returns a value, that value is returned. If the calling task is cancelled,
 * the inner work is cancelled with it.
 *
 * @param awaitable A future, task, coroutine or promise.
 * @param ms The time limit in ms; `null` for none; 0 or less: only a result
 *   that is already there (a coroutine is never started).
 * @returns A coroutine of the awaitable's result.
 * @throws {TypeError} When `awaitable` is not awaitable or `ms` not a number
 *   or null (at the call).
 * @throws {RangeError} When `ms` is NaN.
 * @throws {TimeoutError} When the time ran out first.
 *
 * @example The inner task is cancelled and has cleaned up before waitFor raises
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createTask, getRunningLoop, run, sleep, TimeoutError, waitFor } from "yieldio";
 * const log: unknown[] = [];
 * await run(function* () {
 *   const download = createTask((function* () {
 *     try {
 *       yield* sleep(1000);
 *     } finally {
 *       log.push(["download cleaned up", getRunningLoop().time()]);
 *     }
 *   })());
 *   try {
 *     yield* waitFor(download, 100);
 *   } catch (e) {
 *     if (!(e instanceof TimeoutError)) throw e;
 *     log.push(["timed out", getRunningLoop().time(), download.cancelled()]);
 *   }
 * }, { clock: "virtual" });
 * assertEquals(log, [["download cleaned up", 100], ["timed out", 100, true]]);
 * ```
 */
export function waitFor<T>(awaitable: Awaitable<T>, ms: number | null): Coro<T> {
  const kind = checkAwaitable(awaitable, "waitFor");
  const limit = checkTime(ms, "waitFor", "ms");
  return limit !== null && limit <= 0 ? withoutTime(awaitable) : within(awaitable, kind, limit);
}

function* within<T>(awaitable: Awaitable<T>, kind: AwaitableKind, ms: number | null): Coro<T> {
  const inner: Coro<T> = kind !== "promise"
    ? awaitable as Coro<T>
    : ensureFuture(awaitable, _getRunningLoop("waitFor()"));
  return yield* timeout(ms, () => inner);
}

function* withoutTime<T>(awaitable: Awaitable<T>): Coro<T> {
  const future = ensureFuture(awaitable, _getRunningLoop("waitFor()"));
  if (future.done()) return future.result();
  yield* cancelAndWait(future);
  try {
    return future.result();
  } catch (error) {
    if (isInstance(error, CancelledError)) throw new TimeoutError("waitFor got no time (ms <= 0)", { cause: error });
    throw error;
  }
}

/**
 * Cancels `future` and waits until it is done, on a private waiter so that a
 * cancel of the calling task ends the wait without touching `future` again.
 */
function* cancelAndWait(future: Future<unknown>): Coro<void> {
  const loop = future.getLoop();
  // The caller awaits the cancelled work's end; the label is made only when read.
  const waiter = new LabelledFuture<void>(loop, {
    _waitLabel: () => `cancel of ${_describeWait(future)}`,
    _awaitedChildren: () => [future],
  });
  future._addCallback(releaseWaiter, waiter);
  try {
    future.cancel();
    yield* waiter;
  } finally {
    future._removeCallback(releaseWaiter, waiter);
  }
}
