/**
 * Both directions between coroutines and async iteration:
 * - `fromAsyncIterable`: a coroutine consumes an `AsyncIterable` or a
 *   `ReadableStream` step by step; cancelling a step closes the source
 *   (`return()` on the iterator, `cancel()` on the stream), since a step
 *   abandoned mid-flight leaves the source in no state to go on;
 * - `asyncIterate`: plain `async` code `for await`s over a yieldio `Queue`
 *   (until it is shut down) or the lines of a `StreamReader`.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { QueueShutDown } from "../errors.ts";
import type { Queue } from "../sync/queue.ts";
import { fromPromise } from "../task/from_promise.ts";
import type { EventLoop } from "../task/event_loop.ts";
import { getRunningLoop } from "../task/running_loop.ts";
import type { Coro } from "../task/yield_protocol.ts";
import { _track, _untrack } from "./_resources.ts";
import { StreamReader } from "./stream_reader.ts";

/**
 * A source of values consumed from a coroutine. Made by {@linkcode fromAsyncIterable}.
 *
 * @example Step by step, then close early
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { run } from "yieldio";
 * import { fromAsyncIterable } from "yieldio/io";
 * const stream = new Blob(["abc"]).stream().pipeThrough(new TextDecoderStream());
 * const first = await run(function* () {
 *   const it = fromAsyncIterable(stream);
 *   const step = yield* it.next();
 *   yield* it.close();
 *   return step.done ? null : step.value;
 * });
 * assertEquals(first, "abc");
 * ```
 */
export class AsyncIteration<T> {
  #next: () => Promise<IteratorResult<T, unknown>>;
  #close: (reason: unknown) => Promise<unknown>;
  #loop: EventLoop;
  #done = false;

  /** @internal Made by `fromAsyncIterable`. */
  constructor(
    loop: EventLoop,
    next: () => Promise<IteratorResult<T, unknown>>,
    close: (reason: unknown) => Promise<unknown>,
  ) {
    this.#loop = loop;
    this.#next = next;
    this.#close = close;
    _track(loop, this);
  }

