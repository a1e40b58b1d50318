/**
 * Future: a result that will exist later, and the callbacks waiting for it.
 *
 * An explicit state machine (asyncio's `futures.py`): a future starts
 * `pending` and moves once to `finished` (with a result or an exception) or to
 * `cancelled`; every mutator checks the state and throws
 * `InvalidStateError` naming it. Completing a future never calls anything
 * synchronously: each done-callback is queued with the loop's `callSoon`, in
 * registration order (asyncio: done callbacks go through `call_soon`).
 *
 * Done-callbacks are `(fn, arg)` pairs, called as `fn(arg)`: a public
 * callback is `(fn, this future)`, a task waiting on the future is
 * `(wakeTask, task)`. The first pair lives in two fields; only a second pair
 * allocates an array. That keeps a waited-on future at five fields and makes a
 * task wake-up cost one ready-queue push.
 *
 * A future is its own `yield*` iterator: pending, `next()` yields it to the
 * Task (through {@linkcode AWAIT_FUTURE}); done, it returns `result()`.
 *
 * @module
 */

import { describeValue, formatShort } from "../_describe.ts";
import { printsAsToString } from "../_inspect.ts";
import { CancelledError, InvalidStateError } from "../errors.ts";
import {
  Context,
  type ContextHolder,
  currentVars,
  enterCallback,
  enterContext,
  leaveCallback,
  leaveContext,
} from "../loop/context.ts";
import type { ReadyFn } from "../loop/ready_queue.ts";
import type { EventLoop } from "./event_loop.ts";
import { _getRunningLoop } from "./running_loop.ts";
import { AWAIT_DONE, AWAIT_FUTURE, type Coro } from "./yield_protocol.ts";

const PENDING = 0, RESULT = 1, EXCEPTION = 2, UNSEEN_EXCEPTION = 3, CANCELLED = 4;
type State = typeof PENDING | typeof RESULT | typeof EXCEPTION | typeof UNSEEN_EXCEPTION | typeof CANCELLED;
const STATE_NAMES = ["pending", "finished", "finished", "finished", "cancelled"] as const;

/** What `ensureFuture` and `runUntilComplete` accept: a future, a coroutine or a promise. */
export type Awaitable<T> = Future<T> | Coro<T> | PromiseLike<T>;

/** Options for {@linkcode Future.addDoneCallback}. */
export interface DoneCallbackOptions {
  /**
   * The context the callback runs in (and sets its variables in); default:
   * a copy of the context current when it was added (asyncio's `context=`).
   */
  context?: Context;
}

/** Options for a new {@linkcode Future}. */
export interface FutureOptions {
  /** The loop the future belongs to; default: the running loop. */
  loop?: EventLoop;
}

/**
 * A placeholder for a result, completed once with `setResult`,
 * `setException` or `cancel`. `yield* fut` waits for it in a coroutine;
 * `await fut` works in async code.
 *
 * @example A future completed by a timer
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { getRunningLoop, run } from "yieldio";
 * const value = await run(function* () {
 *   const fut = getRunningLoop().createFuture<number>();
 *   getRunningLoop().callLater(10, () => fut.setResult(42));
 *   return yield* fut;
 * }, { clock: "virtual" });
 * assertEquals(value, 42);
 * ```
 */
export class Future<T> implements PromiseLike<T> {
  #loop: EventLoop;
  #state: State = PENDING;
  /**
   * Invariant, by state: pending → undefined; result → the result;
   * exception → the exception; cancelled → the cancel message or the
   * `CancelledError` to raise.
   */
  #value: unknown = undefined;
  /**
   * The done-callbacks, in the cheapest form that holds them. Invariant: null
   * (none); a function `f` (one callback, called as `f(this)`); a
   * {@linkcode Waiter} (one task to wake); or an array of every callback as
   * flattened `(fn, arg)` pairs in registration order, where a waiter is the
   * pair `(wakeWaiter, waiter)`.
   */
  #callbacks: ReadyFn | Waiter | unknown[] | null = null;

  /**
   * A pending future (asyncio's `Future(loop=...)`); `loop.createFuture()`
   * is the way to make one outside a running loop.
   *
   * @param options The loop to belong to (default: the running loop).
   * @throws {InvalidStateError} Without a loop option and with no running loop.
   */
  constructor(options?: FutureOptions) {
    this.#loop = options?.loop ?? _getRunningLoop("new Future()");
  }

