/**
 * StreamReader: asyncio's buffered byte reader. A back end (a socket, a
 * pipe, any `ReadableStream`) feeds it with `_feedData`/`_feedEof`; one
 * coroutine at a time reads from it.
 *
 * Invariants:
 * - the reader owns what it is fed and hands it out without copying where it
 *   can (a read within one delivered chunk returns a view of it): bytes
 *   returned are the caller's, and no later read returns them again;
 * - at most one coroutine waits (`#waiter`), as in asyncio;
 * - a read takes bytes only after its wait is over, synchronously, so a read
 *   cancelled while it waits loses nothing: the bytes stay for the next read;
 * - flow control as asyncio's: the source is paused while more than
 *   2 × `limit` bytes are buffered and resumed once at most `limit` are, or
 *   when a reader waits (so a wait can never deadlock on a paused source).
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { InvalidStateError } from "../errors.ts";
import type { EventLoop } from "../task/event_loop.ts";
import type { Future } from "../task/future.ts";
import { getRunningLoop } from "../task/running_loop.ts";
import type { Coro } from "../task/yield_protocol.ts";
import { IncompleteReadError, LimitOverrunError } from "./errors.ts";
import { _ByteBuffer } from "./_byte_buffer.ts";
import { _hostFuture, _settle } from "./_host_future.ts";

/** asyncio's `_DEFAULT_LIMIT`: 64 KiB. */
export const DEFAULT_LIMIT = 64 * 1024;

const EMPTY = new Uint8Array(0);
const NEWLINE = new Uint8Array([10]);
const encoder = new TextEncoder();

/** Options for {@linkcode StreamReader}. */
export interface StreamReaderOptions {
  /** The longest line (or `readuntil` chunk) in bytes, and half the buffer that pauses the source. Default 64 KiB. */
  limit?: number;
}

/** @internal How a reader throttles and stops what feeds it. */
export interface _Source {
  /** Stop delivering data until `resume()`. */
  pause(): void;
  /** Deliver data again. */
  resume(): void;
  /** Stop for good and release the host resource. */
  cancel(reason: unknown): void;
}

/**
 * A buffered reader of bytes with asyncio's API. Get one from
 * `openConnection`, a server's handler, a child process's `stdout`, or
 * `wrapReadable` (any `ReadableStream`: a `fetch` body, a file, stdin).
 *
 * In plain `async` code, `for await (const line of reader)` reads lines
 * (asyncio's `async for`); in a coroutine, loop on `readline()` until it
 * returns an empty array.
 *
 * @example Reading lines from a ReadableStream
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { run } from "yieldio";
 * import { wrapReadable } from "yieldio/io";
 * const lines = await run(function* () {
 *   const reader = wrapReadable(new Blob(["one\ntwo\nthree"]).stream());
 *   const out: string[] = [];
 *   for (let line = yield* reader.readline(); line.length > 0; line = yield* reader.readline()) {
 *     out.push(new TextDecoder().decode(line));
 *   }
 *   return out;
 * });
 * assertEquals(lines, ["one\n", "two\n", "three"]);
 * ```
 */
export class StreamReader {
  #limit: number;
  #buf = new _ByteBuffer();
  #eof = false;
  #exception: unknown = null;
  #waiter: Future<void> | null = null;
  #source: _Source | null = null;
  // Invariant: #paused only while #source is set and it was told to pause.
  #paused = false;
  // Invariant: while a reader waits, the buffered size that is worth waking it for (EOF and errors always are):
  // a readexactly(n) is woken once, not once per chunk. Each wake is a loop iteration.
  #wanted = 1;
  #loop: EventLoop | null = null;

