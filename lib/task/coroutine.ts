/**
 * What counts as a coroutine where one is expected (`createTask`, `new Task`,
 * `run`): an object with `next` and `throw` methods that is not a future —
 * a generator object, or the object `sleep()` returns. The usual mistakes get
 * a hint that says what to pass instead.
 *
 * @module
 */

import { describeValue, uninspectable } from "../_describe.ts";
import { Future } from "./future.ts";
import type { Coro } from "./yield_protocol.ts";

/** Whether `value` is a coroutine: an object with `next` and `throw` methods that is not a future. */
export function isCoroutine(value: unknown): value is Coro<unknown> {
  const candidate = value as Partial<Coro<unknown>> | null;
  if (typeof candidate !== "object" || candidate === null) return false;
  try {
    return !(candidate instanceof Future) && typeof candidate.next === "function" &&
      typeof candidate.throw === "function";
  } catch {
    return false; // a revoked Proxy, a getter that throws: no coroutine (checkCoroutine says why)
  }
}

/**
 * Checks that `value` is a coroutine (an object with `next` and `throw`
 * methods that is not a future), with hints for the usual mistakes.
 *
 * @throws {TypeError} Naming what was passed and what to pass instead.
 */
export function checkCoroutine(value: unknown, caller: string): void {
  if (isCoroutine(value)) return;
  let hint = "pass the object a generator function returns, e.g. main()";
  try {
    if (typeof value === "function") hint = "call it first: pass main(), not main";
    else if (value instanceof Future) {
      hint = "a Future is already scheduled: wait for it with `yield*`, or use ensureFuture()";
    } else if (typeof (value as PromiseLike<unknown> | null)?.then === "function") {
      hint = "wrap a promise with fromPromise(p) or ensureFuture(p)";
    }
  } catch (error) {
    throw uninspectable(caller, "a coroutine", value, error);
  }
  throw new TypeError(`${caller} expects a coroutine, got ${describeValue(value)}; ${hint}`);
}
