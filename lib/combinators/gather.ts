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
 * A call allocates the children array (a snapshot of the arguments, each
 * replaced by its future in place), the future it returns and, at the end,
 * the results — and, above {@linkcode SMALL_GATHER} arguments, a Map and one
 * closure (see there).
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { CancelledError } from "../errors.ts";
import type { EventLoop } from "../task/event_loop.ts";
import { ensureFuture } from "../task/ensure_future.ts";
import { type Awaitable, Future, type Waiter } from "../task/future.ts";
import { _getRunningLoop } from "../task/running_loop.ts";
import type { Coro } from "../task/yield_protocol.ts";
import { checkAwaitable, checkOptionsObject, checkSameLoop, isAwaitable, listOf } from "./_checks.ts";
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
/**
 * `gather()` of an array with `returnExceptions: true`: each position holds
 * its result, or the error its awaitable raised.
 *
 * @param awaitables Futures, tasks, coroutines or promises; each position keeps its type.
 * @param options `returnExceptions: true`.
 * @returns A future of the results and errors, in argument order.
 */
export function gather<const A extends readonly Awaitable<unknown>[]>(
  awaitables: A,
  options: GatherOptions & { returnExceptions: true },
): Future<GatherOutcomes<A>>;
/**
 * `gather()` of any iterable of awaitables of one result type.
 *
 * @param awaitables Futures, tasks, coroutines or promises.
 * @param options `returnExceptions` false or absent.
 * @returns A future of the results, in iteration order.
 */
export function gather<T>(
  awaitables: Iterable<Awaitable<T>>,
  options?: GatherOptions & { returnExceptions?: false },
): Future<T[]>;
/**
 * `gather()` of any iterable, where `returnExceptions` may be true: results
 * and errors, in iteration order.
 *
 * @param awaitables Futures, tasks, coroutines or promises.
 * @param options `returnExceptions`.
 * @returns A future of the results, each replaced by its error where one was raised.
 */
export function gather<T>(awaitables: Iterable<Awaitable<T>>, options?: GatherOptions): Future<(T | Error)[]>;
export function gather(awaitables: Iterable<Awaitable<unknown>>, options?: GatherOptions): Future<unknown[]> {
  // The children array: a snapshot of the arguments taken before anything is
  // wrapped (an eager child may change the caller's array), then each
  // argument is replaced by its future in place. The only array gather makes
  // before the results.
  const children = listOf(awaitables, "gather");
  const n = children.length;
  for (let i = 0; i < n; i++) {
    if (!isAwaitable(children[i])) checkAwaitable(children[i], "gather", ` at index ${i}`); // the text only on failure
  }
  const returnExceptions = checkOptions(options);
  // asyncio: the first argument decides the loop; check every future against
  // it before wrapping anything, so a refusal leaves no orphan task behind.
  const first = children[0];
  const loop = first instanceof Future ? first.getLoop() : _getRunningLoop("gather()");
  let allFutures = true;
  for (let i = 0; i < n; i++) {
    const arg = children[i];
    if (!(arg instanceof Future)) allFutures = false;
    else if (arg.getLoop() !== loop) checkSameLoop(arg, loop, "gather", ` at index ${i}`);
  }
  if (n === 0) {
    const empty = loop.createFuture<unknown[]>();
    empty.setResult([]);
    return empty;
  }
  if (!allFutures) wrapInPlace(children, loop);
  return GatheringFuture._watch(loop, children as Future<unknown>[], returnExceptions);
}

/**
 * Up to this many arguments, gather allocates nothing beyond its children
 * array and the future it returns: a repeated coroutine or promise is found
 * by comparing each with the arguments after it (at most n²/2 identity
 * checks), and every child wakes the gather directly, which finds the child
 * with a scan of the n slots. Above it, a Map finds repeats and one closure
 * per gather is the children's done-callback, so the cost stays linear.
 * At most 31: the slots heard from are bits of one int.
 */
const SMALL_GATHER = 16;

/**
 * Replaces every argument with its future, in argument order: a future is
 * its own child; a coroutine or promise is wrapped once (`ensureFuture`), and
 * every place it appears gets that one wrapper.
 */
function wrapInPlace(children: unknown[], loop: EventLoop): void {
  const n = children.length;
  let wrapped: Map<unknown, Future<unknown>> | null = null;
  for (let i = 0; i < n; i++) {
    const arg = children[i];
    if (arg instanceof Future) continue;
    if (n <= SMALL_GATHER) {
      const child = ensureFuture(arg as Awaitable<unknown>, loop);
      for (let k = i; k < n; k++) if (children[k] === arg) children[k] = child;
      continue;
    }
    wrapped ??= new Map();
    let child = wrapped.get(arg);
    if (child === undefined) {
      child = ensureFuture(arg as Awaitable<unknown>, loop);
      wrapped.set(arg, child);
    }
    children[i] = child;
  }
}