  /**
   * An empty reader with no source (asyncio's `StreamReader(limit=...)`):
   * `openConnection`, `wrapReadable` and the subprocess functions make the
   * readers that are fed.
   *
   * @param options `limit` (default 64 KiB).
   * @throws {RangeError} When `limit` is not a positive integer.
   */
  constructor(options?: StreamReaderOptions) {
    const limit = options?.limit ?? DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit <= 0) {
      throw new RangeError(`StreamReader's limit must be a positive integer, got ${describeValue(limit)}`);
    }
    this.#limit = limit;
  }

  /** The line-length limit in bytes. */
  get limit(): number {
    return this.#limit;
  }

  /**
   * @internal Attaches the source that feeds this reader (for flow control
   * and `cancel`). A source attached paused is resumed by the first wait.
   */
  _setSource(source: _Source, paused: boolean): void {
    this.#source = source;
    this.#paused = paused;
  }

  /** @internal Appends bytes read from the host, taking ownership of `chunk`, and wakes the waiting reader. */
  _feedData(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (this.#eof) throw new InvalidStateError(`${this} was fed data after EOF`);
    this.#buf.push(chunk);
    if (this.#buf.size >= this.#wanted) _settle(this.#waiter, undefined);
    // Never paused under a reader that waits for more (a readexactly(n) with n over 2 × limit, a read to EOF).
    const starved = this.#waiter !== null && this.#buf.size < this.#wanted;
    if (!this.#paused && !starved && this.#source !== null && this.#buf.size > 2 * this.#limit) {
      this.#paused = true;
      this.#source.pause();
    }
  }

  /** @internal Marks the end of the stream and wakes the waiting reader. */
  _feedEof(): void {
    this.#eof = true;
    _settle(this.#waiter, undefined);
  }

  /** @internal Fails every read from now on with `error` (asyncio's `set_exception`). */
  _setException(error: unknown): void {
    this.#exception = error;
    _settle(this.#waiter, undefined);
  }

  /**
   * Like asyncio's `StreamReader.exception()`: once set, every read raises it.
   * @returns The error the stream failed with, or null.
   */
  exception(): unknown {
    return this.#exception;
  }

  /**
   * Like asyncio's `StreamReader.at_eof()`.
   * @returns Whether the stream ended and every byte was read.
   */
  atEof(): boolean {
    return this.#eof && this.#buf.size === 0;
  }

  /**
   * Stops reading from the source (a `ReadableStream` is cancelled) and
   * drops the buffered bytes; reads see EOF from then on. Not in asyncio,
   * whose readers belong to a transport; here a reader can wrap a stream of
   * its own, and this is how that stream is let go.
   *
   * @param reason Passed to the source's `cancel`.
   */
  cancel(reason?: unknown): void {
    this.#buf.clear();
    const source = this.#source;
    this.#source = null;
    this.#paused = false;
    this._feedEof();
    source?.cancel(reason);
  }

  /**
   * Reads up to `n` bytes: waits until at least one byte (or EOF) is there.
   * With `n` negative (the default), reads until EOF and returns everything.
   *
   * @param n The most bytes to return; -1 for all until EOF.
   * @returns The bytes; empty at EOF (or when `n` is 0).
   * @throws {TypeError} When `n` is not an integer.
   * @throws {InvalidStateError} When another coroutine is already reading.
   * @throws The stream's own error (e.g. `ConnectionResetError`).
   *
   * @example read(n) returns what is there, up to n
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { run } from "yieldio";
   * import { wrapReadable } from "yieldio/io";
   * const got = await run(function* () {
   *   const reader = wrapReadable(new Blob(["abcdef"]).stream());
   *   return [yield* reader.read(4), yield* reader.read()].map((b) => new TextDecoder().decode(b));
   * });
   * assertEquals(got, ["abcd", "ef"]);
   * ```
   */
  *read(n = -1): Coro<Uint8Array> {
    checkCount(n, "read", true);
    if (n === 0) return EMPTY;
    if (n < 0) {
      // Nothing is taken before EOF, so a cancelled read-all loses nothing; the source is not paused meanwhile
      // (see _feedData), since all of it must be held anyway.
      for (;;) {
        this.#raiseIfFailed();
        if (this.#eof) return this.#take(this.#buf.size);
        yield* this.#wait("read()", Infinity);
      }
    }
    this.#raiseIfFailed();
    while (this.#buf.size === 0 && !this.#eof) {
      yield* this.#wait("read()", 1);
      this.#raiseIfFailed();
    }
    return this.#take(Math.min(n, this.#buf.size));
  }

  /**
   * Reads one line, up to and including `\n`. At EOF returns what is left
   * (without `\n`), then an empty array.
   *
   * @returns The line; empty at EOF.
   * @throws {LimitOverrunError} When a line exceeds `limit`: the line is
   *   discarded (asyncio raises `ValueError` here).
   * @throws {InvalidStateError} When another coroutine is already reading.
   *
   * @example A last line without a newline
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { run } from "yieldio";
   * import { wrapReadable } from "yieldio/io";
   * const lines = await run(function* () {
   *   const reader = wrapReadable(new Blob(["a\nb"]).stream());
   *   return [yield* reader.readline(), yield* reader.readline(), yield* reader.readline()].map((l) => l.length);
   * });
   * assertEquals(lines, [2, 1, 0]);
   * ```
   */
  *readline(): Coro<Uint8Array> {
    try {
      return yield* this.readuntil(NEWLINE);
    } catch (error) {
      if (error instanceof IncompleteReadError) return error.partial;
      if (error instanceof LimitOverrunError) {
        if (this.#buf.at(error.consumed) === 10) this.#take(error.consumed + 1);
        else this.#take(this.#buf.size);
      }
      throw error;
    }
  }

  /**
   * Reads exactly `n` bytes.
   *
   * @param n How many bytes.
   * @returns Exactly `n` bytes.
   * @throws {IncompleteReadError} When EOF comes first; its `partial` holds what was read.
   * @throws {RangeError} When `n` is negative.
   * @throws {TypeError} When `n` is not an integer.
   * @throws {InvalidStateError} When another coroutine is already reading.
   *
   * @example EOF inside readexactly
   * ```ts
   * import { assertEquals, assertInstanceOf } from "@std/assert";
   * import { run } from "yieldio";
   * import { IncompleteReadError, wrapReadable } from "yieldio/io";
   * const err = await run(function* () {
   *   const reader = wrapReadable(new Blob(["abc"]).stream());
   *   try {
   *     yield* reader.readexactly(5);
   *   } catch (e) {
   *     return e;
   *   }
   * });
   * assertInstanceOf(err, IncompleteReadError);
   * assertEquals([err.partial.length, err.expected], [3, 5]);
   * ```
   */
  *readexactly(n: number): Coro<Uint8Array> {
    checkCount(n, "readexactly", false);
    this.#raiseIfFailed();
    if (n === 0) return EMPTY;
    while (this.#buf.size < n) {
      if (this.#eof) throw new IncompleteReadError(this.#take(this.#buf.size), n);
      yield* this.#wait("readexactly()", n);
      this.#raiseIfFailed();
    }
    return this.#take(n);
  }

  /**
   * Reads up to and including `separator`.
   *
   * @param separator Bytes, or a string (UTF-8). Default `"\n"`.
   * @returns The data, ending with the separator.
   * @throws {IncompleteReadError} At EOF before the separator: `partial` holds the rest of the stream, consumed.
   * @throws {LimitOverrunError} When more than `limit` bytes come before the
   *   separator; the data stays in the reader.
   * @throws {RangeError} When the separator is empty.
   * @throws {TypeError} When the separator is neither bytes nor a string.
   * @throws {InvalidStateError} When another coroutine is already reading.
   *
   * @example Reading a record up to a two-byte separator
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { run } from "yieldio";
   * import { wrapReadable } from "yieldio/io";
   * const record = await run(function* () {
   *   const reader = wrapReadable(new Blob(["key: value\r\nrest"]).stream());
   *   return new TextDecoder().decode(yield* reader.readuntil("\r\n"));
   * });
   * assertEquals(record, "key: value\r\n");
   * ```
   */
  *readuntil(separator: Uint8Array | string = NEWLINE): Coro<Uint8Array> {
    const sep = typeof separator === "string" ? encoder.encode(separator) : separator;
    if (!(sep instanceof Uint8Array)) {
      throw new TypeError(`readuntil expects a Uint8Array or a string separator, got ${describeValue(separator)}`);
    }
    if (sep.length === 0) throw new RangeError("readuntil's separator must not be empty");
    this.#raiseIfFailed();
    let offset = 0;
    let found: number;
    for (;;) {
      const size = this.#buf.size;
      if (size - offset >= sep.length) {
        found = this.#buf.indexOf(sep, offset);
        if (found !== -1) break;
        offset = size + 1 - sep.length;
        if (offset > this.#limit) {
          throw new LimitOverrunError("Separator is not found, and chunk exceed the limit", offset);
        }
      }
      if (this.#eof) throw new IncompleteReadError(this.#take(size), null);
      yield* this.#wait("readuntil()", this.#buf.size + 1);
      this.#raiseIfFailed();
    }
    if (found > this.#limit) throw new LimitOverrunError("Separator is found, but chunk is longer than limit", found);
    return this.#take(found + sep.length);
  }

  /**
   * Lines for plain `async` code: `for await (const line of reader)`, as
   * asyncio's `async for line in reader`. Each step runs `readline()` as a
   * task on the reader's loop, which must be running.
   *
   * @returns An async iterator of lines (each ending with `\n`, but maybe the last).
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
    const loop = this.#loop ?? getRunningLoop();
    for (;;) {
      const line = await loop.createTask(this.readline());
      if (line.length === 0) return;
      yield line;
    }
  }

  /**
   * Describes the reader for messages and `console.log`.
   * @returns e.g. `<StreamReader 12 bytes eof>`.
   */
  toString(): string {
    const error = this.#exception;
    const failed = error === null ? "" : ` exception=${error instanceof Error ? error.name : describeValue(error)}`;
    return `<StreamReader ${this.#buf.size} bytes${this.#eof ? " eof" : ""}${failed}${this.#paused ? " paused" : ""}>`;
  }

  #raiseIfFailed(): void {
    if (this.#exception !== null) throw this.#exception;
  }

  *#wait(caller: string, wanted: number): Coro<void> {
    if (this.#waiter !== null) {
      throw new InvalidStateError(`${caller} called while another coroutine is already waiting for incoming data`);
    }
    if (this.#eof) throw new InvalidStateError(`${caller} waited after EOF`);
    if (this.#paused) {
      this.#paused = false;
      this.#source?.resume();
    }
    const loop = this.#loop ??= getRunningLoop();
    const waiter = this.#waiter = _hostFuture<void>(loop);
    this.#wanted = wanted;
    try {
      yield* waiter;
    } finally {
      this.#waiter = null;
    }
  }

  #take(n: number): Uint8Array {
    const out = this.#buf.take(n);
    if (this.#paused && this.#buf.size <= this.#limit) {
      this.#paused = false;
      this.#source?.resume();
    }
    return out;
  }
}

function checkCount(n: number, method: string, negativeMeansAll: boolean): void {
  if (!Number.isInteger(n)) throw new TypeError(`${method} expects an integer count, got ${describeValue(n)}`);
  if (n < 0 && !negativeMeansAll) throw new RangeError(`${method} expects a count of 0 or more, got ${n}`);
}
