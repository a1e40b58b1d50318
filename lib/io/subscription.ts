/**
 * subscribe: a bounded queue of the repeated events of an `EventTarget` or
 * a Node `EventEmitter`, read with `get()` by coroutines (or `for await` by
 * plain code) until `close()`, which removes the listener.
 *
 * Overflow drops the oldest event. A host cannot be told to wait, so a full
 * queue must lose something; for the events one subscribes to (input,
 * messages, progress) the newest matter most, and `dropped` counts what was
 * lost so a consumer can tell it fell behind.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { QueueShutDown } from "../errors.ts";
import { Queue } from "../sync/queue.ts";
import type { EventLoop } from "../task/event_loop.ts";
import { getRunningLoop } from "../task/running_loop.ts";
import type { Coro } from "../task/yield_protocol.ts";
import { _listen } from "./_listen.ts";
import type { EventSource } from "./wait_event.ts";
import { _track, _untrack } from "./_resources.ts";

/** The queue bound when none is given. */
const DEFAULT_MAXSIZE = 100;

/** Options for {@linkcode subscribe}. */
export interface SubscribeOptions {
  /** The most events held; past it the oldest is dropped. Default 100. */
  maxsize?: number;
}

/**
 * The events of one type from one source, queued. Made by {@linkcode subscribe}.
 *
 * @example A consumer task reads until the subscription closes
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createTask, run, sleep } from "yieldio";
 * import { subscribe } from "yieldio/io";
 * const target = new EventTarget();
 * const count = await run(function* () {
 *   const sub = subscribe(target, "tick");
 *   const consumer = createTask(sub.forEach(function* (_event) {}));
 *   for (let i = 0; i < 3; i++) target.dispatchEvent(new Event("tick"));
 *   yield* sleep(0);
 *   sub.close();
 *   return yield* consumer;
 * });
 * assertEquals(count, 3);
 * ```
 */
export class Subscription<T> {
  #queue: Queue<T>;
  #loop: EventLoop;
  #remove: (() => void) | null;
  #dropped = 0;
  #description: string;

  /** @internal Made by `subscribe`. */
  constructor(loop: EventLoop, source: EventSource, type: string, maxsize: number) {
    this.#loop = loop;
    this.#queue = new Queue<T>(maxsize);
    this.#description = `"${type}" events`;
    this.#remove = _listen(source, type, (event) => {
      if (this.#queue.full()) {
        this.#queue.getNowait();
        this.#dropped++;
      }
      this.#queue.putNowait(event as T);
    }, "subscribe");
    _track(loop, this);
  }

  /** How many events were dropped because the queue was full. */
  get dropped(): number {
    return this.#dropped;
  }

  /**
   * Like `Queue.qsize()`, for the events received and not yet read.
   * @returns How many events wait to be read.
   */
  qsize(): number {
    return this.#queue.qsize();
  }

  /**
   * Waits for the next event.
   *
   * @returns A coroutine of the event (or the emitter's first argument).
   * @throws {QueueShutDown} Once closed and every queued event was read.
   */
  *get(): Coro<T> {
    // A wait for host events holds a ref: a virtual clock must not jump past them.
    const holds = this.#remove !== null && this.#queue.empty();
    if (holds) this.#loop.ref();
    try {
      return yield* this.#queue.get();
    } finally {
      if (holds) this.#loop.unref();
    }
  }

  /**
   * Runs `body` for each event until the subscription is closed and drained.
   *
   * @param body A generator function of the event.
   * @returns A coroutine of how many events it handled.
   */
  *forEach(body: (event: T) => Coro<unknown>): Coro<number> {
    if (typeof body !== "function") {
      throw new TypeError(`forEach expects a generator function, got ${describeValue(body)}`);
    }
    let count = 0;
    for (;;) {
      let event: T;
      try {
        event = yield* this.get();
      } catch (error) {
        if (error instanceof QueueShutDown) return count;
        throw error;
      }
      yield* body(event);
      count++;
    }
  }

  /** Removes the listener; queued events can still be read, then `get()` raises `QueueShutDown`. Idempotent. */
  close(): void {
    if (this.#remove === null) return;
    this.#remove();
    this.#remove = null;
    this.#queue.shutdown();
    _untrack(this.#loop, this);
  }

  /**
   * Events for plain `async` code: `for await (const e of subscription)`,
   * until closed. Each step runs `get()` as a task on the subscription's loop.
   *
   * @returns An async iterator of the events.
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for (;;) {
      try {
        yield await this.#loop.createTask(this.get());
      } catch (error) {
        if (error instanceof QueueShutDown) return;
        throw error;
      }
    }
  }

  /**
   * Describes the subscription for messages and `console.log`.
   * @returns e.g. `<Subscription to "message" events queued=2 dropped=0>`.
   */
  toString(): string {
    const state = this.#remove === null ? " closed" : "";
    return `<Subscription to ${this.#description}${state} queued=${this.#queue.qsize()} dropped=${this.#dropped}>`;
  }
}

/**
 * Subscribes to the `type` events of `target`: from now until `close()`,
 * each event is queued (at most `maxsize`; when full the oldest is dropped).
 *
 * @param target A DOM `EventTarget` or a Node `EventEmitter`.
 * @param type The event type.
 * @param options `maxsize` (default 100).
 * @returns The subscription; close it to remove the listener.
 * @throws {RangeError} When `maxsize` is not a positive integer.
 * @throws {TypeError} When `target` is neither kind.
 * @throws {InvalidStateError} When no loop is running.
 *
 * @example Reading repeated events, the oldest dropped when full
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { run } from "yieldio";
 * import { subscribe } from "yieldio/io";
 * const target = new EventTarget();
 * const seen = await run(function* () {
 *   const clicks = subscribe<CustomEvent<number>>(target, "click", { maxsize: 2 });
 *   for (let i = 1; i <= 3; i++) target.dispatchEvent(new CustomEvent("click", { detail: i }));
 *   clicks.close();
 *   const got: number[] = [];
 *   yield* clicks.forEach(function* (event) {
 *     got.push(event.detail);
 *   });
 *   return [got, clicks.dropped];
 * });
 * assertEquals(seen, [[2, 3], 1]);
 * ```
 */
export function subscribe<T = Event>(target: EventSource, type: string, options?: SubscribeOptions): Subscription<T> {
  const maxsize = options?.maxsize ?? DEFAULT_MAXSIZE;
  if (!Number.isInteger(maxsize) || maxsize <= 0) {
    throw new RangeError(`subscribe's maxsize must be a positive integer, got ${describeValue(maxsize)}`);
  }
  return new Subscription<T>(getRunningLoop(), target, type, maxsize);
}
