/**
 * Listening on either kind of event source: a DOM `EventTarget`
 * (`addEventListener`) or a Node `EventEmitter` (`on`/`off`). A listener
 * gets the event (EventTarget) or the emitter's first argument.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import type { EventSource } from "./wait_event.ts";

/** @internal Adds `listener` for `type` on `source`; returns the function that removes it. */
export function _listen(
  source: EventSource,
  type: string,
  listener: (value: unknown) => void,
  caller: string,
): () => void {
  if (typeof type !== "string") {
    throw new TypeError(`${caller} expects an event type string, got ${describeValue(type)}`);
  }
  const target = source as Partial<EventTarget> & {
    on?: (type: string, fn: (value: unknown) => void) => unknown;
    off?: (type: string, fn: (value: unknown) => void) => unknown;
    removeListener?: (type: string, fn: (value: unknown) => void) => unknown;
  };
  if (typeof target?.addEventListener === "function" && typeof target.removeEventListener === "function") {
    target.addEventListener(type, listener);
    return () => target.removeEventListener!(type, listener);
  }
  const off = target?.off ?? target?.removeListener;
  if (typeof target?.on === "function" && typeof off === "function") {
    target.on(type, listener);
    return () => off.call(target, type, listener);
  }
  throw new TypeError(`${caller} expects an EventTarget or an EventEmitter, got ${describeValue(source)}`);
}

/** @internal Whether `source` is a Node EventEmitter (whose unhandled `error` events throw). */
export function _isEmitter(source: EventSource): boolean {
  return typeof (source as Partial<EventTarget>).addEventListener !== "function";
}
