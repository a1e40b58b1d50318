/**
 * The one owner of fairness (Trio's ParkingLot): a FIFO line of waiter
 * futures in which Lock, Semaphore, Condition, Event, Queue and the threads'
 * Channel park tasks. It lives in the task layer so every layer above can
 * share it.
 *
 * A waiter is *pending* (parked), *woken* (its future has a result and its
 * task resumes in a later iteration — "in transit") or *gone* (its task
 * resumed, or it was cancelled while pending). The line holds the pending
 * and the woken ones. Wake-ups always take the first pending waiter, so the
 * line reads woken-first, then pending, each part in arrival order.
 *
 * Two rules make it fair under cancellation, for every primitive at once:
 * - A waiter cancelled while pending leaves the line at once (its future's
 *   `cancel()` unlinks it) and took nothing, so no wake-up is spent on it.
 * - A woken waiter stays in the line until its task resumes. Owners read
 *   `size > 0` as "someone is queued or in transit", which is what stops a
 *   newcomer from barging past a woken waiter (Lock, Semaphore). If the task
 *   is cancelled in the same iteration, after the wake-up but before it
 *   resumed, it does not claim the wake-up: {@linkcode Waiters.wait} then
 *   calls the owner's `onUnclaimed` hook, which passes it on (asyncio's
 *   `_wake_up_first` / `_wake_up_next` after a cancel).
 *
 * Waiter futures are made here, on the loop the owner is bound to: an owner
 * binds to the loop of the first task that has to wait on it (asyncio's
 * `_LoopBoundMixin`); waiting from another loop is an `InvalidStateError`.
 *
 * @module
 */

import { InvalidStateError } from "../errors.ts";
import { _runningLoop } from "../loop/base_event_loop.ts";
import type { EventLoop } from "./event_loop.ts";
import { Future } from "./future.ts";
import { _getRunningLoop } from "./running_loop.ts";
import type { Coro } from "./yield_protocol.ts";

/** What owns a line of waiters: a primitive that names its kind, for the labels of its waits. */
export interface WaitOwner {
  /** @internal The kind of primitive, as its waits are labelled: `Lock`, `Queue`, `BoundedSemaphore`… */
  _waitKind(): string;
}

/**
 * An owner that adds to its waiters' label what a waiter would want to know,
 * e.g. who holds a lock. `Lock` fits by shape, with no `implements` clause,
 * so that no public class names this internal type; `tests/types/roles.test.ts`
 * holds it to it.
 */
export interface WaitDetail {
  /** @internal A few words, or null for nothing to add. */
  _waitDetail(): string | null;
}

/** The loop an owner is bound to; one record shared by all of an owner's lines. */
interface Binding {
  loop: EventLoop | null;
  /** The owner's label in task trees, e.g. `Lock#1`: set when it binds (numbered per loop and kind). */
  label: string;
  /** How many lines the owner has (a Queue has three): then each line's label names its method. */
  lines: number;
}

/** Per loop, how many primitives of each kind have bound to it: their ids are 1, 2, … in binding order. */
const boundCounts = new WeakMap<EventLoop, Map<string, number>>();

/**
 * The label an owner gets when it binds to `loop`: its kind (what it says it
 * is: `Lock`, `Queue`, …) and its number among that loop's primitives of the
 * kind. Per loop, so equal programs get equal labels however many
 * primitives the process made before.
 */
function labelFor(owner: WaitOwner, loop: EventLoop): string {
  const kind = owner._waitKind();
  let counts = boundCounts.get(loop);
  if (counts === undefined) boundCounts.set(loop, counts = new Map());
  const id = (counts.get(kind) ?? 0) + 1;
  counts.set(kind, id);
  return `${kind}#${id}`;
}

/**
 * A future one task waits on in a {@linkcode Waiters} line; it prints what
 * it waits for, so a task's `waiting=` and a deadlock report name the
 * primitive.
 */
class WaiterFuture extends Future<void> {
  /** The line this waiter was made for (kept after it leaves, for printing). */
  readonly _line: Waiters;
  /** Invariant: null unless linked and not the first in its line. */
  _prev: WaiterFuture | null = null;
  /** Invariant: null unless linked and not the tail. */
  _next: WaiterFuture | null = null;
  /** Whether the waiter is in its line. */
  _linked = false;

  constructor(loop: EventLoop, line: Waiters) {
    super({ loop });
    this._line = line;
  }

  /** Cancelled while pending: leave the line at once, having taken nothing. */
  override cancel(message?: string): boolean {
    if (!super.cancel(message)) return false;
    if (this._linked) this._line._unlink(this);
    return true;
  }

  /** Only its line completes a waiter (a stray result would break the line's invariants). */
  override setResult(_value: void): never {
    throw new InvalidStateError(`setResult() on ${this}: a waiter is woken by its primitive`);
  }

  /** Only its line completes a waiter. */
  override setException(_exception: unknown): never {
    throw new InvalidStateError(`setException() on ${this}: a waiter is woken by its primitive`);
  }

  override toString(): string {
    return `<Future ${this._describeState()} ${this._line.what} on ${this._line.owner}>`;
  }

  /** @internal What its task waits on, in the task tree: `Lock#1`, or `Queue#2.get` for an owner with several lines. */
  _waitLabel(): string {
    return this._line.label();
  }
}

