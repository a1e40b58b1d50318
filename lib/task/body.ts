/**
 * Bodies: the functions that the generator forms of `async with` run —
 * `timeout(ms, body)`, `taskGroup(body)`, `lock.hold(body)`,
 * `queue.forEach(body)`. A body is a generator function; what it returns
 * must be something `yield*` can wait on. Both checks live here so every
 * layer words its mistakes the same way, at the call.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { isCoroutine } from "./coroutine.ts";
import { Future } from "./future.ts";
import type { Coro } from "./yield_protocol.ts";

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
 * @returns What a body returned, when `yield*` can wait on it: a coroutine
 *   or a future.
 * @throws {TypeError} For anything else (a promise, a plain value), naming the caller.
 */
export function bodyCoroutine<T>(made: unknown, caller: string): Coro<T> {
  let thenable: boolean;
  try {
    if (made instanceof Future || isCoroutine(made)) return made as Coro<T>;
    thenable = typeof (made as PromiseLike<unknown> | null)?.then === "function";
  } catch (cause) {
    throw new TypeError(
      `${caller}'s body returned ${describeValue(made)}, which threw when inspected; ` +
        "write the body as a generator function: function* () { ... }",
      { cause },
    );
  }
  const hint = thenable
    ? "an async function cannot be a body: write a generator function and `yield* fromPromise(p)` inside it"
    : "write the body as a generator function: function* () { ... }";
  throw new TypeError(`${caller}'s body returned ${describeValue(made)}; ${hint}`);
}

/** What {@linkcode holding} holds: a lock or a semaphore. */
export interface Holdable {
  acquire(): Coro<unknown>;
  release(): void;
}

/**
 * `async with owner: body` (`lock.hold(body)`, `sem.hold(body)`,
 * `cond.hold(body)`): acquires, runs the body, and releases in a `finally`,
 * so a body that throws or is cancelled still releases.
 */
export function* holding<R>(owner: Holdable, body: () => Coro<R>, caller: string): Coro<R> {
  checkBody(body, caller);
  yield* owner.acquire();
  try {
    return yield* bodyCoroutine(body(), caller);
  } finally {
    owner.release();
  }
}
