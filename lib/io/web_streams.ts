/**
 * StreamReader and StreamWriter over Web Streams: any `ReadableStream` or
 * `WritableStream` of bytes, in every runtime (`fetch` bodies, files,
 * stdin/stdout, Deno's sockets and pipes).
 *
 * A wrapped stream is read only once a coroutine reads, and at most
 * 2 × `limit` ahead (see `_pump.ts`).
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import type { EventLoop } from "../task/event_loop.ts";
import { getRunningLoop } from "../task/running_loop.ts";
import { _pumpInto } from "./_pump.ts";
import { _track, _untrack } from "./_resources.ts";
import { StreamReader, type StreamReaderOptions } from "./stream_reader.ts";
import { type _Sink, StreamWriter, type StreamWriterOptions } from "./stream_writer.ts";

const encoder = new TextEncoder();

/** @internal Feeds `reader` from a ReadableStream (locking it). */
export function _pumpStream(
  stream: ReadableStream<Uint8Array | string>,
  reader: StreamReader,
  translate: (error: unknown) => unknown,
  onEnd: () => void,
): void {
  const host = stream.getReader();
  _pumpInto(reader, {
    async read() {
      const { value, done } = await host.read();
      if (done) return null;
      return typeof value === "string" ? encoder.encode(value) : value;
    },
    cancel(reason) {
      host.cancel(reason).catch(() => {});
    },
    translate,
    onEnd,
  });
}

/** @internal A sink writing to `stream`; `translate` maps host errors. */
export function _webSink(stream: WritableStream<Uint8Array>, translate: (error: unknown) => unknown): _Sink {
  const host = stream.getWriter();
  return {
    write(chunk, done) {
      host.write(chunk).then(() => done(null), done);
    },
    close(done) {
      host.close().then(() => done(null), done);
    },
    abort(reason) {
      host.abort(reason).catch(() => {});
    },
    translate,
  };
}

function same(error: unknown): unknown {
  return error;
}

/** A resource entry for the sanitizer: what kind of stream, and how to close it. */
function trackStream(loop: EventLoop, label: string, close: () => void): () => void {
  const resource = { toString: () => label, close };
  _track(loop, resource);
  return () => _untrack(loop, resource);
}

/**
 * Wraps a `ReadableStream` of bytes (or strings, read as UTF-8) in a
 * {@linkcode StreamReader}. The reader owns the stream from then on: it
 * locks it, reads it as the reader is read, and `reader.cancel()` cancels it.
 *
 * @param stream A `fetch` body, `Deno.stdin.readable`, `Blob.stream()`, ...
 * @param options The reader's `limit`.
 * @returns The reader.
 * @throws {TypeError} When `stream` is not a ReadableStream, or is locked.
 * @throws {InvalidStateError} When no loop is running.
 *
 * @example Reading a fetch body line by line
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { run } from "yieldio";
 * import { wrapReadable } from "yieldio/io";
 * const first = await run(function* () {
 *   const reader = wrapReadable(new Response("status: ok\nmore\n").body!);
 *   const line = yield* reader.readline();
 *   reader.cancel();
 *   return new TextDecoder().decode(line);
 * });
 * assertEquals(first, "status: ok\n");
 * ```
 */
export function wrapReadable(
  stream: ReadableStream<Uint8Array | string>,
  options?: StreamReaderOptions,
): StreamReader {
  if (!(stream instanceof ReadableStream)) {
    throw new TypeError(`wrapReadable expects a ReadableStream, got ${describeValue(stream)}`);
  }
  if (stream.locked) throw new TypeError("wrapReadable needs an unlocked ReadableStream: this one has a reader");
  const loop = getRunningLoop();
  const reader = new StreamReader(options);
  const untrack = trackStream(loop, "<ReadableStream being read by a StreamReader>", () => reader.cancel());
  _pumpStream(stream, reader, same, untrack);
  return reader;
}

/**
 * Wraps a `WritableStream` of bytes in a {@linkcode StreamWriter}, which
 * locks it; `writer.close()` closes it.
 *
 * @param stream `Deno.stdout.writable`, a `TransformStream`'s writable side, ...
 * @param options The writer's `highWater` mark.
 * @returns The writer.
 * @throws {TypeError} When `stream` is not a WritableStream, or is locked.
 * @throws {InvalidStateError} When no loop is running.
 *
 * @example Writing through a TransformStream
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { run } from "yieldio";
 * import { wrapReadable, wrapWritable } from "yieldio/io";
 * const echoed = await run(function* () {
 *   const pipe = new TransformStream<Uint8Array, Uint8Array>();
 *   const writer = wrapWritable(pipe.writable);
 *   const reader = wrapReadable(pipe.readable);
 *   writer.write("ping\n");
 *   const line = yield* reader.readline();
 *   writer.close();
 *   yield* reader.read();
 *   return new TextDecoder().decode(line);
 * });
 * assertEquals(echoed, "ping\n");
 * ```
 */
export function wrapWritable(stream: WritableStream<Uint8Array>, options?: StreamWriterOptions): StreamWriter {
  if (!(stream instanceof WritableStream)) {
    throw new TypeError(`wrapWritable expects a WritableStream, got ${describeValue(stream)}`);
  }
  if (stream.locked) throw new TypeError("wrapWritable needs an unlocked WritableStream: this one has a writer");
  const loop = getRunningLoop();
  const writer = new StreamWriter(_webSink(stream, same), options);
  const untrack = trackStream(loop, "<WritableStream written by a StreamWriter>", () => writer.abort());
  writer._onClosed(untrack);
  return writer;
}
