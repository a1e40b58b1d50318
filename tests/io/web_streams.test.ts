/**
 * StreamReader and StreamWriter over Web Streams, in every runtime: the
 * wrapped stream is read only on demand and at most 2 × limit ahead, a
 * cancelled reader cancels its stream, the writer's backpressure bounds what
 * is in flight, and a failing sink fails writes, drain and waitClosed.
 * Streams settle through host promises, so these run on the real clock.
 */

import { assert, assertEquals, assertInstanceOf, assertStrictEquals } from "@std/assert";
import { fromPromise, getRunningLoop, InvalidStateError, run, runSync, sleep } from "../../mod.ts";
import { blockingRefusal } from "../../lib/loop/idle/atomics.ts";
import { IncompleteReadError, wrapReadable, wrapWritable } from "../../lib/io/mod.ts";
import { _openResources } from "../../lib/io/_resources.ts";
import { caught } from "../_support/caught.ts";
import { bytes, text } from "./_helpers.ts";
import { LINES, withTestServer } from "./_test_server.ts";

/** A stream of `count` chunks of `size` bytes that notes each pull and its cancel reason. */
function counted(count: number, size: number) {
  const log = { pulls: 0, cancelled: undefined as unknown };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (log.pulls === count) return controller.close();
      log.pulls++;
      controller.enqueue(new Uint8Array(size).fill(97));
    },
    cancel(reason) {
      log.cancelled = reason;
    },
  }, { highWaterMark: 0 });
  return { stream, log };
}

Deno.test("wrapReadable reads nothing from the stream until a coroutine reads", async () => {
  const pulls = await run(function* () {
    const { stream, log } = counted(10, 100);
    const reader = wrapReadable(stream);
    yield* sleep(5);
    const before = log.pulls;
    yield* reader.read(1);
    reader.cancel();
    return [before, log.pulls > 0];
  });
  assertEquals(pulls, [0, true]);
});

Deno.test("wrapReadable reads ahead at most 2 × limit, then resumes as the buffer drains", async () => {
  const [ahead, total, all] = await run(function* () {
    const { stream, log } = counted(50, 100);
    const reader = wrapReadable(stream, { limit: 300 });
    yield* reader.read(1);
    yield* sleep(10);
    const ahead = log.pulls;
    const all = (yield* reader.read()).length;
    return [ahead, log.pulls, all];
  });
  assertEquals(ahead, 7, "pauses after the first chunk that takes the buffer past 600 bytes");
  assertEquals([total, all], [50, 50 * 100 - 1]);
});

Deno.test("reader.cancel(reason) cancels the wrapped stream and reads see EOF", async () => {
  const [reason, after, eof] = await run(function* () {
    const { stream, log } = counted(10, 100);
    const reader = wrapReadable(stream, { limit: 100 });
    yield* reader.read(1);
    reader.cancel("done with it");
    yield* sleep(0);
    return [log.cancelled, (yield* reader.read()).length, reader.atEof()];
  });
  assertEquals([reason, after, eof], ["done with it", 0, true]);
});

Deno.test("a stream that errors fails the next read with its error", async () => {
  const boom = new Error("disk on fire");
  const error = await run(function* () {
    const reader = wrapReadable(
      new ReadableStream({
        start(controller) {
          controller.enqueue(bytes("partial"));
          controller.error(boom);
        },
      }),
    );
    return yield* caught(reader.read());
  });
  assertStrictEquals(error, boom);
});

Deno.test("wrapReadable of strings reads them as UTF-8", async () => {
  const line = await run(function* () {
    const reader = wrapReadable(new Blob(["héllo\n"]).stream().pipeThrough(new TextDecoderStream()));
    return text(yield* reader.readline());
  });
  assertEquals(line, "héllo\n");
});

Deno.test("wrapReadable and wrapWritable refuse what is not a stream, or a locked one, naming it", async () => {
  const errors = await run(function* () {
    const locked = new ReadableStream();
    locked.getReader();
    const lockedW = new WritableStream();
    lockedW.getWriter();
    const out: string[] = [];
    for (
      const call of [
        () => wrapReadable("text" as unknown as ReadableStream),
        () => wrapReadable(locked),
        () => wrapWritable({} as WritableStream),
        () => wrapWritable(lockedW),
      ]
    ) {
      try {
        call();
      } catch (e) {
        out.push(`${(e as Error).name}: ${(e as Error).message}`);
      }
    }
    yield* sleep(0);
    return out;
  });
  assertEquals(errors, [
    'TypeError: wrapReadable expects a ReadableStream, got "text" (a string)',
    "TypeError: wrapReadable needs an unlocked ReadableStream: this one has a reader",
    "TypeError: wrapWritable expects a WritableStream, got an object",
    "TypeError: wrapWritable needs an unlocked WritableStream: this one has a writer",
  ]);
});

Deno.test("a wrapped stream is an open resource of its loop until it ends or is closed", async () => {
  const seen = await run(function* () {
    const loop = getRunningLoop();
    const reader = wrapReadable(new Blob(["x"]).stream());
    const writer = wrapWritable(new WritableStream());
    const open = _openResources(loop).map(String);
    yield* reader.read();
    writer.close();
    yield* writer.waitClosed();
    return [open, _openResources(loop).map(String)];
  });
  assertEquals(seen, [[
    "<ReadableStream being read by a StreamReader>",
    "<WritableStream written by a StreamWriter>",
  ], []]);
});

