/**
 * The one way the I/O layer waits for the host: a future that a host
 * callback settles, holding a loop ref while it is pending.
 *
 * Invariant: a loop ref is held exactly while a coroutine waits on a host
 * event, so a virtual clock does not jump past I/O in flight and a loop with
 * an idle socket (nobody reading) is not kept from finding a deadlock.
 *
 * @module
 */

import { InvalidStateError } from "../errors.ts";
import type { EventLoop } from "../task/event_loop.ts";
import type { Future } from "../task/future.ts";

/**
 * @internal A future on `loop` for a host callback to settle; holds
 * `loop.ref()` until it is done. Refused on a blocking loop (`runSync`),
 * where no host callback can run while the loop waits, so it would hang.
 */
export function _hostFuture<T>(loop: EventLoop): Future<T> {
  if (loop._isBlocking()) {
    throw new InvalidStateError(
      "I/O needs a host-driven loop: under runSync() no host callback can run while the loop waits. Use run()",
    );
  }
  const future = loop.createFuture<T>();
  loop.ref();
  future.addDoneCallback(() => loop.unref());
  return future;
}

/** @internal Settles `future` with `value` unless it is done (cancelled) or its loop closed. */
export function _settle<T>(future: Future<T> | null, value: T): void {
  if (future !== null && !future.done() && !future.getLoop().isClosed()) future.setResult(value);
}