  /**
   * Takes the next value. Cancelling it closes the source.
   *
   * @returns A coroutine of `{ done: false, value }`, or `{ done: true }` once the source ended or was closed.
   * @throws The source's error.
   */
  *next(): Coro<IteratorResult<T, undefined>> {
    if (this.#done) return { done: true, value: undefined };
    let result: IteratorResult<T, unknown>;
    try {
      result = yield* fromPromise(this.#next());
    } catch (error) {
      yield* this.#finish(error);
      throw error;
    }
    if (result.done) {
      this.#done = true;
      _untrack(this.#loop, this);
      return { done: true, value: undefined };
    }
    return result;
  }

  /**
   * Runs `body` for each value until the source ends.
   *
   * @param body A generator function of the value.
   * @returns A coroutine of how many values it handled.
   */
  *forEach(body: (value: T) => Coro<unknown>): Coro<number> {
    if (typeof body !== "function") {
      throw new TypeError(`forEach expects a generator function, got ${describeValue(body)}`);
    }
    let count = 0;
    try {
      for (let step = yield* this.next(); !step.done; step = yield* this.next()) {
        yield* body(step.value);
        count++;
      }
    } finally {
      yield* this.close();
    }
    return count;
  }

  /**
   * Closes the source (`return()` / `cancel()`); `next()` then reports done. Idempotent.
   *
   * @returns A coroutine that ends once the source acknowledged it.
   */
  *close(): Coro<void> {
    yield* this.#finish(undefined);
  }

  /**
   * Describes the iteration for messages and `console.log`.
   * @returns `<AsyncIteration open>` or `<AsyncIteration done>`.
   */
  toString(): string {
    return `<AsyncIteration ${this.#done ? "done" : "open"}>`;
  }

  *#finish(reason: unknown): Coro<void> {
    if (this.#done) return;
    this.#done = true;
    _untrack(this.#loop, this);
    const closing = this.#close(reason).catch(() => {});
    // The close is awaited unless this very step is being cancelled: then it runs on, as the cancel must not wait.
    if (reason === undefined) yield* fromPromise(closing);
  }
}

/**
 * Consumes an `AsyncIterable` (an async generator, a Node stream) or a
 * `ReadableStream` from a coroutine: `yield* it.next()` or
 * `yield* it.forEach(function* (value) { ... })`.
 *
 * @param source What to consume.
 * @returns The iteration; `close()` it if you stop early (`forEach` does).
 * @throws {TypeError} When `source` is neither kind.
 * @throws {InvalidStateError} When no loop is running.
 *
 * @example Cancelling the consumer closes an async generator (its finally runs)
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createTask, run, sleep } from "yieldio";
 * import { fromAsyncIterable } from "yieldio/io";
 * const log: string[] = [];
 * async function* ticks() {
 *   try {
 *     for (let i = 0; ; i++) {
 *       yield i;
 *       await new Promise((resolve) => setTimeout(resolve, 5));
 *     }
 *   } finally {
 *     log.push("source closed");
 *   }
 * }
 * await run(function* () {
 *   const consumer = createTask(fromAsyncIterable(ticks()).forEach(function* (i) {
 *     log.push(`tick ${i}`);
 *   }));
 *   yield* sleep(12);
 *   consumer.cancel();
 *   yield* sleep(10);
 * });
 * assertEquals(log.slice(-1), ["source closed"]);
 * ```
 */
export function fromAsyncIterable<T>(source: AsyncIterable<T> | ReadableStream<T>): AsyncIteration<T> {
  const loop = getRunningLoop();
  if (typeof ReadableStream === "function" && source instanceof ReadableStream) {
    const reader = source.getReader();
    return new AsyncIteration<T>(
      loop,
      () => reader.read() as Promise<IteratorResult<T, unknown>>,
      (reason) => reader.cancel(reason),
    );
  }
  const iterable = source as Partial<AsyncIterable<T>> | null;
  if (typeof iterable?.[Symbol.asyncIterator] !== "function") {
    throw new TypeError(`fromAsyncIterable expects an AsyncIterable or a ReadableStream, got ${describeValue(source)}`);
  }
  const iterator = iterable[Symbol.asyncIterator]!();
  return new AsyncIteration<T>(
    loop,
    () => iterator.next(),
    async () => await iterator.return?.(),
  );
}

/**
 * For plain `async` code: `for await` over a yieldio `Queue` (each item,
 * until the queue is shut down) or a `StreamReader` (each line, until EOF).
 * Each step runs the queue's `get()` (or `readline()`) as a task on the
 * running loop, so it must be called while a loop runs, e.g. from an
 * `async` function a task started.
 *
 * @param source A `Queue` or a `StreamReader`.
 * @returns An async iterable of the items, or of the lines.
 * @throws {TypeError} When `source` is neither.
 * @throws {InvalidStateError} When no loop is running.
 *
 * @example An async function drains a queue that tasks fill
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { fromPromise, Queue, run } from "yieldio";
 * import { asyncIterate } from "yieldio/io";
 * const total = await run(function* () {
 *   const queue = new Queue<number>();
 *   for (const n of [1, 2, 3]) queue.putNowait(n);
 *   queue.shutdown();
 *   return yield* fromPromise((async () => {
 *     let sum = 0;
 *     for await (const n of asyncIterate(queue)) sum += n;
 *     return sum;
 *   })());
 * });
 * assertEquals(total, 6);
 * ```
 */
export function asyncIterate<T>(source: Queue<T> | StreamReader): AsyncIterable<T> {
  if (source instanceof StreamReader) return source as AsyncIterable<unknown> as AsyncIterable<T>;
  const queue = source as Queue<T> | null;
  if (typeof queue?.get !== "function" || typeof queue.putNowait !== "function") {
    throw new TypeError(`asyncIterate expects a Queue or a StreamReader, got ${describeValue(source)}`);
  }
  const loop = getRunningLoop();
  return {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        try {
          yield await loop.createTask(queue.get());
        } catch (error) {
          if (error instanceof QueueShutDown) return;
          throw error;
        }
      }
    },
  };
}
