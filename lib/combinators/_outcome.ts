/**
 * Reading how a done future ended, for the combinators' done-callbacks: the
 * error to re-raise (which marks it retrieved) and the waiter release they
 * share.
 *
 * @module
 */

import { isInstance } from "../_is_instance.ts";
import { CancelledError } from "../errors.ts";
import type { Future } from "../task/future.ts";

/** Returned by {@linkcode errorOf} for a future that finished with a result. */
export const NO_ERROR: unique symbol = Symbol("no error");

/**
 * @returns The error a done future raises from `result()` — its exception,
 *   or its `CancelledError` — or {@linkcode NO_ERROR}. Reading it marks an
 *   exception retrieved. Unlike `exception()`, it tells `throw null` apart
 *   from success.
 */
export function errorOf(future: Future<unknown>): unknown {
  try {
    future.result();
    return NO_ERROR;
  } catch (error) {
    return error;
  }
}

/** @returns The `CancelledError` a cancelled future raises (with its cancel message). */
export function cancelledErrorOf(future: Future<unknown>): CancelledError {
  const error = errorOf(future);
  return isInstance(error, CancelledError) ? error : new CancelledError();
}

/** A done-callback (`fn(arg)` form) that completes a private waiter future once. */
export function releaseWaiter(waiter: Future<void>): void {
  if (!waiter.done()) waiter.setResult(undefined);
}
