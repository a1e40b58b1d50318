/**
 * gather: run awaitables concurrently and collect their results in argument
 * order (asyncio's `gather`).
 *
 * The result is a {@linkcode Future} of a subclass whose `cancel()` cancels
 * the children instead of the future itself, so a gather never ends in the
 * `cancelled` state: a cancelled child, or a cancelled gather, finishes it
 * with a `CancelledError` *exception* (asyncio finding 6). Children already
 * done at the call are counted at once, so gathering only finished futures
 * gives a finished future.
 *
 * Invariant: the outer future completes exactly once — on the first error
 * (unless `returnExceptions`) or when every child is done — and each child's
 * exception is read (marked retrieved) exactly when the outer takes it or,
 * once the outer is done, when the child finishes.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { CancelledError } from "../errors.ts";
import type { EventLoop } from "../task/event_loop.ts";
import { ensureFuture } from "../task/ensure_future.ts";
import { type Awaitable, Future } from "../task/future.ts";
import { _getRunningLoop } from "../task/running_loop.ts";
import type { Coro } from "../task/yield_protocol.ts";
import { checkAwaitable, checkOptionsObject, checkSameLoop, listOf } from "./_checks.ts";
import { cancelledErrorOf, errorOf, NO_ERROR } from "./_outcome.ts";

/** The value `yield*` gives for an awaitable of type `A`: `ResultOf<Task<string>>` is `string`. */
export type ResultOf<A> = A extends Future<infer T> ? T
  : A extends Coro<infer T> ? T
  : A extends PromiseLike<infer T> ? T
  : never;

/** What `gather` gives for a tuple of awaitables: each position's result type. */
export type GatherResults<A extends readonly unknown[]> = { -readonly [K in keyof A]: ResultOf<A[K]> };

/**
 * What `gather(..., { returnExceptions: true })` gives: each position's
 * result, or the error it raised (typed `Error`; a non-Error thrown value is
 * passed through as it is).
 */
export type GatherOutcomes<A extends readonly unknown[]> = { -readonly [K in keyof A]: ResultOf<A[K]> | Error };

/** Options for {@linkcode gather}. */
export interface GatherOptions {
  /**
   * Put each child's error (or `CancelledError`) in its place in the results
   * instead of failing the gather on the first one. Default false.
   */
  returnExceptions?: boolean;
}

/**
 * Runs awaitables concurrently and returns a future of their results, in
 * argument order. Coroutines and promises are wrapped (`ensureFuture`); the
 * same awaitable passed twice is wrapped once and its result appears twice.
 *
 * Without `returnExceptions`, the first child error fails the gather at once
 * (the other children keep running). Cancelling the gather cancels every
 * child that is not done; the gather then ends with a `CancelledError`
 * exception, whatever `returnExceptions` says. A child that is cancelled on
 * its own ends the gather the same way (or, with `returnExceptions`, puts a
 * `CancelledError` in its place).
 *
 * @param awaitables Futures, tasks, coroutines or promises (an array keeps
 *   each position's type).
 * @param options `returnExceptions`.
 * @returns A future of the results array.
 * @throws {TypeError} When `awaitables` is not an iterable of awaitables, or
 *   mixes futures of different loops.
 * @throws {InvalidStateError} When a coroutine or promise must be wrapped and
 *   no loop is running.
 *
 * @example Results come back in argument order, whoever finishes first
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createTask, gather, getRunningLoop, run, sleep } from "yieldio";
 * const [results, t] = await run(function* () {
 *   const slow = createTask(sleep(30, "slow"));
 *   const results = yield* gather([slow, sleep(10, 42)]); // [string, number]
 *   return [results, getRunningLoop().time()];
 * }, { clock: "virtual" });
 * assertEquals([results, t], [["slow", 42], 30]);
 * ```
 *
 * @example Errors in place with returnExceptions
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { gather, run, sleep } from "yieldio";
 * function* failing(): Generator<unknown, number, unknown> {
 *   yield* sleep(5);
 *   throw new RangeError("no");
 * }
 * const results = await run(function* () {
 *   return yield* gather([sleep(10, 1), failing()], { returnExceptions: true });
 * }, { clock: "virtual" });
 * assertEquals(results, [1, new RangeError("no")]);
 * ```
 */
