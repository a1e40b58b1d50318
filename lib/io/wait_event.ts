/**
 * waitEvent: wait for one event from an `EventTarget` or a Node
 * `EventEmitter`, with the listener removed on every path: the event came,
 * the emitter failed, or the waiting task was cancelled.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { getRunningLoop } from "../task/running_loop.ts";
import type { Coro } from "../task/yield_protocol.ts";
import { _hostFuture, _settle } from "./_host_future.ts";
import { _isEmitter, _listen } from "./_listen.ts";
import { _track, _untrack } from "./_resources.ts";

/** Something that dispatches events: a DOM `EventTarget` or a Node `EventEmitter`. */
export type EventSource = EventTarget | {
  on(type: string, listener: (...args: unknown[]) => void): unknown;
  off?(type: string, listener: (...args: unknown[]) => void): unknown;
  removeListener?(type: string, listener: (...args: unknown[]) => void): unknown;
};

/** Options for {@linkcode waitEvent}. */
export interface WaitEventOptions<T> {
  /** Keep waiting until an event passes this test. */
  filter?: (event: T) => boolean;
}

/**
 * Waits for the next `type` event of `target`. For an `EventEmitter` the
 * value is the listener's first argument, and an `error` event while waiting
 * raises its error (as Node's `events.once`).
 *
 * @param target A DOM `EventTarget` (an `AbortSignal`, a `WebSocket`, an element) or a Node `EventEmitter`.
 * @param type The event type.
 * @param options A `filter` for the events to accept.
 * @returns A coroutine of the event (or the emitter's first argument).
 * @throws {TypeError} When `target` is neither kind, or `type` not a string.
 * @throws The emitter's error, when it emits `error` while waiting.
 *
 * @example Waiting for an event; the listener is gone afterwards
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createTask, run, sleep } from "yieldio";
 * import { waitEvent } from "yieldio/io";
 * const target = new EventTarget();
 * const type = await run(function* () {
 *   const waiting = createTask(waitEvent<CustomEvent>(target, "ping"));
 *   yield* sleep(0);
 *   target.dispatchEvent(new CustomEvent("ping", { detail: 42 }));
 *   const event = yield* waiting;
 *   return `${event.type} ${event.detail}`;
 * });
 * assertEquals(type, "ping 42");
 * ```
 */
export function* waitEvent<T = Event>(target: EventSource, type: string, options?: WaitEventOptions<T>): Coro<T> {
  const filter = options?.filter;
  if (filter !== undefined && typeof filter !== "function") {
    throw new TypeError(`waitEvent's filter must be a function, got ${describeValue(filter)}`);
  }
  const loop = getRunningLoop();
  const future = _hostFuture<{ value: T } | { error: unknown }>(loop);
  const remove = _listen(target, type, (value) => {
    if (filter === undefined || filter(value as T)) _settle(future, { value: value as T });
  }, "waitEvent");
  const removeError = _isEmitter(target) && type !== "error"
    ? _listen(target, "error", (error) => _settle(future, { error }), "waitEvent")
    : null;
  const resource = { toString: () => `<listener for "${type}" events>`, close: () => future.cancel() };
  _track(loop, resource);
  try {
    const outcome = yield* future;
    if ("error" in outcome) throw outcome.error;
    return outcome.value;
  } finally {
    remove();
    removeError?.();
    _untrack(loop, resource);
  }
}
