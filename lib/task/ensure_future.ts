/**
 * ensureFuture: turns anything awaitable into a Future — futures as they are,
 * coroutines into tasks, promises into futures that settle with them.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { InvalidStateError } from "../errors.ts";
import type { EventLoop } from "./event_loop.ts";
import { isCoroutine } from "./coroutine.ts";
import { type Awaitable, Future } from "./future.ts";
import { _getRunningLoop } from "./running_loop.ts";
import { LabelledFuture } from "./wait_label.ts";
import type { Coro } from "./yield_protocol.ts";

/**
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
  if (awaitable instanceof Future) {
    if (loop !== undefined && awaitable.getLoop() !== loop) {
      throw new TypeError(`ensureFuture got ${awaitable}, which belongs to another event loop`);
    }
    return awaitable;
  }
  const coroutine = isCoroutine(awaitable);
  if (!coroutine && typeof (awaitable as PromiseLike<T> | null)?.then !== "function") {
    // asyncio: the argument is checked before a loop is looked for, so a bad value never reads as "no loop".
    throw new TypeError(
      `ensureFuture expects a Future, a Task, a coroutine or a Promise, got ${describeValue(awaitable)}`,
    );
  }
  const target = loop ?? _getRunningLoop("ensureFuture()");
  if (coroutine) return target.createTask(awaitable as Coro<T>);
  return _wrapPromise(target, awaitable as PromiseLike<T>);
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
 */
export function _wrapPromise<T>(loop: EventLoop, promise: PromiseLike<T>): Future<T> {
  if (loop._isBlocking()) {
    throw new InvalidStateError(
      "a promise can never settle under runSync(): a loop blocked in Atomics.wait lets no promise " +
        "reaction run on its thread. Use run() (host-driven) to await promises",
    );
  }
  const future = new LabelledFuture<T>(loop, "a Promise");
  const link: PromiseLink = { loop, future, released: false };
  loop.ref();
  future._addCallback(releaseRef, link);
  promise.then(
    (value) => {
      releaseRef(link);
      if (!future.done() && !loop.isClosed()) future.setResult(value);
    },
    (error) => {
      releaseRef(link);
      if (!future.done() && !loop.isClosed()) future.setException(error ?? new Error(`promise rejected with ${error}`));
    },
  );
  return future;
}

function releaseRef(link: PromiseLink): void {
  if (link.released) return;
  link.released = true;
  link.loop.unref();
}