Deno.test("write() after close() is an InvalidStateError naming the writer", async () => {
  const error = await run(function* () {
    const writer = wrapWritable(new WritableStream());
    writer.close();
    try {
      writer.write("late");
    } catch (e) {
      return e;
    } finally {
      yield* writer.waitClosed();
    }
  });
  assertInstanceOf(error, InvalidStateError);
  assertEquals(error.message, "write() on <StreamWriter closing inFlight=0>: close() was already called");
});

Deno.test("write() of something other than bytes or a string is a TypeError naming it", async () => {
  const error = await run(function* () {
    const writer = wrapWritable(new WritableStream());
    try {
      writer.write(42 as unknown as string);
    } catch (e) {
      return e;
    } finally {
      writer.close();
      yield* writer.waitClosed();
    }
  });
  assertInstanceOf(error, TypeError);
  assertEquals(error.message, "write expects a Uint8Array or a string, got 42 (a number)");
});

Deno.test("drain() bounds the bytes in flight to the high-water mark plus one write", async () => {
  const [most, received] = await run(function* () {
    let inFlight = 0;
    let most = 0;
    let received = 0;
    const writer = wrapWritable(
      new WritableStream<Uint8Array>({
        async write(chunk) {
          await new Promise((resolve) => setTimeout(resolve, 0));
          inFlight -= chunk.length;
          received += chunk.length;
        },
      }),
      { highWater: 8192 },
    );
    for (let i = 0; i < 64; i++) {
      writer.write(new Uint8Array(1000));
      inFlight += 1000;
      most = Math.max(most, inFlight);
      yield* writer.drain();
    }
    writer.close();
    yield* writer.waitClosed();
    return [most, received];
  });
  assert(most <= 8192 + 1000, `${most} bytes were in flight at once`);
  assertEquals(received, 64_000);
});

Deno.test("a sink that fails makes write, drain and waitClosed raise its error", async () => {
  const boom = new Error("sink broke");
  const [drained, written, closed] = await run(function* () {
    const writer = wrapWritable(
      new WritableStream({
        write() {
          throw boom;
        },
      }),
      { highWater: 0 },
    );
    writer.write("a");
    const drained = yield* caught(writer.drain());
    let written: unknown = null;
    try {
      writer.write("b");
    } catch (e) {
      written = e;
    }
    writer.abort();
    return [drained, written, yield* caught(writer.waitClosed())];
  });
  assertStrictEquals(drained, boom);
  assertStrictEquals(written, boom);
  assertStrictEquals(closed, boom);
});

Deno.test("writelines writes each item in order, and isClosing() turns true at close()", async () => {
  const [out, before, after] = await run(function* () {
    const chunks: string[] = [];
    const writer = wrapWritable(new WritableStream<Uint8Array>({ write: (c) => void chunks.push(text(c)) }));
    writer.writelines(["a", bytes("b"), "c"]);
    const before = writer.isClosing();
    writer.close();
    const after = writer.isClosing();
    yield* writer.waitClosed();
    return [chunks, before, after];
  });
  assertEquals([out, before, after], [["a", "b", "c"], false, true]);
});

Deno.test("a fetch body from a local server reads line by line, in every runtime", async () => {
  const lines = await run(function* () {
    return yield* withTestServer(function* (base) {
      const response = yield* fromPromise((signal) => fetch(`${base}/io/lines`, { signal }));
      const reader = wrapReadable(response.body!);
      const out: string[] = [];
      for (let line = yield* reader.readline(); line.length > 0; line = yield* reader.readline()) out.push(text(line));
      return out;
    });
  });
  assertEquals(lines, LINES);
});

Deno.test("readexactly over a fetch body raises IncompleteReadError at its end, with what was left", async () => {
  const [first, error] = await run(function* () {
    return yield* withTestServer(function* (base) {
      const response = yield* fromPromise((signal) => fetch(`${base}/io/lines`, { signal }));
      const reader = wrapReadable(response.body!);
      const first = text(yield* reader.readexactly(LINES[0].length));
      return [first, yield* caught(reader.readexactly(100_000))] as const;
    });
  });
  assertEquals(first, LINES[0]);
  assertInstanceOf(error, IncompleteReadError);
  assertEquals(text(error.partial), LINES.slice(1).join(""));
});

Deno.test("readexactly(n) beyond 2 × limit keeps the source flowing until n bytes are there", async () => {
  const got = await run(function* () {
    const { stream } = counted(20, 100);
    const reader = wrapReadable(stream, { limit: 100 });
    const all = yield* reader.readexactly(1500);
    const rest = yield* reader.read();
    return [all.length, rest.length];
  });
  assertEquals(got, [1500, 500]);
});

// Where the thread may block (not a browser page's main thread, which refuses runSync itself).
(blockingRefusal() === null ? Deno.test : () => {})(
  "I/O under runSync() fails at once with InvalidStateError instead of hanging",
  () => {
    const error = runSync(function* () {
      const reader = wrapReadable(new Blob(["x"]).stream());
      try {
        yield* reader.read();
      } catch (e) {
        return e;
      } finally {
        reader.cancel();
      }
    });
    assertInstanceOf(error, InvalidStateError);
    assertEquals(
      (error as Error).message,
      "I/O needs a host-driven loop: under runSync() no host callback can run while the loop waits. Use run()",
    );
  },
);
