/**
 * asCompleted: results in the order they finish (asyncio's `as_completed`,
 * in both of its 3.13 forms).
 *
 * Python's plain `for` yields awaitables of the next result; its `async for`
 * yields the finished futures themselves. A generator coroutine has no
 * `async for`, so the second form is `futures()`: the same kind of iterator,
 * whose coroutines resolve to the next finished future (the one passed in,
 * or the task made for a coroutine) instead of its result. Both draw from
 * one count and one FIFO, as Python's single iterator object does.
 *
 * The inputs are wrapped in futures at the call. A done-callback on each one
 * appends it to a FIFO of finished futures; the timer, if any, appends one
 * timeout marker per future still pending instead and stops listening. Each
 * coroutine the iterator hands out takes the next entry of that FIFO, waiting
 * for one if there is none yet — so the n-th coroutine awaited gets the n-th
 * completion, whichever coroutine object it is.
 *
 * Invariant (no lost wake-ups): an entry is taken only by a waiting
 * coroutine; a waiter that was woken but cancelled before it ran passes its
 * wake-up on to the next waiter.
 *
 * @module
 */

import { TimeoutError } from "../errors.ts";
import type { TimerHandle } from "../loop/handle.ts";
import type { EventLoop } from "../task/event_loop.ts";
import { ensureFuture } from "../task/ensure_future.ts";
import type { Awaitable, Future } from "../task/future.ts";
import { _getRunningLoop } from "../task/running_loop.ts";
import type { Coro } from "../task/yield_protocol.ts";
import { LabelledFuture } from "../task/wait_label.ts";
import { checkAwaitable, checkOptionsObject, checkSameLoop, checkTime, listOf } from "./_checks.ts";
import type { ResultOf } from "./gather.ts";

/** Options for {@linkcode asCompleted}. */
export interface AsCompletedOptions {
  /** After this many ms, every coroutine not yet resolved raises `TimeoutError`; `null` (default): no limit. */
  timeout?: number | null;
}

const TIMED_OUT: unique symbol = Symbol("timed out");

/**
 * What {@linkcode asCompleted} returns: an iterator of coroutines of the next
 * result (Python's plain `for`), whose {@linkcode AsCompletedIterator.futures}
 * gives the finished futures themselves instead (Python's `async for`).
 */
export interface AsCompletedIterator<T, F extends Future<T> = Future<T>> extends IterableIterator<Coro<T>> {
  /**
   * The other form of the same iteration (asyncio 3.13's `async for`):
   * coroutines that each resolve to the next future to finish — the future
   * or task passed in, or the task made for a coroutine — without raising
   * its error. After the timeout they raise `TimeoutError`. Shares the count
   * with the plain form: each awaitable is handed out once, by either.
   *
   * @returns An iterator of coroutines, each resolving to the next finished future.
   */
  futures(): IterableIterator<Coro<F>>;
}

/**
 * Starts waiting for every awaitable and returns an iterator of coroutines,
 * one per distinct awaitable: `yield*` the n-th one to get the result of the
 * n-th awaitable to finish (or have its error raised). After `timeout` ms,
 * those not yet resolved raise `TimeoutError`. The awaitables keep running
 * either way; the timer is cancelled once every one has finished.
 *
 * @param awaitables Futures, tasks, coroutines or promises (the same one
 *   twice counts once).
 * @param options `timeout` in ms, or null.
 * @returns An iterator of coroutines, each resolving to the next completion;
 *   its `futures()` gives the finished futures themselves.
 * @throws {TypeError} When `awaitables` is not an iterable of awaitables.
 * @throws {RangeError} When `timeout` is NaN.
 * @throws {InvalidStateError} When no loop is running.
 *
 * @example Handling results as they arrive
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { asCompleted, getRunningLoop, run, sleep } from "yieldio";
 * const arrivals = await run(function* () {
 *   const arrivals: unknown[] = [];
 *   for (const next of asCompleted([sleep(30, "c"), sleep(10, "a"), sleep(20, "b")])) {
 *     arrivals.push([yield* next, getRunningLoop().time()]);
 *   }
 *   return arrivals;
 * }, { clock: "virtual" });
 * assertEquals(arrivals, [["a", 10], ["b", 20], ["c", 30]]);
 * ```
 *
 * @example The tasks themselves, as they finish (Python's `async for`)
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { asCompleted, createTask, run, sleep } from "yieldio";
 * const order = await run(function* () {
 *   const urls = new Map([[createTask(sleep(30, "page c")), "c"], [createTask(sleep(10, "page a")), "a"]]);
 *   const order: string[] = [];
 *   for (const next of asCompleted(urls.keys()).futures()) {
 *     const task = yield* next; // the very task passed in: look it up, read it
 *     order.push(`${urls.get(task)}: ${task.result()}`);
 *   }
 *   return order;
 * }, { clock: "virtual" });
 * assertEquals(order, ["a: page a", "c: page c"]);
 * ```
 */
export function asCompleted<F extends Future<unknown>>(
  futures: Iterable<F>,
  options?: AsCompletedOptions,
): AsCompletedIterator<ResultOf<F>, F & Future<ResultOf<F>>>;
/**
 * `asCompleted()` over any awaitables (coroutines and promises too): the
 * coroutines give their results, and `futures()` gives the futures and tasks
 * passed in or made for them.
 *
 * @param awaitables Futures, tasks, coroutines or promises (the same one twice counts once).
 * @param options `timeout` in ms, or null.
 * @returns An iterator of coroutines, each resolving to the next completion.
 */
