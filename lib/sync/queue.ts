/**
 * Queue: a FIFO for producer and consumer tasks, bounded or not
 * (asyncio.Queue, with Python 3.13's `shutdown`).
 *
 * Getters wait in one line, putters in another, `join()` in a third (all in
 * `task/waiters.ts`, bound to one loop). Unlike Lock, a queue lets newcomers
 * barge, as asyncio's does: `put()` on a queue with room and `get()` on one
 * with items never wait, even while others are queued — so a getter woken
 * for an item may find it taken and waits again, at the back. A getter (or
 * putter) woken but cancelled before it runs passes its wake-up on while
 * there is still an item (or room), so none is stranded.
 *
 * Subclasses keep the items in their own order by overriding the three
 * `@internal` storage methods (`_put`, `_get`, `_qsize`), as asyncio's do.
 *
 * Invariants: `#unfinished` is the number of items put and not yet marked
 * done with `taskDone()` (never below zero); once `#shutdown` is set it stays.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { PrintsAsToString } from "../_inspect.ts";
import { InvalidStateError, QueueEmpty, QueueFull, QueueShutDown } from "../errors.ts";
import type { Coro } from "../task/yield_protocol.ts";
import { trackUndriven } from "../task/undriven.ts";
import { bodyCoroutine, checkBody } from "../task/body.ts";
import { Waiters } from "../task/waiters.ts";

/**
 * A first-in, first-out queue: `yield* q.put(x)` waits while the queue is
 * full; `yield* q.get()` waits while it is empty. `taskDone()` / `join()`
 * track whether every item put has been processed; `shutdown()` ends it.
 *
 * @example A bounded producer/consumer pair
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createTask, Queue, run } from "yieldio";
 * const q = new Queue<number>(2);
 * const seen = await run(function* () {
 *   const seen: number[] = [];
 *   const consumer = createTask(q.forEach(function* (item) {
 *     seen.push(item);
 *   }));
 *   for (let i = 0; i < 5; i++) yield* q.put(i); // waits whenever 2 items are queued
 *   yield* q.join(); // every item processed
 *   q.shutdown(); // the consumer's forEach ends
 *   yield* consumer;
 *   return seen;
 * }, { clock: "virtual" });
 * assertEquals(seen, [0, 1, 2, 3, 4]);
 * ```
 */
