/**
 * Argument checks shared by the combinators: what counts as an awaitable, a
 * collection of them, an options object, a future of the right loop, and a timeout (bodies are checked by lib/task/body.ts). Each failure is a `TypeError` or
 * `RangeError` that names the caller and the offending value, thrown at the
 * call (before anything is scheduled), never later inside a task.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { Future } from "../task/future.ts";
import { isCoroutine } from "../task/coroutine.ts";

/** Whether `value` is something `ensureFuture` accepts: a future, a coroutine or a thenable. */
export function isAwaitable(value: unknown): boolean {
  return value instanceof Future || isCoroutine(value) ||
    typeof (value as PromiseLike<unknown> | null)?.then === "function";
}

/** @throws {TypeError} When `value` is not a future, coroutine or promise. */
export function checkAwaitable(value: unknown, caller: string, where = ""): void {
  if (isAwaitable(value)) return;
  let hint = "pass a Future, a Task, a coroutine or a Promise";
  if (typeof value === "function") hint = "call the generator function first: pass main(), not main";
  throw new TypeError(`${caller} expects an awaitable${where}, got ${describeValue(value)}; ${hint}`);
}

/**
 * The elements of an iterable argument, as an array. A single future or
 * coroutine is refused: both are iterable in JavaScript, and iterating one
 * would drive it instead of waiting for it.
 *
 * @throws {TypeError} For a future, a coroutine, a string or a non-iterable.
 */
export function listOf(collection: unknown, caller: string): unknown[] {
  if (collection instanceof Future || isCoroutine(collection)) {
    throw new TypeError(
      `${caller} expects an iterable of awaitables, got the single awaitable ${describeValue(collection)}; ` +
        "wrap it in an array: [x]",
    );
  }
  const iterable = collection as Iterable<unknown> | null;
  if (typeof iterable === "string" || typeof iterable?.[Symbol.iterator] !== "function") {
    throw new TypeError(`${caller} expects an iterable of awaitables (an array), got ${describeValue(collection)}`);
  }
  return [...iterable];
}

/**
 * A timeout or deadline argument: a number of ms, or `null` for "no limit"
 * (`undefined` counts as `null`, as for an absent option).
 *
 * @throws {TypeError} For anything but a number, null or undefined.
 * @throws {RangeError} For NaN.
 */
export function checkTime(value: unknown, caller: string, name: string): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== "number") {
    throw new TypeError(`${caller} expects ${name} as a number of ms or null (no limit), got ${describeValue(value)}`);
  }
  if (Number.isNaN(value)) throw new RangeError(`${caller} got NaN for ${name}; pass a number of ms, or null`);
  return value;
}

/** Refuses `options` unless it is undefined or an object. */
export function checkOptionsObject(options: unknown, caller: string): void {
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new TypeError(`${caller} expects an options object, got ${describeValue(options)}`);
  }
}

/** Refuses a future of a loop other than `loop`: a combinator waits on one loop. */
export function checkSameLoop(value: unknown, loop: unknown, caller: string, where = ""): void {
  if (value instanceof Future && value.getLoop() !== loop) {
    throw new TypeError(`${caller} got ${value}${where}, which belongs to another event loop`);
  }
}
