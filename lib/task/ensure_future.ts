/**
 * ensureFuture: turns anything awaitable into a Future — futures as they are,
 * coroutines into tasks, promises into futures that settle with them.
 *
 * @module
 */

import { describeValue, uninspectable } from "../_describe.ts";
import { InvalidStateError } from "../errors.ts";
import type { EventLoop } from "./event_loop.ts";
import { isCoroutine } from "./coroutine.ts";
import { type Awaitable, Future } from "./future.ts";
import { _getRunningLoop } from "./running_loop.ts";
import { LabelledFuture } from "./wait_label.ts";
import type { Coro } from "./yield_protocol.ts";

/**
 * Turns an awaitable into a future (asyncio's `ensure_future()`): whatever
 * it was, the result has done-callbacks, `cancel()` and `result()`.
 *
 * @param awaitable A Future or Task (returned as is), a coroutine (wrapped
 *   in a new Task) or a Promise (wrapped in a Future that settles with it).
 * @param loop The loop to use (default: the running loop).
 * @returns A future of the awaitable's value.
 * @throws {TypeError} For anything else, or a future of another loop.
 * @throws {InvalidStateError} When a loop is needed and none runs, or for a
 *   promise under a blocking driver (which never lets promises settle).
 *
 * @example A promise becomes a future
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { ensureFuture, run } from "yieldio";
 * const value = await run(function* () {
 *   return yield* ensureFuture(Promise.resolve("from a promise"));
 * });
 * assertEquals(value, "from a promise");
 * ```
 */
export function ensureFuture<T>(awaitable: Awaitable<T>, loop?: EventLoop): Future<T> {
  const kind = _awaitableKind(awaitable, "ensureFuture", "a Future, a Task, a coroutine or a Promise");
  if (kind === "future") {
    const future = awaitable as Future<T>;
    if (loop !== undefined && future.getLoop() !== loop) {
      throw new TypeError(`ensureFuture got ${future}, which belongs to another event loop`);
    }
    return future;
  }
  if (kind === "other") {
    throw new TypeError(
      `ensureFuture expects a Future, a Task, a coroutine or a Promise, got ${describeValue(awaitable)}`,
    );
  }
  const target = loop ?? _getRunningLoop("ensureFuture()");
  return kind === "coroutine"
    ? target.createTask(awaitable as Coro<T>)
    : _wrapPromise(target, awaitable as PromiseLike<T>);
}

/** What {@linkcode ensureFuture} makes of a value. */
export type AwaitableKind = "future" | "coroutine" | "promise" | "other";

/**
 * @internal How {@linkcode ensureFuture} treats `value`: kept as a future,
 * run as a coroutine, followed as a promise (anything with a callable
 * `then`), or refused.
 *
 * @param caller Names the function in the error, e.g. `gather`.
 * @param expected What it expects, e.g. `an awaitable at index 2`.
 * @throws {TypeError} When inspecting `value` throws (a revoked Proxy, a
 *   `then` getter that throws): the caller gets a TypeError naming the
 *   value, with what it threw as the `cause`, never that error itself.
 */
export function _awaitableKind(value: unknown, caller: string, expected: string): AwaitableKind {
  try {
    if (value instanceof Future) return "future";
    if (isCoroutine(value)) return "coroutine";
    return typeof (value as PromiseLike<unknown> | null)?.then === "function" ? "promise" : "other";
  } catch (error) {
    throw uninspectable(caller, expected, value, error);
  }
}

interface PromiseLink {
  loop: EventLoop;
  future: Future<unknown>;
  released: boolean;
}

/**
 * @internal A future that settles with `promise`. While the promise is
 * pending the loop holds a ref (a host wake-up is owed), so a virtual clock
 * waits for it instead of jumping past it.
 *
 * A thenable is followed as `await` would follow it: the first call of either
 * callback settles the future and later calls are ignored, and a `then` that
 * throws (or whose getter throws) before settling it fails the future with
 * what it threw. Either way the ref is released exactly once, so a broken
 * thenable can neither freeze virtual time nor hide a deadlock.
 *
 * @param label What a task waiting on the future waits on, in the task tree.
 */
export function _wrapPromise<T>(loop: EventLoop, promise: PromiseLike<T>, label = "a Promise"): Future<T> {
  if (loop._isBlocking()) {
    throw new InvalidStateError(
      "a promise can never settle under runSync(): a loop blocked in Atomics.wait lets no promise " +
        "reaction run on its thread. Use run() (host-driven) to await promises",
    );
  }
  const future = new LabelledFuture<T>(loop, label);
  const link: PromiseLink = { loop, future, released: false };
  loop.ref();
  future._addCallback(releaseRef, link);
  try {
    promise.then(
      (value) => settle(link, RESOLVED, value),
      (error) => settle(link, REJECTED, error),
    );
  } catch (error) {
    settle(link, REJECTED, error);
  }
  return future;
}

const RESOLVED = true, REJECTED = false;

/** Settles the link's future once, from whichever callback (or a throwing `then`) comes first. */
function settle(link: PromiseLink, resolved: boolean, value: unknown): void {
  releaseRef(link);
  const future = link.future;
  if (future.done() || link.loop.isClosed()) return;
  if (resolved) future.setResult(value);
  // undefined reads as "no exception" to a future: say what happened instead.
  else future.setException(value === undefined ? new Error("promise rejected with undefined") : value);
}

function releaseRef(link: PromiseLink): void {
  if (link.released) return;
  link.released = true;
  link.loop.unref();
}