export function asCompleted<T>(
  awaitables: Iterable<Awaitable<T>>,
  options?: AsCompletedOptions,
): AsCompletedIterator<T>;
export function asCompleted<T>(
  awaitables: Iterable<Awaitable<T>>,
  options?: AsCompletedOptions,
): AsCompletedIterator<T> {
  const list = listOf(awaitables, "asCompleted");
  list.forEach((value, i) => checkAwaitable(value, "asCompleted", ` at index ${i}`));
  checkOptionsObject(options, "asCompleted");
  const timeout = checkTime(options?.timeout, "asCompleted", "timeout");
  const loop = _getRunningLoop("asCompleted()");
  for (const value of list) checkSameLoop(value, loop, "asCompleted");
  const futures = [...new Set(list)].map((value) => ensureFuture(value as Awaitable<T>, loop));
  return new Completions(loop, futures, timeout);
}

class Completions<T> implements AsCompletedIterator<T> {
  #loop: EventLoop;
  /** Invariant: the futures neither finished nor timed out yet; emptied by the timer. */
  #todo: Set<Future<T>>;
  /** How many coroutines the iterator may still hand out. */
  #left: number;
  /** The FIFO of completions: futures, or TIMED_OUT; entries before `#head` were taken. */
  #finished: (Future<T> | typeof TIMED_OUT | undefined)[] = [];
  #head = 0;
  /** Coroutines waiting for the next completion, oldest first. */
  #waiters: Future<void>[] = [];
  #timer: TimerHandle | null = null;

  constructor(loop: EventLoop, futures: Future<T>[], timeout: number | null) {
    this.#loop = loop;
    this.#todo = new Set(futures);
    this.#left = futures.length;
    for (const future of futures) future._addCallback(this.#onDone, future);
    if (futures.length > 0 && timeout !== null) this.#timer = loop.callLater(timeout, this.#onTimeout);
  }

  [Symbol.iterator](): IterableIterator<Coro<T>> {
    return this;
  }

  /** @returns The next coroutine, resolving to the next completion; done after one per awaitable. */
  next(): IteratorResult<Coro<T>, undefined> {
    if (this.#left === 0) return { done: true, value: undefined };
    this.#left--;
    return { done: false, value: this.#next() };
  }

  futures(): IterableIterator<Coro<Future<T>>> {
    const iterator: IterableIterator<Coro<Future<T>>> = {
      [Symbol.iterator]: () => iterator,
      next: (): IteratorResult<Coro<Future<T>>, undefined> => {
        if (this.#left === 0) return { done: true, value: undefined };
        this.#left--;
        return { done: false, value: this.#nextFuture() };
      },
    };
    return iterator;
  }

  *#next(): Coro<T> {
    return (yield* this.#nextFuture()).result();
  }

  *#nextFuture(): Coro<Future<T>> {
    const entry = yield* this.#take();
    if (entry === TIMED_OUT) throw new TimeoutError("asCompleted timed out before this result arrived");
    return entry;
  }

  *#take(): Coro<Future<T> | typeof TIMED_OUT> {
    while (this.#head === this.#finished.length) {
      const waiter = new LabelledFuture<void>(this.#loop, this); // a task waiting here awaits each future to come
      this.#waiters.push(waiter);
      try {
        yield* waiter;
      } catch (error) {
        // Cancelled: leave the queue, and hand on a wake-up we were given but cannot use.
        const woken = waiter.done() && !waiter.cancelled();
        waiter.cancel();
        const at = this.#waiters.indexOf(waiter);
        if (at >= 0) this.#waiters.splice(at, 1);
        if (woken && this.#head < this.#finished.length) this.#wakeNext();
        throw error;
      }
    }
    const entry = this.#finished[this.#head] as Future<T> | typeof TIMED_OUT;
    this.#finished[this.#head++] = undefined;
    if (this.#head === this.#finished.length) this.#finished.length = this.#head = 0;
    return entry;
  }

  #put(entry: Future<T> | typeof TIMED_OUT): void {
    this.#finished.push(entry);
    this.#wakeNext();
  }

  #wakeNext(): void {
    while (this.#waiters.length > 0) {
      const waiter = this.#waiters.shift() as Future<void>; // a handful of waiters at most
      if (!waiter.done()) return waiter.setResult(undefined);
    }
  }

  readonly #onDone = (future: Future<T>): void => {
    if (!this.#todo.delete(future)) return; // the timer came first
    this.#put(future);
    if (this.#todo.size === 0) {
      this.#timer?.cancel();
      this.#timer = null;
    }
  };

  readonly #onTimeout = (): void => {
    this.#timer = null;
    for (const future of this.#todo) {
      future._removeCallback(this.#onDone, future);
      this.#put(TIMED_OUT);
    }
    this.#todo.clear();
  };

  /** @internal The label of a wait for the next result. */
  _waitLabel(): string {
    return `asCompleted (${this.#todo.size} to come)`;
  }

  /** @internal The futures still to come. */
  _awaitedChildren(): Iterable<Future<unknown>> {
    return this.#todo;
  }

  /** @returns A description like `<asCompleted left=2>`. */
  toString(): string {
    return `<asCompleted left=${this.#left}>`;
  }
}
