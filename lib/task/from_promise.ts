/**
 * fromPromise: await a native promise inside a coroutine, with cancellation
 * that reaches the work behind it.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { _awaitableKind, _wrapPromise } from "./ensure_future.ts";
import { _getRunningLoop } from "./running_loop.ts";
import { trackUndriven } from "./undriven.ts";
import type { Coro } from "./yield_protocol.ts";

/** Options for {@linkcode fromPromise}. */
export interface FromPromiseOptions {
  /**
   * What the wait is for, as the task tree, the task table and
   * `inspect(loop)` show it: `waiting on fetch /api`. Default: the
   * function's name with `()` (`loadUser()`) when given a named function,
   * else `a Promise`.
   */
  name?: string;
}

/**
 * Waits for a promise. Given a function, calls it (when first driven) with an
 * `AbortSignal` that aborts if the waiting task is cancelled — so `fetch` and
 * other signal-aware APIs stop their work, not just the wait.
 *
 * The promise is followed as `await` follows it: a thenable whose `then`
 * throws, or calls both callbacks, settles once, with what came first. A
 * rejection reaches the `yield*` untouched, whatever was thrown (except
 * `undefined`, which a future cannot hold: it becomes an `Error` that says
 * so).
 *
 * Host-driven loops only: under `runSync` no promise can settle, so it fails
 * at once with `InvalidStateError` instead of hanging.
 *
 * @param source A promise, or `(signal) => promise`.
 * @param options A `name` for the wait, shown by the task tree and table.
 * @returns A coroutine of the promise's value.
 * @throws {TypeError} When `source` is neither (or throws when inspected),
 *   or `name` is not a string.
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
 *
 * @example A named wait in the task table
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createTask, formatTaskTable, fromPromise, run, sleep } from "yieldio";
 * const table = await run(function* () {
 *   let answer: (text: string) => void = () => {};
 *   const reply = new Promise<string>((resolve) => answer = resolve);
 *   const worker = createTask(fromPromise(reply, { name: "fetch /api" }), { name: "worker" });
 *   yield* sleep(0);
 *   const table = formatTaskTable();
 *   answer("ok");
 *   yield* worker;
 *   return table;
 * });
 * assertEquals(table.split("\n")[2], "2   worker  waiting  fetch /api");
 * ```
 */
export function fromPromise<T>(
  source: PromiseLike<T> | ((signal: AbortSignal) => PromiseLike<T>),
  options?: FromPromiseOptions,
): Coro<T> {
  if (typeof source !== "function" && !isThenable(source, "fromPromise", "a promise or (signal) => promise")) {
    throw new TypeError(`fromPromise expects a promise or (signal) => promise, got ${describeValue(source)}`);
  }
  return trackUndriven(awaitPromise(source, labelOf(source, options)), "fromPromise()");
}

function labelOf(source: unknown, options: FromPromiseOptions | undefined): string {
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new TypeError(`fromPromise expects an options object, got ${describeValue(options)}`);
  }
  const name = options?.name;
  if (name !== undefined) {
    if (typeof name !== "string") {
      throw new TypeError(`fromPromise expects name as a string, got ${describeValue(name)}`);
    }
    return name;
  }
  if (typeof source !== "function") return "a Promise";
  let functionName: unknown;
  try {
    functionName = source.name;
  } catch {
    // a hostile `name` getter only costs the label
  }
  return typeof functionName === "string" && functionName !== "" ? `${functionName}()` : "a Promise";
}

/** Whether `value` has a callable `then` (a future has one too); a TypeError naming it when reading it throws. */
function isThenable(value: unknown, caller: string, expected: string): boolean {
  const kind = _awaitableKind(value, caller, expected);
  return kind === "promise" || kind === "future";
}

function* awaitPromise<T>(source: PromiseLike<T> | ((signal: AbortSignal) => PromiseLike<T>), label: string): Coro<T> {
  const loop = _getRunningLoop("fromPromise()");
  let abort: AbortController | null = null;
  let promise = source as PromiseLike<T>;
  if (typeof source === "function") {
    abort = new AbortController();
    promise = source(abort.signal);
    if (!isThenable(promise, "fromPromise", "its function to return a promise")) {
      throw new TypeError(`fromPromise's function must return a promise, got ${describeValue(promise)}`);
    }
  }
  const future = _wrapPromise(loop, promise, label);
  try {
    return yield* future;
  } catch (error) {
    if (abort !== null && future.cancelled()) abort.abort(error);
    throw error;
  }
}
