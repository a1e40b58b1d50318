/**
 * Handles: what `callSoon`, `callLater` and `callAt` return.
 *
 * A handle owns a callback and its arguments until it runs or is cancelled.
 * Cancelling drops both (as asyncio does) so they can be collected while the
 * handle still sits in the ready queue or the timer heap; the loop skips it
 * when its turn comes.
 *
 * A handle runs its callback in a copy of the context current when it was
 * made (asyncio's `call_soon(..., context=copy_context())`): the handle is
 * that copy, so what the callback sets stays in it.
 *
 * Invariant: `#callback === null` exactly when the handle was cancelled.
 *
 * @module
 */

import { creationSite } from "../_creation_site.ts";
import { safeLabel } from "../_describe.ts";
import { printsAsToString } from "../_inspect.ts";
import { formatTime } from "./clock.ts";
import { type ContextVars, currentVars, enterCallback, leaveCallback } from "./context.ts";

/** A function a loop calls back later, with the arguments it was scheduled with. */
// deno-lint-ignore no-explicit-any -- a callback's arguments are whatever its caller passed
export type Callback = (...args: any[]) => unknown;

const NO_ARGS: readonly unknown[] = Object.freeze([]);

/**
 * The part of a loop that a timer handle reports its cancellation to. A loop
 * fits by shape, with no `implements` clause, so that no public class names
 * this internal type; `tests/types/roles.test.ts` holds `BaseEventLoop` to it.
 */
export interface TimerOwner {
  /** @internal Called once when a handle that is in the heap is cancelled. */
  _timerCancelled(): void;
}

/**
 * A callback scheduled with `loop.callSoon()`.
 *
 * @example Cancelling a scheduled callback
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { EventLoop } from "yieldio";
 * const loop = new EventLoop({ clock: "virtual" });
 * const calls: string[] = [];
 * const handle = loop.callSoon(() => calls.push("never"));
 * loop.callSoon(() => calls.push("runs"));
 * handle.cancel();
 * loop.runOnce();
 * assertEquals([calls, handle.cancelled()], [["runs"], true]);
 * ```
 */
export class Handle {
  #callback: Callback | null;
  #args: readonly unknown[];
  /** @internal The context the callback runs in: a copy of the one current when the handle was made. */
  _vars: ContextVars = currentVars();

  /**
   * A handle for `callback(...args)`, to run in a copy of the current
   * context. Loops make them (`callSoon()`); one made by hand is scheduled
   * nowhere, so it never runs.
   *
   * @param callback Called as `callback(...args)` when the handle runs.
   * @param args The arguments to pass.
   */
  constructor(callback: Callback, args: readonly unknown[]) {
    this.#callback = callback;
    this.#args = args.length === 0 ? NO_ARGS : args;
  }

  /** Stops the callback from running; a no-op when it already ran or was cancelled. */
  cancel(): void {
    if (this.#callback === null) return;
    this.#callback = null;
    this.#args = NO_ARGS;
  }

  /**
   * Like asyncio's `Handle.cancelled()`.
   * @returns Whether `cancel()` was called.
   */
  cancelled(): boolean {
    return this.#callback === null;
  }

  /** @internal Runs the callback unless cancelled; errors propagate to the loop. */
  _run(): void {
    const callback = this.#callback;
    if (callback === null) return;
    const args = this.#args;
    // No `finally`: the ready phase ends the context of a callback that threw.
    enterCallback(this._vars);
    if (args.length === 0) callback(); // a plain call is much cheaper than a spread of nothing
    else callback(...args);
    leaveCallback();
  }

  /** The callback's name, for messages: `fn`, or `<anonymous>`. */
  get callbackName(): string {
    return describeCallback(this.#callback);
  }

  /**
   * Describes the handle for messages and `console.log`.
   * @returns A description like `<Handle tick()>`, or `<Handle cancelled>`.
   */
  toString(): string {
    return this.#callback === null ? "<Handle cancelled>" : `<Handle ${this.callbackName}()>`;
  }
}

/**
 * A callback scheduled for a deadline with `loop.callLater()` or
 * `loop.callAt()`.
 *
 * @example The deadline is on the loop's clock
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { EventLoop, sleep } from "yieldio";
 * const loop = new EventLoop({ clock: "virtual" });
 * const seen: number[] = [];
 * const handle = loop.callLater(250, () => seen.push(loop.time()));
 * await loop.runUntilComplete(sleep(300));
 * assertEquals([handle.when(), seen], [250, [250]]);
 * ```
 */
export class TimerHandle extends Handle {
  #when: number;
  #owner: TimerOwner;
  /** @internal Maintained by the timer heap. */
  _inHeap = false;

  /**
   * A timer handle for `callback(...args)` at `when`. Loops make them
   * (`callLater()`, `callAt()`) and put them in their timer heap; one made by
   * hand is in no heap, so it never runs.
   *
   * @param when The deadline on the owner's clock, in ms.
   * @param callback Called as `callback(...args)` when due.
   * @param args The arguments to pass.
   * @param owner The loop whose heap holds the handle.
   */
  constructor(when: number, callback: Callback, args: readonly unknown[], owner: TimerOwner) {
    super(callback, args);
    this.#when = when;
    this.#owner = owner;
  }

  /**
   * Like asyncio's `TimerHandle.when()`.
   * @returns The absolute deadline, in ms on the loop's clock.
   */
  when(): number {
    return this.#when;
  }

  /** Stops the callback from running; the heap drops the entry lazily. */
  override cancel(): void {
    if (this.cancelled()) return;
    super.cancel();
    if (this._inHeap) this.#owner._timerCancelled();
  }

  /**
   * Describes the handle for messages and `console.log`.
   * @returns A description like `<TimerHandle when=250 tick()>`.
   */
  override toString(): string {
    return this.cancelled()
      ? `<TimerHandle when=${formatTime(this.#when)} cancelled>`
      : `<TimerHandle when=${formatTime(this.#when)} ${this.callbackName}()>`;
  }
}

printsAsToString(Handle);

/** Where user code created each handle, recorded in debug mode only: a WeakMap, so a handle has no field for it. */
const sites = new WeakMap<Handle, string>();

/**
 * Debug mode: records where user code created `handle`.
 * @param ownFrames yieldio's frames between the user's call and this one.
 */
export function noteCreationSite(handle: Handle, ownFrames: number): void {
  const site = creationSite(ownFrames);
  if (site !== undefined) sites.set(handle, site);
}

/** Where `work` (a handle) was created, if it was in debug mode. */
export function creationSiteOf(work: unknown): string | undefined {
  return work instanceof Handle ? sites.get(work) : undefined;
}

/** The ready-queue function for `callSoon` handles and due timers: runs one. */
export function runEntry(entry: { _run(): void }): void {
  entry._run();
}

/** A callback's name for messages and printed handles. */
export function describeCallback(fn: unknown): string {
  try {
    return typeof fn === "function" && typeof fn.name === "string" && fn.name !== ""
      ? safeLabel(fn.name)
      : "<anonymous>";
  } catch {
    return "<anonymous>"; // a revoked Proxy of a function, a name getter that throws
  }
}
