/**
 * StreamWriter: asyncio's writer. `write()` never blocks: it hands the bytes
 * to the host at once and counts them as in flight until the host says it
 * took them. `drain()` is the backpressure: it waits while more than the
 * high-water mark is in flight, until at most a quarter of it is (asyncio's
 * default low-water mark), so a writer that outpaces its reader holds at
 * most `highWater` bytes plus one write.
 *
 * Invariants:
 * - `#inFlight` = bytes given to the sink whose completion has not come back;
 * - state only moves forward: open → closing (close() called) → closed
 *   (the sink reported the host resource closed);
 * - the first error from the sink sticks in `#exception`: write() and
 *   drain() raise it from then on, and waitClosed() raises it (asyncio).
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { InvalidStateError } from "../errors.ts";
import type { EventLoop } from "../task/event_loop.ts";
import type { Future } from "../task/future.ts";
import { getRunningLoop } from "../task/running_loop.ts";
import type { Coro } from "../task/yield_protocol.ts";
import { _hostFuture, _settle } from "./_host_future.ts";

/** asyncio's default high-water mark for a transport's write buffer: 64 KiB. */
export const DEFAULT_HIGH_WATER = 64 * 1024;

const encoder = new TextEncoder();

/** @internal Where a StreamWriter's bytes go: a socket, a pipe, a `WritableStream`. */
export interface _Sink {
  /** Hands `chunk` to the host; calls `done(null)` once it took it, `done(error)` if it failed. In order. */
  write(chunk: Uint8Array, done: (error: unknown) => void): void;
  /** Flushes what was written, then closes; `done(null)` once the host resource is closed. */
  close(done: (error: unknown) => void): void;
  /** Closes at once, dropping what was not sent. */
  abort(reason: unknown): void;
  /** Turns a host error into what callers see (e.g. `ConnectionResetError`). */
  translate(error: unknown): unknown;
}

/** Options for {@linkcode StreamWriter}. */
export interface StreamWriterOptions {
  /** `drain()` waits while more than this many bytes are in flight. Default 64 KiB. */
  highWater?: number;
  /** Values for `getExtraInfo(name)`, e.g. `peername`, `sockname`, `pid`. */
  extraInfo?: Readonly<Record<string, unknown>>;
}

/**
 * A writer of bytes with asyncio's API. Get one from `openConnection`, a
 * server's handler, a child process's `stdin`, or `wrapWritable` (any
 * `WritableStream`).
 *
 * @example Write, drain, close
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { run } from "yieldio";
 * import { wrapWritable } from "yieldio/io";
 * const chunks: string[] = [];
 * await run(function* () {
 *   const writer = wrapWritable(new WritableStream<Uint8Array>({
 *     write(chunk) {
 *       chunks.push(new TextDecoder().decode(chunk));
 *     },
 *   }));
 *   writer.write("hello, ");
 *   writer.writelines(["wor", "ld"]);
 *   yield* writer.drain();
 *   writer.close();
 *   yield* writer.waitClosed();
 * });
 * assertEquals(chunks.join(""), "hello, world");
 * ```
 */
export class StreamWriter {
  #sink: _Sink;
  #highWater: number;
  #lowWater: number;
  #inFlight = 0;
  #state: "open" | "closing" | "closed" = "open";
  #exception: unknown = null;
  #drainWaiter: Future<void> | null = null;
  #closeWaiters: Future<void>[] = [];
  #loop: EventLoop | null = null;
  #extra: Readonly<Record<string, unknown>>;
  #onClosed: (() => void) | null = null;

  /**
   * @internal Writers are made by the I/O functions (`wrapWritable`,
   * `openConnection`, ...), never by hand.
   */
  constructor(sink: _Sink, options?: StreamWriterOptions) {
    const highWater = options?.highWater ?? DEFAULT_HIGH_WATER;
    if (!Number.isInteger(highWater) || highWater < 0) {
      throw new RangeError(`highWater must be an integer of 0 or more, got ${describeValue(highWater)}`);
    }
    this.#sink = sink;
    this.#highWater = highWater;
    this.#lowWater = highWater >>> 2;
    this.#extra = options?.extraInfo ?? {};
  }

  /** @internal Calls `fn` once the writer is closed (the transport releases the connection). */
  _onClosed(fn: () => void): void {
    this.#onClosed = fn;
  }

