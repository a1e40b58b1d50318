/**
 * The argument and state checks of the scheduling calls (`callSoon`,
 * `callLater`, `callAt` and the internal queues), so every one of them fails
 * with the same typed error and message shape.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { InvalidStateError } from "../errors.ts";

/** @internal The error every scheduling call on a closed loop throws. */
export function closedError(): InvalidStateError {
  return new InvalidStateError("the event loop is closed");
}

/** @internal The TypeError for a callback that is not a function. */
export function notAFunction(callback: unknown, method: string): TypeError {
  return new TypeError(`${method} expects a function to call, got ${describeValue(callback)}`);
}

/** @internal Refuses a delay or deadline that is not a number (TypeError) or is NaN (RangeError). */
export function checkTime(value: unknown, method: string, name: string): void {
  if (typeof value !== "number") {
    throw new TypeError(`${method} expects ${name} as a number of ms, got ${describeValue(value)}`);
  }
  if (Number.isNaN(value)) throw new RangeError(`${method} got NaN for ${name}; pass a number of ms`);
}