  /**
   * Like asyncio's `Future.get_loop()`.
   * @returns The loop this future belongs to: its callbacks and waiters run there.
   */
  getLoop(): EventLoop {
    return this.#loop;
  }

  /**
   * Like asyncio's `Future.done()`.
   * @returns Whether the future is finished (with a result or an exception) or cancelled.
   */
  done(): boolean {
    return this.#state !== PENDING;
  }

  /**
   * Like asyncio's `Future.cancelled()`.
   * @returns Whether the future was cancelled.
   */
  cancelled(): boolean {
    return this.#state === CANCELLED;
  }

  /**
   * Reads the outcome of a done future (asyncio's `Future.result()`); in a
   * coroutine, `yield* future` waits for it instead.
   *
   * @returns The result.
   * @throws The future's exception, if it finished with one.
   * @throws {CancelledError} When the future was cancelled.
   * @throws {InvalidStateError} While it is pending.
   */
  result(): T {
    switch (this.#state) {
      case RESULT:
        return this.#value as T;
      case UNSEEN_EXCEPTION:
        Future.#markSeen(this);
        throw this.#value;
      case EXCEPTION:
        throw this.#value;
      case CANCELLED:
        throw Future.#cancelledError(this);
    }
    throw new InvalidStateError(`the result of ${this} is not ready: it is still pending`);
  }

  /**
   * Reads the exception of a done future without raising it (asyncio's
   * `Future.exception()`); it then counts as retrieved, so the loop does not
   * report it as never retrieved.
   *
   * @returns The exception the future finished with, or `null` when it
   *   finished with a result.
   * @throws {CancelledError} When the future was cancelled.
   * @throws {InvalidStateError} While it is pending.
   */
  exception(): unknown {
    switch (this.#state) {
      case RESULT:
        return null;
      case UNSEEN_EXCEPTION:
        Future.#markSeen(this);
        return this.#value;
      case EXCEPTION:
        return this.#value;
      case CANCELLED:
        throw Future.#cancelledError(this);
    }
    throw new InvalidStateError(`the exception of ${this} is not set: it is still pending`);
  }

  /**
   * Finishes the future with `value` and schedules its callbacks.
   *
   * @param value The result.
   * @throws {InvalidStateError} When the future is already done.
   */
  setResult(value: T): void {
    this._resolve(value);
  }

  /**
   * Finishes the future with an exception and schedules its callbacks.
   *
   * @param exception The error (any thrown value except `undefined`).
   * @throws {InvalidStateError} When the future is already done.
   * @throws {TypeError} For `undefined`, which reads as "no exception".
   */
  setException(exception: unknown): void {
    if (exception === undefined) {
      throw new TypeError("setException expects the error to store, got undefined");
    }
    this._reject(exception);
  }