function checkOptions(options: GatherOptions | undefined): boolean {
  checkOptionsObject(options, "gather");
  const flag = options?.returnExceptions;
  if (flag !== undefined && typeof flag !== "boolean") {
    throw new TypeError(`gather expects returnExceptions as a boolean, got ${describeValue(flag)}`);
  }
  return flag === true;
}

/**
 * The future `gather` returns: cancelling it cancels the children (asyncio's
 * `_GatheringFuture`).
 *
 * It hears from every slot of its children array, a child passed twice
 * included (its two done-callbacks run back to back, so counting slots
 * completes the gather where counting children would): a small gather is
 * each child's {@linkcode Waiter} and finds the slot whose child just
 * finished; a large one registers one closure.
 */
class GatheringFuture extends Future<unknown[]> implements Waiter {
  /** The children in argument order (a duplicate argument appears twice). */
  #children: Future<unknown>[];
  /** Invariant: the slots not yet heard from; the gather completes, at the latest, when it reaches 0. */
  #pending: number;
  /** Small gathers: bit i is set once slot i was heard from (its done-callback queued or run). */
  #heard = 0;
  #returnExceptions: boolean;
  /** Set when `cancel()` cancelled a child: the gather then ends with CancelledError. */
  #cancelRequested = false;
  #cancelMessage: string | undefined = undefined;

  constructor(loop: EventLoop, children: Future<unknown>[], returnExceptions: boolean) {
    super({ loop });
    this.#children = children;
    this.#pending = children.length;
    this.#returnExceptions = returnExceptions;
  }

  /**
   * @internal Makes the gather of `children` (already wrapped), hears at
   * once from those already done — after every wrapper exists, as asyncio
   * runs the done callbacks of finished children after the outer future
   * exists — and waits for the others.
   */
  static _watch(loop: EventLoop, children: Future<unknown>[], returnExceptions: boolean): GatheringFuture {
    const outer = new GatheringFuture(loop, children, returnExceptions);
    const small = children.length <= SMALL_GATHER;
    const onDone = small ? null : (child: Future<unknown>) => GatheringFuture.#childDone(outer, child);
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      if (child.done()) {
        if (small) outer.#heard |= 1 << i;
        GatheringFuture.#childDone(outer, child);
      } else if (onDone === null) child._addWaiter(outer);
      else child._addCallback(onDone, child);
    }
    return outer;
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
    const children = this.#children;
    for (let i = 0; i < children.length; i++) {
      if (children[i].cancel(message)) cancelled = true;
    }
    if (cancelled) {
      this.#cancelRequested = true;
      this.#cancelMessage = message;
    }
    return cancelled;
  }

  /**
   * @internal A child of a small gather finished (called inside its
   * completion): queue that slot's done-callback, as `_addCallback` would
   * have. Exactly one slot has a finished child not yet heard from.
   */
  _wakeSoon(): void {
    const children = this.#children;
    for (let i = 0; i < children.length; i++) {
      const bit = 1 << i;
      if ((this.#heard & bit) === 0 && children[i].done()) {
        this.#heard |= bit;
        return this.getLoop()._callSoon(GatheringFuture.#slotDone(i), this);
      }
    }
  }

  /** Per slot index, the done-callback `fn(outer)` of that slot: built once, on first use. */
  static #slotCallbacks: ((outer: GatheringFuture) => void)[] | null = null;

  static #slotDone(i: number): (outer: GatheringFuture) => void {
    const callbacks = GatheringFuture.#slotCallbacks ??= Array.from(
      { length: SMALL_GATHER },
      (_, slot) => (outer: GatheringFuture) => GatheringFuture.#childDone(outer, outer.#children[slot]),
    );
    return callbacks[i];
  }

  // Helpers are static, not instance methods: a private instance method
  // would add a brand slot to every gather (see future.ts).

  /** A slot's child is done: asyncio's `_done_callback`. */
  static #childDone(outer: GatheringFuture, child: Future<unknown>): void {
    outer.#pending--;
    if (outer.done()) {
      // A later failure has nowhere to go: it is retrieved, not reported (asyncio).
      if (!child.cancelled()) child._markSeen();
      return;
    }
    if (!outer.#returnExceptions) {
      if (child.cancelled()) return outer._reject(cancelledErrorOf(child));
      const error = errorOf(child);
      if (error !== NO_ERROR) return outer._reject(error);
    }
    if (outer.#pending > 0) return;
    if (outer.#cancelRequested) return outer._reject(new CancelledError(outer.#cancelMessage));
    const children = outer.#children;
    const results = new Array<unknown>(children.length);
    for (let i = 0; i < children.length; i++) {
      try {
        results[i] = children[i].result();
      } catch (error) {
        results[i] = error; // returnExceptions: the child's error, marked retrieved, in its place
      }
    }
    outer._resolve(results);
  }

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
