/**
 * Coroutines yieldio made that nobody drove: the classic bug is `sleep(5)`
 * written without `yield*` — a coroutine object is created and dropped, and
 * nothing waits. Python warns "coroutine was never awaited"; JavaScript has
 * no such hook for generators, so yieldio tracks its own coroutine objects
 * (`sleep()`, `fromPromise()`, and the primitives' waits) while a loop asks
 * for it: in debug mode, and under the testing kit's sanitizer.
 *
 * Tracking is off by default and then costs one null check at creation.
 * Records hold the coroutine weakly; one created and collected without being
 * driven is still reported at close, by its label and creation site.
 *
 * @module
 */

import { deferredCreationSite } from "../_creation_site.ts";
import { _runningLoop } from "../loop/base_event_loop.ts";
import type { EventLoop } from "./event_loop.ts";
import type { Coro } from "./yield_protocol.ts";

/** A coroutine created while tracking, not driven yet. */
export interface UndrivenCoroutine {
  /** What it is, e.g. `sleep(5)`. */
  readonly label: string;
  /** Where user code created it (`file:line:column`), when known. */
  readonly createdAt: string | undefined;
}

/** @internal The coroutines a loop saw created and not yet driven. */
export class UndrivenTracker {
  /** The records, in creation order; they never point at the coroutine itself. */
  #records = new Set<UndrivenCoroutine>();
  #recordOf = new WeakMap<object, UndrivenCoroutine>();

  /** Records `coro` as created; `ownFrames`: yieldio's frames between the user's code and this call. */
  created(coro: object, label: string, ownFrames?: number): void {
    // Formatted only if reported: the sanitizer records every sleep() of a test.
    const site = deferredCreationSite(ownFrames);
    const record = {
      label,
      get createdAt() {
        return site();
      },
    };
    this.#records.add(record);
    this.#recordOf.set(coro, record);
  }

  /** `coro` was driven (its first `next()`, `throw()` or `return()`). */
  driven(coro: object): void {
    const record = this.#recordOf.get(coro);
    if (record === undefined) return;
    this.#records.delete(record);
    this.#recordOf.delete(coro);
  }

  /** @returns The coroutines created and never driven, in creation order. */
  pending(): UndrivenCoroutine[] {
    return [...this.#records];
  }

  /**
   * {@linkcode describeUndriven}, as a method: the testing kit's bundle
   * reaches the core through the tracker, not through an import.
   */
  describe(record: UndrivenCoroutine, withSite = true): string {
    return describeUndriven(record, withSite);
  }

  /** Forgets everything (after a report). */
  clear(): void {
    this.#records.clear();
  }
}

/**
 * @internal The one sentence every report of an undriven coroutine uses (at
 * close, in `inspect()`, in the sanitizer), with its creation site unless the
 * report carries the site apart (`withSite` false).
 */
export function describeUndriven({ label, createdAt }: UndrivenCoroutine, withSite = true): string {
  const site = withSite && createdAt !== undefined ? ` at ${createdAt}` : "";
  return `${label} was created${site} but never driven: did you forget \`yield*\`?`;
}

/** The tracker of the running loop, when it tracks; else null. */
function undrivenTracker(): UndrivenTracker | null {
  return (_runningLoop() as EventLoop | null)?._undriven ?? null;
}

/**
 * @internal Returns `coro`, recorded as created when the running loop tracks
 * undriven coroutines: then wrapped, so its first resumption marks it driven.
 * With tracking off, `coro` itself (one null check). It is named `label`, or
 * `label(argument)` when an argument is given (`sleep(5)`).
 */
export function trackUndriven<T>(coro: Coro<T>, label: string, argument?: number): Coro<T> {
  const tracker = undrivenTracker();
  if (tracker === null) return coro;
  const tracked = new TrackedCoro(coro, tracker);
  // User code → sleep()/fromPromise() → trackUndriven() → created(): two of ours above created().
  // `label(argument)` is built only here, so an untracked sleep() makes no string.
  tracker.created(tracked, argument === undefined ? label : `${label}(${argument})`, 2);
  return tracked;
}

/** A coroutine that tells its tracker when it is first resumed. */
class TrackedCoro<T> implements Coro<T> {
  #inner: Coro<T>;
  #tracker: UndrivenTracker | null;

  constructor(inner: Coro<T>, tracker: UndrivenTracker) {
    this.#inner = inner;
    this.#tracker = tracker;
  }

  [Symbol.iterator](): Coro<T> {
    return this;
  }

  next(...args: [] | [unknown]): IteratorResult<unknown, T> {
    this.#drive();
    return this.#inner.next(...args);
  }

  throw(error: unknown): IteratorResult<unknown, T> {
    this.#drive();
    return this.#inner.throw(error);
  }

  return(value: T): IteratorResult<unknown, T> {
    this.#drive();
    return this.#inner.return(value);
  }

  #drive(): void {
    if (this.#tracker === null) return;
    this.#tracker.driven(this);
    this.#tracker = null;
  }
}
