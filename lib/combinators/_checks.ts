/**
 * Argument checks shared by the combinators: what counts as an awaitable, a
 * collection of them, an options object, a future of the right loop, and a
 * timeout (bodies are checked by lib/task/body.ts). Each failure is a
 * `TypeError` or `RangeError` that names the caller and the offending value,
 * thrown at the call (before anything is scheduled), never later inside a
 * task — also when inspecting the value throws: the caller gets a
 * `TypeError` naming it, never the value's own error.
 *
 * @module
 */

import { describeValue, uninspectable } from "../_describe.ts";
import { isInstance } from "../_is_instance.ts";
import { _awaitableKind, type AwaitableKind } from "../task/ensure_future.ts";
import { Future } from "../task/future.ts";
import { isCoroutine } from "../task/coroutine.ts";

/**
 * Whether `ensureFuture` accepts `value`, without building any text: the
 * fast path over a long argument list. False also when inspecting `value`
 * throws; `checkAwaitable` then says why.
 */
export function isAwaitable(value: unknown): boolean {
  try {
    return value instanceof Future || isCoroutine(value) ||
      typeof (value as PromiseLike<unknown> | null)?.then === "function";
  } catch {
    return false;
  }
}

/**
 * @returns How `ensureFuture` will treat `value`.
 * @throws {TypeError} When `value` is not a future, coroutine or promise, or
 *   throws when inspected (a revoked Proxy, a `then` getter that throws).
 */
export function checkAwaitable(value: unknown, caller: string, where = ""): Exclude<AwaitableKind, "other"> {
  const kind = _awaitableKind(value, caller, `an awaitable${where}`);
  if (kind !== "other") return kind;
  let hint = "pass a Future, a Task, a coroutine or a Promise";
  if (typeof value === "function") hint = "call the generator function first: pass main(), not main";
  throw new TypeError(`${caller} expects an awaitable${where}, got ${describeValue(value)}; ${hint}`);
}

/**
 * The elements of an iterable argument, as an array. A single future or
 * coroutine is refused: both are iterable in JavaScript, and iterating one
 * would drive it instead of waiting for it.
 *
 * @throws {TypeError} For a future, a coroutine, a string or a non-iterable,
 *   or a value that throws when inspected. What the iteration itself throws
 *   (the iterable's own code) propagates as it is.
 */
export function listOf(collection: unknown, caller: string): unknown[] {
  const expected = "an iterable of awaitables (an array)";
  const kind = _awaitableKind(collection, caller, expected);
  if (kind === "future" || kind === "coroutine") {
    throw new TypeError(
      `${caller} expects an iterable of awaitables, got the single awaitable ${describeValue(collection)}; ` +
        "wrap it in an array: [x]",
    );
  }
  let iterable = false;
  try {
    iterable = typeof collection !== "string" &&
      typeof (collection as Iterable<unknown> | null)?.[Symbol.iterator] === "function";
  } catch (error) {
    throw uninspectable(caller, expected, collection, error);
  }
  if (!iterable) throw new TypeError(`${caller} expects ${expected}, got ${describeValue(collection)}`);
  return [...collection as Iterable<unknown>];
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
  if (isInstance(value, Future) && value.getLoop() !== loop) {
    throw new TypeError(`${caller} got ${value}${where}, which belongs to another event loop`);
  }
}