  /**
   * Cancels a pending future: its state becomes `cancelled` and its callbacks
   * are scheduled. Also marks a finished future's exception as retrieved.
   *
   * @param message Passed to the `CancelledError` that `result()` raises.
   * @returns `true` if the future was pending, else `false`.
   */
  cancel(message?: string): boolean {
    if (this.#state === UNSEEN_EXCEPTION) Future.#markSeen(this);
    if (this.#state !== PENDING) return false;
    Future.#finish(this, CANCELLED, message);
    return true;
  }

  /**
   * Registers `fn` to be called with this future once it is done — through
   * the loop's `callSoon`, never synchronously; at once (next iteration) if
   * it is already done. It runs in a copy of the context current now, or in
   * the one given.
   *
   * @param fn Called as `fn(future)`.
   * @param options The context to run it in.
   * @throws {TypeError} When `fn` is not a function, or the context no Context.
   */
  addDoneCallback(fn: (future: this) => void, options?: DoneCallbackOptions): void {
    if (typeof fn !== "function") {
      throw new TypeError(`addDoneCallback expects a function, got ${describeValue(fn)}`);
    }
    const context = options?.context;
    if (context !== undefined && !(context instanceof Context)) {
      throw new TypeError(`addDoneCallback's context option expects a Context, got ${describeValue(context)}`);
    }
    const callback: DoneCallback = { fn, future: this, _vars: currentVars(), context: context ?? null };
    this._addCallback(runDoneCallback, callback);
  }

  /**
   * Removes every registration of `fn` that has not been scheduled yet.
   *
   * @param fn A function given to {@linkcode addDoneCallback}.
   * @returns How many registrations were removed.
   */
  removeDoneCallback(fn: (future: this) => void): number {
    const pairs = Future.#asPairs(this);
    const registrations: DoneCallback[] = [];
    for (let i = 0; i < pairs.length; i += 2) {
      if (pairs[i] === runDoneCallback && (pairs[i + 1] as DoneCallback).fn === fn) {
        registrations.push(pairs[i + 1] as DoneCallback);
      }
    }
    let removed = 0;
    for (const registration of registrations) removed += this._removeCallback(runDoneCallback, registration);
    return removed;
  }

  /**
   * Lets `await fut` work in async functions. Settles at once when the
   * future is already done; otherwise when it completes (the loop must run).
   */
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    const settled = this.#state === PENDING
      ? new Promise<T>((resolve, reject) => this._addCallback(settlePromise, { future: this, resolve, reject }))
      : promiseOf(this);
    return settled.then(onFulfilled, onRejected);
  }

  /** Makes `yield* fut` work: a future is its own iterator. */
  [Symbol.iterator](): Coro<T> {
    return this;
  }

  /** Pending: yield to the Task. Done: return `result()` (or throw). */
  next(): IteratorResult<unknown, T> {
    const state = this.#state;
    if (state === PENDING) {
      AWAIT_FUTURE.value = this;
      return AWAIT_FUTURE;
    }
    AWAIT_DONE.value = state === RESULT ? this.#value : this.result(); // result() raises for the rest
    return AWAIT_DONE as IteratorReturnResult<T>;
  }

  /** An error thrown into a `yield* fut` surfaces at that `yield*`. */
  throw(error: unknown): never {
    throw error;
  }

  /** Closing a `yield* fut` early leaves the future as it is. */
  return(value: T): IteratorResult<unknown, T> {
    return { done: true, value };
  }

  /** @internal Completes with a result (Task uses it for its coroutine's return value). */
  _resolve(value: T): void {
    if (this.#state !== PENDING) throw Future.#alreadyDone(this, "setResult");
    Future.#finish(this, RESULT, value);
  }

  /** @internal Completes with an exception and watches whether anyone retrieves it. */
  _reject(exception: unknown): void {
    if (this.#state !== PENDING) throw Future.#alreadyDone(this, "setException");
    Future.#finish(this, UNSEEN_EXCEPTION, exception);
    this.#loop._exceptionUnseen(this, exception);
  }

  /** @internal Completes as cancelled with the `CancelledError` to raise later. */
  _cancelWith(error: CancelledError): void {
    if (this.#state !== PENDING) throw Future.#alreadyDone(this, "cancel");
    Future.#finish(this, CANCELLED, error);
  }

  /** @internal Registers `fn(arg)` as a done-callback (scheduled at once if done). */
  _addCallback(fn: ReadyFn, arg: unknown): void {
    if (this.#state !== PENDING) return this.#loop._callSoon(fn, arg);
    const callbacks = this.#callbacks;
    if (callbacks === null && arg === this) this.#callbacks = fn;
    else if (Array.isArray(callbacks)) callbacks.push(fn, arg);
    else this.#callbacks = [...Future.#asPairs(this), fn, arg];
  }

  /** @internal Registers a task to wake once this future is done: the hot path of `yield* fut`. */
  _addWaiter(waiter: Waiter): void {
    if (this.#state !== PENDING) return waiter._wakeSoon();
    const callbacks = this.#callbacks;
    if (callbacks === null) this.#callbacks = waiter;
    else if (Array.isArray(callbacks)) callbacks.push(wakeWaiter, waiter);
    else this.#callbacks = [...Future.#asPairs(this), wakeWaiter, waiter];
  }

  /** @internal Forgets a waiter of {@linkcode _addWaiter} (a task leaving an await cycle on cancel). */
  _removeWaiter(waiter: Waiter): void {
    this._removeCallback(wakeWaiter, waiter);
  }

  /** @internal Removes every not-yet-scheduled `(fn, arg)` pair; returns how many. */
  _removeCallback(fn: ReadyFn, arg: unknown): number {
    const pairs = Future.#asPairs(this);
    const kept: unknown[] = [];
    for (let i = 0; i < pairs.length; i += 2) {
      if (pairs[i] !== fn || pairs[i + 1] !== arg) kept.push(pairs[i], pairs[i + 1]);
    }
    const removed = (pairs.length - kept.length) / 2;
    if (removed > 0) this.#callbacks = kept.length === 0 ? null : kept;
    return removed;
  }

  /** @internal Marks an exception as retrieved without raising it. */
  _markSeen(): void {
    if (this.#state === UNSEEN_EXCEPTION) Future.#markSeen(this);
  }

  /** The state, as asyncio names it: `"pending"`, `"finished"` (a result or an exception) or `"cancelled"`. */
  get state(): "pending" | "finished" | "cancelled" {
    return STATE_NAMES[this.#state];
  }

  /**
   * Describes the future for messages and `console.log`.
   * @returns A description like `<Future finished result=42>`.
   */
  toString(): string {
    return `<Future ${this._describeState()}>`; // not constructor.name: minifiers rename classes
  }

  /** @internal The state part of `toString()`, shared with Task. */
  _describeState(): string {
    switch (this.#state) {
      case RESULT:
        return `finished result=${formatShort(this.#value)}`;
      case EXCEPTION:
      case UNSEEN_EXCEPTION:
        return `finished exception=${formatShort(this.#value)}`;
    }
    return STATE_NAMES[this.#state];
  }

  // Helpers are static, not instance methods: a private instance method
  // would add a brand slot (8 bytes) to every future and task.

  static #finish(future: Future<unknown>, state: State, value: unknown): void {
    future.#state = state;
    future.#value = value;
    const callbacks = future.#callbacks;
    if (callbacks === null) return;
    future.#callbacks = null;
    const loop = future.#loop;
    if (typeof callbacks === "function") return loop._callSoon(callbacks, future);
    if (!Array.isArray(callbacks)) return callbacks._wakeSoon();
    for (let i = 0; i < callbacks.length; i += 2) {
      const fn = callbacks[i] as ReadyFn, arg = callbacks[i + 1];
      if (fn === wakeWaiter) (arg as Waiter)._wakeSoon(); // queues the step now, in registration order
      else loop._callSoon(fn, arg);
    }
  }

  /** The callbacks as flattened `(fn, arg)` pairs, whatever form they are kept in. */
  static #asPairs(future: Future<unknown>): unknown[] {
    const callbacks = future.#callbacks;
    if (callbacks === null) return [];
    if (typeof callbacks === "function") return [callbacks, future];
    return Array.isArray(callbacks) ? callbacks : [wakeWaiter, callbacks];
  }

  static #markSeen(future: Future<unknown>): void {
    future.#state = EXCEPTION;
    future.#loop._exceptionSeen(future);
  }

  static #cancelledError(future: Future<unknown>): CancelledError {
    const value = future.#value;
    return value instanceof CancelledError ? value : new CancelledError(value as string | undefined);
  }

  static #alreadyDone(future: Future<unknown>, operation: string): InvalidStateError {
    return new InvalidStateError(
      `${operation}() on ${future}: the future is already ${STATE_NAMES[future.#state]}`,
    );
  }
}

printsAsToString(Future);

/**
 * The function half of a waiter's `(fn, arg)` pair, which marks it: a waiter
 * is woken by queueing its step at once, in registration order (so
 * instruments see it scheduled), not by a ready-queue call of this function.
 */
function wakeWaiter(waiter: Waiter): void {
  waiter._wakeSoon();
}

/** What waits on a future with `yield*`: a task, woken by scheduling its next step. */
export interface Waiter {
  /** @internal Schedules the waiter's next step for the next iteration. */
  _wakeSoon(): void;
}

/** A public done-callback: the function, its future, and the context it runs in. */
interface DoneCallback extends ContextHolder {
  fn: (future: never) => void;
  future: Future<unknown>;
  /** The given context, or null to run in `_vars`, a copy of the context current when it was added. */
  context: Context | null;
}

function runDoneCallback(callback: DoneCallback): void {
  if (callback.context !== null) {
    const outer = enterContext(callback.context);
    try {
      callback.fn(callback.future as never);
    } finally {
      leaveContext(outer);
    }
    return;
  }
  // No `finally`: the ready phase ends the context of a callback that threw.
  enterCallback(callback._vars);
  callback.fn(callback.future as never);
  leaveCallback();
}

interface PromiseBridge {
  future: Future<unknown>;
  resolve(value: unknown): void;
  reject(reason: unknown): void;
}

function settlePromise(bridge: PromiseBridge): void {
  promiseOf(bridge.future).then(bridge.resolve, bridge.reject);
}

function promiseOf<T>(future: Future<T>): Promise<T> {
  try {
    return Promise.resolve(future.result());
  } catch (error) {
    return Promise.reject(error);
  }
}