export class Queue<T> extends PrintsAsToString {
  #maxsize: number;
  /**
   * The FIFO store, a ring buffer (unused by subclasses that keep their own).
   * Invariant: the `#count` items run from `#ring[#head]` on, wrapping around.
   */
  #ring: (T | undefined)[] = [];
  #head = 0;
  #count = 0;
  #unfinished = 0;
  #shutdown = false;
  /** A getter woken for an item but cancelled first passes the wake-up on while items remain. */
  #getters: Waiters = new Waiters(this, "get()", () => {
    if (this._qsize() > 0) this.#getters.wakeOne();
  });
  /** Likewise for room. */
  #putters: Waiters = new Waiters(this, "put()", () => {
    if (!this.full()) this.#putters.wakeOne();
  }, this.#getters);
  #joiners: Waiters = new Waiters(this, "join()", null, this.#getters);

  /**
   * A FIFO queue (asyncio's `Queue(maxsize=0)`).
   *
   * @param maxsize The queue is full once it holds this many items or more;
   *   0 (the default) or less means no limit. Any number, as in asyncio: a
   *   fraction is full at the next whole number (`new Queue(1.3)` holds 2),
   *   `Infinity` never.
   * @throws {TypeError} When `maxsize` is not a number.
   * @throws {RangeError} When `maxsize` is NaN.
   */
  constructor(maxsize = 0) {
    super();
    if (typeof maxsize !== "number") {
      throw new TypeError(`new ${this._name()}() expects maxsize as a number of items, got ${describeValue(maxsize)}`);
    }
    if (Number.isNaN(maxsize)) {
      // asyncio would make NaN unbounded (every comparison is false); here it is taken for the bug it almost always is.
      throw new RangeError(`new ${this._name()}() got NaN for maxsize; pass a number of items, or 0 for no limit`);
    }
    this.#maxsize = maxsize;
  }

  /** The number given to the constructor; 0 or less: unbounded. */
  get maxsize(): number {
    return this.#maxsize;
  }

  /**
   * Like asyncio's `Queue.qsize()`.
   * @returns The number of items in the queue.
   */
  qsize(): number {
    return this._qsize();
  }

  /**
   * Like asyncio's `Queue.empty()`: when true, `getNowait()` throws `QueueEmpty`.
   * @returns Whether the queue holds no item.
   */
  empty(): boolean {
    return this._qsize() === 0;
  }

  /**
   * Like asyncio's `Queue.full()`: when true, `putNowait()` throws `QueueFull`.
   * @returns Whether the queue holds `maxsize` items or more (never, when unbounded): asyncio's `qsize() >= maxsize`.
   */
  full(): boolean {
    return this.#maxsize > 0 && this._qsize() >= this.#maxsize;
  }

  /**
   * Puts `item` in, waiting while the queue is full. Does not wait when
   * there is room, even if other putters are queued (asyncio's behaviour).
   *
   * @param item The item.
   * @returns A coroutine that returns once the item is in the queue.
   * @throws {QueueShutDown} When the queue is shut down (also while waiting).
   * @throws {CancelledError} When cancelled while waiting (the item is not put).
   */
  put(item: T): Coro<void> {
    return trackUndriven(this.#put(item), "Queue.put()");
  }

  /** The coroutine behind {@linkcode put}. */
  *#put(item: T): Coro<void> {
    while (this.full()) {
      if (this.#shutdown) throw this.#shutDownError("put()");
      yield* this.#putters.wait();
    }
    this.putNowait(item);
  }

  /**
   * Puts `item` in without waiting.
   *
   * @param item The item.
   * @throws {QueueFull} When the queue is full.
   * @throws {QueueShutDown} When the queue is shut down.
   */
  putNowait(item: T): void {
    if (this.#shutdown) throw this.#shutDownError("putNowait()");
    if (this.full()) throw new QueueFull(`putNowait() on ${this}: the queue is full`);
    this._put(item);
    this.#unfinished++;
    this.#getters.wakeOne();
  }

  /**
   * Takes the next item out, waiting while the queue is empty.
   *
   * @returns A coroutine that returns the item.
   * @throws {QueueShutDown} When the queue is shut down and empty, or was
   *   shut down with `immediate` (also while waiting).
   * @throws {CancelledError} When cancelled while waiting (no item is taken).
   */
  get(): Coro<T> {
    return trackUndriven(this.#get(), "Queue.get()");
  }

  /** The coroutine behind {@linkcode get}. */
  *#get(): Coro<T> {
    while (this._qsize() === 0) {
      if (this.#shutdown) throw this.#shutDownError("get()");
      yield* this.#getters.wait();
    }
    return this.getNowait();
  }

  /**
   * Takes the next item out without waiting.
   *
   * @returns The item.
   * @throws {QueueEmpty} When the queue is empty.
   * @throws {QueueShutDown} When the queue is empty and shut down.
   */
  getNowait(): T {
    if (this._qsize() === 0) {
      if (this.#shutdown) throw this.#shutDownError("getNowait()");
      throw new QueueEmpty(`getNowait() on ${this}: the queue is empty`);
    }
    const item = this._get();
    this.#putters.wakeOne();
    return item;
  }

  /**
   * Marks one item taken with `get()` as processed. When every item put has
   * been marked, `join()` returns.
   *
   * @throws {InvalidStateError} When called more times than items were put.
   */
  taskDone(): void {
    if (this.#unfinished <= 0) {
      throw new InvalidStateError(`taskDone() on ${this}: called more times than items were put`);
    }
    if (--this.#unfinished === 0) this.#joiners.wakeAll();
  }

  /**
   * Waits until every item put has been marked processed with `taskDone()`.
   * Returns at once when none is outstanding.
   *
   * @returns A coroutine.
   * @throws {CancelledError} When cancelled while waiting.
   */
  join(): Coro<void> {
    return trackUndriven(this.#join(), "Queue.join()");
  }

  /** The coroutine behind {@linkcode join}. */
  *#join(): Coro<void> {
    if (this.#unfinished > 0) yield* this.#joiners.wait();
  }

  /**
   * Shuts the queue down (Python 3.13): from now on `put()` raises
   * `QueueShutDown`, and `get()` raises it once the queue is empty. Blocked
   * putters and getters are woken to find out. With `immediate`, the items
   * left are dropped first (each counted as done for `join()`), so `get()`
   * raises at once.
   *
   * @param immediate Drop the queued items (default false).
   *
   * @example Consumers drain what is left, then stop
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { Queue, QueueShutDown, run } from "yieldio";
   * const q = new Queue<string>();
   * const out = await run(function* () {
   *   q.putNowait("last");
   *   q.shutdown();
   *   const first = yield* q.get();
   *   try {
   *     yield* q.get();
   *   } catch (e) {
   *     if (e instanceof QueueShutDown) return [first, "shut down"];
   *   }
   * });
   * assertEquals(out, ["last", "shut down"]);
   * ```
   */
  shutdown(immediate = false): void {
    this.#shutdown = true;
    if (immediate) {
      while (this._qsize() > 0) {
        this._get();
        if (this.#unfinished > 0) this.#unfinished--;
      }
      if (this.#unfinished === 0) this.#joiners.wakeAll();
    }
    this.#getters.wakeAll();
    this.#putters.wakeAll();
  }

  /**
   * Consumes the queue: for each item, runs `body(item)` and then calls
   * `taskDone()` (in a `finally`, so `join()` stays accurate when the body
   * throws). Returns — without an exception — once the queue is shut down
   * and empty. This is the generator-friendly `async for item in queue`:
   * a plain `for` cannot wait between items. To stop early, cancel the task
   * or shut the queue down.
   *
   * @param body A generator function run for each item.
   * @returns A coroutine that returns how many items it consumed.
   * @throws What the body throws (after marking its item done).
   * @throws {TypeError} When `body` is not a function that returns a coroutine.
   */
  forEach(body: (item: T) => Coro<unknown>): Coro<number> {
    return trackUndriven(this.#forEach(body), "Queue.forEach()");
  }

  /** The coroutine behind {@linkcode forEach}. */
  *#forEach(body: (item: T) => Coro<unknown>): Coro<number> {
    checkBody(body, "Queue.forEach()");
    let consumed = 0;
    for (;;) {
      let item: T;
      try {
        item = yield* this.get();
      } catch (error) {
        if (error instanceof QueueShutDown) return consumed;
        throw error;
      }
      consumed++;
      try {
        yield* bodyCoroutine(body(item), "Queue.forEach()");
      } finally {
        this.taskDone();
      }
    }
  }

  /**
   * Describes the queue for messages and `console.log`.
   * @returns A description like `<Queue maxsize=4 qsize=1 getters=2 tasks=3>`.
   */
  override toString(): string {
    let text = `<${this._name()} maxsize=${this.#maxsize} qsize=${this._qsize()}`;
    if (this.#getters.size > 0) text += ` getters=${this.#getters.size}`;
    if (this.#putters.size > 0) text += ` putters=${this.#putters.size}`;
    if (this.#unfinished > 0) text += ` tasks=${this.#unfinished}`;
    if (this.#shutdown) text += " shutdown";
    return text + ">";
  }

  /** @internal The kind its waits are labelled with (`Queue#1.get`, `PriorityQueue#1.get`). */
  _waitKind(): string {
    return this._name();
  }

  /** @internal The class name for messages (minifiers rename classes). */
  _name(): string {
    return "Queue";
  }

  /** @internal Stores an item (FIFO: at the back of the ring). */
  _put(item: T): void {
    let ring = this.#ring;
    if (this.#count === ring.length) {
      // Full: unroll into a ring twice the size, oldest first.
      const grown: (T | undefined)[] = new Array(Math.max(8, ring.length * 2));
      for (let i = 0; i < this.#count; i++) grown[i] = ring[(this.#head + i) % ring.length];
      this.#ring = ring = grown;
      this.#head = 0;
    }
    ring[(this.#head + this.#count) % ring.length] = item;
    this.#count++;
  }

  /** @internal Removes and returns the next item (FIFO: the oldest). The caller checks `_qsize() > 0`. */
  _get(): T {
    const ring = this.#ring, head = this.#head;
    const item = ring[head] as T;
    ring[head] = undefined; // let the item be collected
    this.#head = (head + 1) % ring.length;
    this.#count--;
    return item;
  }

  /** @internal The number of stored items. */
  _qsize(): number {
    return this.#count;
  }

  #shutDownError(method: string): QueueShutDown {
    return new QueueShutDown(`${method} on ${this}: the queue is shut down`);
  }
}