export function gather<const A extends readonly Awaitable<unknown>[]>(
  awaitables: A,
  options?: GatherOptions & { returnExceptions?: false },
): Future<GatherResults<A>>;
export function gather<const A extends readonly Awaitable<unknown>[]>(
  awaitables: A,
  options: GatherOptions & { returnExceptions: true },
): Future<GatherOutcomes<A>>;
export function gather<T>(
  awaitables: Iterable<Awaitable<T>>,
  options?: GatherOptions & { returnExceptions?: false },
): Future<T[]>;
export function gather<T>(awaitables: Iterable<Awaitable<T>>, options?: GatherOptions): Future<(T | Error)[]>;
export function gather(awaitables: Iterable<Awaitable<unknown>>, options?: GatherOptions): Future<unknown[]> {
  const args = listOf(awaitables, "gather");
  args.forEach((arg, i) => checkAwaitable(arg, "gather", ` at index ${i}`));
  const returnExceptions = checkOptions(options);
  // asyncio: the first argument decides the loop; check every future against
  // it before wrapping anything, so a refusal leaves no orphan task behind.
  const first = args[0];
  const loop = first instanceof Future ? first.getLoop() : _getRunningLoop("gather()");
  args.forEach((arg, i) => checkSameLoop(arg, loop, "gather", ` at index ${i}`));
  if (args.length === 0) {
    const empty = loop.createFuture<unknown[]>();
    empty.setResult([]);
    return empty;
  }
  const wrapped = new Map<unknown, Future<unknown>>();
  const children = args.map((arg) => {
    let child = wrapped.get(arg);
    if (child === undefined) {
      child = ensureFuture(arg as Awaitable<unknown>, loop);
      wrapped.set(arg, child);
    }
    return child;
  });
  const outer = new GatheringFuture(loop, children, wrapped.size, returnExceptions);
  const doneAlready: Future<unknown>[] = [];
  for (const child of wrapped.values()) {
    if (child.done()) doneAlready.push(child);
    else child._addCallback(outer._childDone, child);
  }
  // Counted only now that every callback is in place, so the count is complete
  // (asyncio: the done callbacks of finished children run after outer exists).
  for (const child of doneAlready) outer._childDone(child);
  return outer;
}

function checkOptions(options: GatherOptions | undefined): boolean {
  checkOptionsObject(options, "gather");
  const flag = options?.returnExceptions;
  if (flag !== undefined && typeof flag !== "boolean") {
    throw new TypeError(`gather expects returnExceptions as a boolean, got ${describeValue(flag)}`);
  }
  return flag === true;
}

/** The future `gather` returns: cancelling it cancels the children (asyncio's `_GatheringFuture`). */
class GatheringFuture extends Future<unknown[]> {
  /** The children in argument order (a duplicate argument appears twice). */
  #children: Future<unknown>[];
  /** Invariant: how many distinct children there are; `#finished` reaches it once. */
  #count: number;
  #finished = 0;
  #returnExceptions: boolean;
  /** Set when `cancel()` cancelled a child: the gather then ends with CancelledError. */
  #cancelRequested = false;
  #cancelMessage: string | undefined = undefined;

  constructor(loop: EventLoop, children: Future<unknown>[], count: number, returnExceptions: boolean) {
    super({ loop });
    this.#children = children;
    this.#count = count;
    this.#returnExceptions = returnExceptions;
  }

  /**
   * Cancels every child that is not done (asyncio: the gather itself is not
   * cancelled; it ends with a `CancelledError` exception once they are done).
   *
   * @param message Passed to each child's `cancel()` and to the final error.
   * @returns Whether any child was cancelled.
   */
  override cancel(message?: string): boolean {
    if (this.done()) return super.cancel(message); // false; marks an exception retrieved, like any future
    let cancelled = false;
    for (const child of this.#children) {
      if (child.cancel(message)) cancelled = true;
    }
    if (cancelled) {
      this.#cancelRequested = true;
      this.#cancelMessage = message;
    }
    return cancelled;
  }

  /** @internal A child is done: the done-callback, bound once per gather. */
  readonly _childDone = (child: Future<unknown>): void => {
    this.#finished++;
    if (this.done()) {
      // A later failure has nowhere to go: it is retrieved, not reported (asyncio).
      if (!child.cancelled()) child._markSeen();
      return;
    }
    if (!this.#returnExceptions) {
      if (child.cancelled()) return this._reject(cancelledErrorOf(child));
      const error = errorOf(child);
      if (error !== NO_ERROR) return this._reject(error);
    }
    if (this.#finished < this.#count) return;
    if (this.#cancelRequested) return this._reject(new CancelledError(this.#cancelMessage));
    this._resolve(this.#children.map((done) => {
      const error = errorOf(done);
      return error === NO_ERROR ? done.result() : error;
    }));
  };

  /** @internal What a task waiting on the gather waits on, in the task tree. */
  _waitLabel(): string {
    return `gather of ${this.#children.length}`;
  }

  /** @internal A task waiting on the gather awaits each child (asyncio 3.14), computed only when read. */
  _awaitedChildren(): Future<unknown>[] {
    return this.#children;
  }

  /** @returns A description like `<GatheringFuture pending children=3>`. */
  override toString(): string {
    return `<GatheringFuture ${this._describeState()} children=${this.#children.length}>`;
  }
}