/**
 * A FIFO line of waiting tasks: park with `yield* line.wait()`, wake with
 * {@linkcode wakeOne} / {@linkcode wakeAll}.
 */
export class Waiters {
  /** The primitive that owns the line (printed by its waiters). */
  readonly owner: WaitOwner;
  /** What a waiter of this line waits for, e.g. `"acquire()"` (printed by its waiters). */
  readonly what: string;
  #tail: WaiterFuture | null = null;
  /** Invariant: the first pending waiter, or null; every waiter before it is woken. */
  #firstPending: WaiterFuture | null = null;
  /** Invariant: the number of linked waiters, pending and woken. */
  #size = 0;
  #onUnclaimed: (() => void) | null;
  #binding: Binding;

  /**
   * @param owner The primitive (for messages and printing).
   * @param what What its waiters wait for, e.g. `"get()"`.
   * @param onUnclaimed Called when a woken waiter's task does not resume
   *   normally (it was cancelled in the same iteration): passes the wake-up
   *   on. Null when a wake-up is not a resource (Event, join).
   * @param sameLoopAs Another line of the same owner: both bind to one loop.
   */
  constructor(owner: WaitOwner, what: string, onUnclaimed: (() => void) | null, sameLoopAs?: Waiters) {
    this.owner = owner;
    this.what = what;
    this.#onUnclaimed = onUnclaimed;
    this.#binding = sameLoopAs === undefined ? { loop: null, label: "", lines: 0 } : sameLoopAs.#binding;
    this.#binding.lines++;
  }

  /**
   * @returns How the task tree names this line's waits: `Lock#1`, `Queue#2.get` (once bound to a loop),
   *   followed by what the owner says of itself now, e.g. `Lock#1 (held by producer)`.
   */
  label(): string {
    const { label, lines } = this.#binding;
    const line = lines > 1 ? `${label}.${this.what.replace("()", "")}` : label;
    const detail = (this.owner as Partial<WaitDetail>)._waitDetail?.() ?? null;
    return detail === null ? line : `${line} (${detail})`;
  }

  /** @returns How many waiters are in the line: pending, or woken and not yet resumed. */
  get size(): number {
    return this.#size;
  }

  /**
   * Parks the calling task at the back of the line until it is woken.
   *
   * @throws {CancelledError} When the task is cancelled while waiting.
   * @throws {InvalidStateError} Outside a running loop, or on a loop other
   *   than the one the owner is bound to.
   */
  *wait(): Coro<void> {
    const waiter = new WaiterFuture(this.loop(), this);
    this.#append(waiter);
    let claimed = false;
    try {
      yield* waiter;
      claimed = true;
    } finally {
      if (waiter._linked) this._unlink(waiter);
      // Woken, but the task is leaving by an exception (or was closed): the
      // wake-up was not used, so it goes to whoever can use it.
      if (!claimed && waiter.done() && !waiter.cancelled()) this.#onUnclaimed?.();
    }
  }

  /** Wakes the first pending waiter. @returns Whether there was one. */
  wakeOne(): boolean {
    const waiter = this.#firstPending;
    if (waiter === null) return false;
    this.#firstPending = waiter._next;
    waiter._resolve(undefined);
    return true;
  }

  /** Wakes up to `n` pending waiters, first come first woken. @returns How many. */
  wakeMany(n: number): number {
    let woken = 0;
    while (woken < n && this.wakeOne()) woken++;
    return woken;
  }

  /** Wakes every pending waiter. */
  wakeAll(): void {
    while (this.wakeOne());
  }

  /** @internal Takes a waiter out of the line (it resumed, or was cancelled). */
  _unlink(waiter: WaiterFuture): void {
    const prev = waiter._prev, next = waiter._next;
    if (prev !== null) prev._next = next;
    if (next === null) this.#tail = prev;
    else next._prev = prev;
    if (this.#firstPending === waiter) this.#firstPending = next;
    waiter._prev = waiter._next = null;
    waiter._linked = false;
    this.#size--;
  }

  #append(waiter: WaiterFuture): void {
    const tail = this.#tail;
    waiter._prev = tail;
    if (tail !== null) tail._next = waiter;
    this.#tail = waiter;
    waiter._linked = true;
    if (this.#firstPending === null) this.#firstPending = waiter;
    this.#size++;
  }

  /**
   * Checks, before an owner changes state on the way to {@linkcode wait},
   * that waiting is possible here: a loop runs and it is the owner's.
   *
   * @returns The running loop (now the owner's, if it was not bound yet).
   * @throws {InvalidStateError} Outside a running loop, or on another loop.
   */
  loop(): EventLoop {
    // The message is built only when there is no loop: printing the owner on every wait would show in profiles.
    const loop = (_runningLoop() as EventLoop | null) ?? _getRunningLoop(`${this.what} on ${this.owner}`);
    const bound = this.#binding.loop;
    if (bound === null) {
      this.#binding.loop = loop;
      this.#binding.label = labelFor(this.owner, loop);
    } else if (bound !== loop) {
      throw new InvalidStateError(
        `${this.what} on ${this.owner} from ${loop}: it is bound to another loop, ${bound}, the loop of the ` +
          "first task that waited on it; make one per loop",
      );
    }
    return loop;
  }
}