  /** @internal Records that the connection failed (e.g. a reset seen by the reading side). */
  _fail(error: unknown): void {
    if (this.#exception === null) this.#exception = error;
    _settle(this.#drainWaiter, undefined);
  }

  /** @internal Records that the host resource closed without close() (the peer or an abort closed it). */
  _closedByHost(): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    this.#finishClose();
  }

  /**
   * Queues `data` to be sent; never blocks. Follow with `drain()` to respect
   * backpressure.
   *
   * @param data Bytes, or a string (sent as UTF-8).
   * @throws {InvalidStateError} After `close()`.
   * @throws {TypeError} When `data` is neither bytes nor a string.
   * @throws The connection's error, e.g. `ConnectionResetError` once the peer reset it.
   */
  write(data: Uint8Array | string): void {
    const chunk = typeof data === "string" ? encoder.encode(data) : data;
    if (!(chunk instanceof Uint8Array)) {
      throw new TypeError(`write expects a Uint8Array or a string, got ${describeValue(data)}`);
    }
    if (this.#state !== "open") throw new InvalidStateError(`write() on ${this}: close() was already called`);
    if (this.#exception !== null) throw this.#exception;
    if (chunk.length === 0) return;
    const size = chunk.length;
    this.#inFlight += size;
    this.#sink.write(chunk, (error) => this.#written(size, error));
  }

  /**
   * Writes each item in order, as `write` does.
   *
   * @param lines Bytes or strings.
   * @throws {InvalidStateError} After `close()`.
   * @throws {TypeError} When an item is neither bytes nor a string.
   */
  writelines(lines: Iterable<Uint8Array | string>): void {
    for (const line of lines) this.write(line);
  }

  /**
   * Waits until the bytes in flight fall to the low-water mark, if they are
   * above the high-water mark; returns at once otherwise (no step is taken).
   *
   * @returns A coroutine to `yield*`.
   * @throws The connection's error, e.g. `ConnectionResetError` when the peer reset it.
   *
   * @example A fast writer waits for a slow reader
   * ```ts
   * import { assert } from "@std/assert";
   * import { run } from "yieldio";
   * import { wrapWritable } from "yieldio/io";
   * let mostInFlight = 0;
   * let inFlight = 0;
   * await run(function* () {
   *   const writer = wrapWritable(new WritableStream<Uint8Array>({
   *     async write(chunk) {
   *       await new Promise((resolve) => setTimeout(resolve, 1));
   *       inFlight -= chunk.length;
   *     },
   *   }), { highWater: 4096 });
   *   for (let i = 0; i < 20; i++) {
   *     writer.write(new Uint8Array(1024));
   *     inFlight += 1024;
   *     mostInFlight = Math.max(mostInFlight, inFlight);
   *     yield* writer.drain();
   *   }
   *   writer.close();
   *   yield* writer.waitClosed();
   * });
   * assert(mostInFlight <= 4096 + 1024, `${mostInFlight} bytes were in flight at once`);
   * ```
   */
  *drain(): Coro<void> {
    if (this.#exception !== null) throw this.#exception;
    while (this.#inFlight > this.#highWater && this.#exception === null && this.#state !== "closed") {
      const waiter = this.#drainWaiter ??= _hostFuture<void>(this.#loop ??= getRunningLoop());
      try {
        yield* waiter;
      } finally {
        if (this.#drainWaiter === waiter) this.#drainWaiter = null;
      }
    }
    if (this.#exception !== null) throw this.#exception;
  }

  /**
   * Closes the stream: what was written is still sent, then the host
   * resource (the whole connection, for a socket) is closed. Idempotent.
   */
  close(): void {
    if (this.#state !== "open") return;
    this.#state = "closing";
    this.#sink.close((error) => {
      if (error !== null && this.#exception === null) this.#exception = this.#sink.translate(error);
      this._closedByHost();
    });
  }

  /**
   * Closes at once, dropping the bytes not yet sent (a socket is reset).
   *
   * @param reason Why, passed to the host.
   */
  abort(reason?: unknown): void {
    if (this.#state === "closed") return;
    this.#state = "closing";
    this.#sink.abort(reason);
    this._closedByHost();
  }

  /**
   * Like asyncio's `StreamWriter.is_closing()`.
   * @returns Whether `close()` was called or the stream closed.
   */
  isClosing(): boolean {
    return this.#state !== "open";
  }

  /**
   * Waits until the stream is closed.
   *
   * @returns A coroutine to `yield*`.
   * @throws The error the stream failed with, if any (as asyncio's `wait_closed`).
   */
  *waitClosed(): Coro<void> {
    if (this.#state !== "closed") {
      const waiter = _hostFuture<void>(this.#loop ??= getRunningLoop());
      this.#closeWaiters.push(waiter);
      try {
        yield* waiter;
      } finally {
        const at = this.#closeWaiters.indexOf(waiter);
        if (at !== -1) this.#closeWaiters.splice(at, 1);
      }
    }
    if (this.#exception !== null) throw this.#exception;
  }

  /**
   * Reads what the transport knows about itself, such as the peer's address.
   *
   * @param name e.g. `"peername"`, `"sockname"` (`[host, port]`), `"pid"`.
   * @param defaultValue Returned when there is no such information.
   * @returns The transport's information, as asyncio's `get_extra_info`.
   *
   * @example A wrapped stream has no peer
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { run } from "yieldio";
   * import { wrapWritable } from "yieldio/io";
   * const peer = await run(function* () {
   *   const writer = wrapWritable(new WritableStream());
   *   writer.close();
   *   return writer.getExtraInfo("peername", "none");
   * });
   * assertEquals(peer, "none");
   * ```
   */
  getExtraInfo(name: string, defaultValue?: unknown): unknown {
    return Object.hasOwn(this.#extra, name) ? this.#extra[name] : defaultValue;
  }

  /**
   * Describes the writer for messages and `console.log`.
   * @returns e.g. `<StreamWriter open inFlight=1024>`.
   */
  toString(): string {
    const peer = this.#extra.peername;
    const where = Array.isArray(peer) ? ` peer=${peer.join(":")}` : "";
    return `<StreamWriter ${this.#state}${where} inFlight=${this.#inFlight}>`;
  }

  #written(size: number, error: unknown): void {
    this.#inFlight -= size;
    if (error !== null && error !== undefined && this.#exception === null) {
      this.#exception = this.#sink.translate(error);
    }
    if (this.#inFlight <= this.#lowWater || this.#exception !== null) _settle(this.#drainWaiter, undefined);
  }

  #finishClose(): void {
    _settle(this.#drainWaiter, undefined);
    for (const waiter of this.#closeWaiters.splice(0)) _settle(waiter, undefined);
    const onClosed = this.#onClosed;
    this.#onClosed = null;
    onClosed?.();
  }
}
