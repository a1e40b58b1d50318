/**
 * What the generator-friendly `async with` forms (`hold`) and
 * `Queue.forEach` accept as a body: a function that returns something
 * `yield*` can wait on — a coroutine (the usual generator function), a
 * future or a task. Mistakes get a message saying what to write instead.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import type { Coro } from "../task/yield_protocol.ts";

/**
 * @throws {TypeError} When `body` is not a function.
 */
export function checkBody(body: unknown, caller: string): void {
  if (typeof body !== "function") {
    throw new TypeError(
      `${caller} expects a body: a generator function (function* () { ... }), got ${describeValue(body)}`,
    );
  }
}

/**
 * @returns `awaitable` when `yield*` can wait on it.
 * @throws {TypeError} When the body returned something else (a promise, a value).
 */
export function bodyResult<R>(awaitable: Coro<R>, caller: string): Coro<R> {
  const candidate = awaitable as Partial<Coro<R>> | null;
  if (
    typeof candidate === "object" && candidate !== null && typeof candidate.next === "function" &&
    typeof candidate[Symbol.iterator] === "function"
  ) return awaitable;
  const hint = typeof (candidate as PromiseLike<R> | null)?.then === "function"
    ? "an async function cannot be a body: write a generator function and `yield* fromPromise(p)` inside it"
    : "write the body as a generator function: function* () { ... }";
  throw new TypeError(`${caller}'s body returned ${describeValue(awaitable)}; ${hint}`);
}
