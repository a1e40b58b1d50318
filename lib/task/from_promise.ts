/**
 * fromPromise: await a native promise inside a coroutine, with cancellation
 * that reaches the work behind it.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { _wrapPromise } from "./ensure_future.ts";
import { _getRunningLoop } from "./running_loop.ts";
import { trackUndriven } from "./undriven.ts";
import type { Coro } from "./yield_protocol.ts";

/**
 * Waits for a promise. Given a function, calls it (when first driven) with an
 * `AbortSignal` that aborts if the waiting task is cancelled — so `fetch` and
 * other signal-aware APIs stop their work, not just the wait.
 *
 * Host-driven loops only: under `runSync` no promise can settle, so it fails
 * at once with `InvalidStateError` instead of hanging.
 *
 * @param source A promise, or `(signal) => promise`.
 * @returns A coroutine of the promise's value.
 * @throws {TypeError} When `source` is neither.
 *
 * @example Cancelling the task aborts the work
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { CancelledError, createTask, fromPromise, run, sleep } from "yieldio";
 * let reason = "";
 * await run(function* () {
 *   const task = createTask(fromPromise((signal) =>
 *     new Promise((_, reject) => {
 *       signal.addEventListener("abort", () => {
 *         reason = String(signal.reason);
 *         reject(signal.reason);
 *       });
 *     })
 *   ));
 *   yield* sleep(0);
 *   task.cancel("no longer needed");
 *   try {
 *     yield* task;
 *   } catch (e) {
 *     if (!(e instanceof CancelledError)) throw e;
 *   }
 * });
 * assertEquals(reason, "CancelledError: no longer needed");
 * ```
 */
export function fromPromise<T>(source: PromiseLike<T> | ((signal: AbortSignal) => PromiseLike<T>)): Coro<T> {
  if (typeof source !== "function" && typeof (source as PromiseLike<T> | null)?.then !== "function") {
    throw new TypeError(`fromPromise expects a promise or (signal) => promise, got ${describeValue(source)}`);
  }
  return trackUndriven(awaitPromise(source), "fromPromise()");
}

function* awaitPromise<T>(source: PromiseLike<T> | ((signal: AbortSignal) => PromiseLike<T>)): Coro<T> {
  const loop = _getRunningLoop("fromPromise()");
  let abort: AbortController | null = null;
  let promise = source as PromiseLike<T>;
  if (typeof source === "function") {
    abort = new AbortController();
    promise = source(abort.signal);
    if (typeof (promise as PromiseLike<T> | null)?.then !== "function") {
      throw new TypeError(`fromPromise's function must return a promise, got ${describeValue(promise)}`);
    }
  }
  const future = _wrapPromise(loop, promise);
  try {
    return yield* future;
  } catch (error) {
    if (abort !== null && future.cancelled()) abort.abort(error);
    throw error;
  }
}
