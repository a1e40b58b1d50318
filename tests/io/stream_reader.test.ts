/**
 * StreamReader, fed by hand as asyncio's own tests feed it: each test named
 * "(test_x)" ports that case of CPython's Lib/test/test_asyncio/test_streams.py
 * to the documented API (ValueError becomes RangeError or LimitOverrunError,
 * `_buffer` is read back with `read()` after `_feedEof()`). Virtual time: the
 * feeds are loop callbacks, so every order is exact.
 */

import { assertEquals, assertInstanceOf, assertStrictEquals, assertThrows } from "@std/assert";
import { CancelledError, createTask, fromPromise, getRunningLoop, InvalidStateError, run, sleep } from "../../mod.ts";
import { IncompleteReadError, LimitOverrunError, StreamReader } from "../../lib/io/mod.ts";
import { caught } from "../_support/caught.ts";
import { bytes, text } from "./_helpers.ts";

const DATA = "line1\nline2\nline3\n";

function fed(data: string, options?: { limit?: number }): StreamReader {
  const reader = new StreamReader(options);
  reader._feedData(bytes(data));
  return reader;
}

function* rest(reader: StreamReader) {
  reader._feedEof();
  return text(yield* reader.read());
}

function later(fn: () => void): void {
  getRunningLoop().callSoon(fn);
}

Deno.test("(test_read_zero) read(0) returns nothing and leaves the buffer", async () => {
  assertEquals(
    await run(function* () {
      const reader = fed(DATA);
      return [text(yield* reader.read(0)), yield* rest(reader)];
    }, { clock: "virtual" }),
    ["", DATA],
  );
});

Deno.test("(test_read) read(n) waits for data fed later and returns what came", async () => {
  assertEquals(
    await run(function* () {
      const reader = new StreamReader();
      later(() => reader._feedData(bytes(DATA)));
      return [text(yield* reader.read(30)), yield* rest(reader)];
    }, { clock: "virtual" }),
    [DATA, ""],
  );
});

Deno.test("(test_read_line_breaks) read(n) returns at most n bytes, across chunks", async () => {
  assertEquals(
    await run(function* () {
      const reader = fed("line1");
      reader._feedData(bytes("line2"));
      return [text(yield* reader.read(5)), yield* rest(reader)];
    }, { clock: "virtual" }),
    ["line1", "line2"],
  );
});

Deno.test("(test_read_eof) read(n) waiting at EOF returns an empty array", async () => {
  assertEquals(
    await run(function* () {
      const reader = new StreamReader();
      later(() => reader._feedEof());
      return (yield* reader.read(1024)).length;
    }, { clock: "virtual" }),
    0,
  );
});

Deno.test("(test_read_until_eof) read() gathers every chunk until EOF", async () => {
  assertEquals(
    await run(function* () {
      const reader = new StreamReader();
      later(() => {
        reader._feedData(bytes("chunk1\n"));
        reader._feedData(bytes("chunk2"));
        reader._feedEof();
      });
      return text(yield* reader.read());
    }, { clock: "virtual" }),
    "chunk1\nchunk2",
  );
});

Deno.test("(test_read_exception) a read after set_exception raises that error", async () => {
  const boom = new Error("boom");
  const [first, error] = await run(function* () {
    const reader = fed("line\n");
    const first = text(yield* reader.read(2));
    reader._setException(boom);
    return [first, yield* caught(reader.read(2))];
  }, { clock: "virtual" });
  assertEquals(first, "li");
  assertStrictEquals(error, boom);
});

Deno.test("(test_invalid_limit) a limit of 0 or less is a RangeError naming it", () => {
  assertThrows(() => new StreamReader({ limit: 0 }), RangeError, "limit must be a positive integer, got 0");
  assertThrows(() => new StreamReader({ limit: -1 }), RangeError, "got -1");
});

Deno.test("(test_read_limit) read(n) is not bound by the limit", async () => {
  assertEquals(
    await run(function* () {
      return text(yield* fed("chunk", { limit: 3 }).read(5));
    }),
    "chunk",
  );
});

Deno.test("(test_readline) readline waits for a line fed in pieces and leaves the rest", async () => {
  assertEquals(
    await run(function* () {
      const reader = fed("chunk1 ");
      later(() => {
        reader._feedData(bytes("chunk2 "));
        reader._feedData(bytes("chunk3 "));
        reader._feedData(bytes("\n chunk4"));
      });
      return [text(yield* reader.readline()), yield* rest(reader)];
    }, { clock: "virtual" }),
    ["chunk1 chunk2 chunk3 \n", " chunk4"],
  );
});

Deno.test("(test_readline_limit_with_existing_data) an overlong line is discarded up to its newline", async () => {
  assertEquals(
    await run(function* () {
      const a = fed("li", { limit: 3 });
      a._feedData(bytes("ne1\nline2\n"));
      const first = yield* caught(a.readline());
      const b = fed("li", { limit: 3 });
      b._feedData(bytes("ne1"));
      b._feedData(bytes("li"));
      const second = yield* caught(b.readline());
      return [first instanceof LimitOverrunError, yield* rest(a), second instanceof LimitOverrunError, yield* rest(b)];
    }, { clock: "virtual" }),
    [true, "line2\n", true, ""],
  );
});

Deno.test("(test_at_eof) atEof() is true only once EOF was fed and every byte read", async () => {
  assertEquals(
    await run(function* () {
      const reader = new StreamReader();
      const seen = [reader.atEof()];
      reader._feedData(bytes("some data\n"));
      seen.push(reader.atEof());
      yield* reader.readline();
      seen.push(reader.atEof());
      reader._feedData(bytes("some data\n"));
      reader._feedEof();
      seen.push(reader.atEof());
      yield* reader.readline();
      seen.push(reader.atEof());
      return seen;
    }, { clock: "virtual" }),
    [false, false, false, false, true],
  );
});

Deno.test("(test_readline_limit) a line over the limit fed after the call raises and is dropped", async () => {
  assertEquals(
    await run(function* () {
      const a = new StreamReader({ limit: 7 });
      later(() => {
        a._feedData(bytes("chunk1"));
        a._feedData(bytes("chunk2\n"));
        a._feedData(bytes("chunk3\n"));
        a._feedEof();
      });
      const error = yield* caught(a.readline());
      const b = fed("1234567\n", { limit: 7 });
      const strict = text(yield* b.readline());
      b._feedData(bytes("12345678\n"));
      const over = yield* caught(b.readline());
      return [
        error instanceof LimitOverrunError,
        yield* rest(a),
        strict,
        over instanceof LimitOverrunError,
        yield* rest(b),
      ];
    }, { clock: "virtual" }),
    [true, "chunk3\n", "1234567\n", true, ""],
  );
});

Deno.test("(test_readline_nolimit_nowait, test_readline_read_byte_count) readline then read(n) take in order", async () => {
  assertEquals(
    await run(function* () {
      const reader = fed(DATA.slice(0, 6));
      reader._feedData(bytes(DATA.slice(6)));
      return [text(yield* reader.readline()), text(yield* reader.read(7)), yield* rest(reader)];
    }, { clock: "virtual" }),
    ["line1\n", "line2\nl", "ine3\n"],
  );
});

Deno.test("(test_readline_eof, test_readline_empty_eof) readline at EOF returns the rest, then nothing", async () => {
  assertEquals(
    await run(function* () {
      const reader = fed("some data");
      reader._feedEof();
      return [text(yield* reader.readline()), text(yield* reader.readline())];
    }, { clock: "virtual" }),
    ["some data", ""],
  );
});

Deno.test("(test_readuntil_separator) an empty separator is a RangeError", async () => {
  const error = await run(function* () {
    return yield* caught(new StreamReader().readuntil(""));
  });
  assertInstanceOf(error, RangeError);
  assertEquals(error.message, "readuntil's separator must not be empty");
});

Deno.test("(test_readuntil_multi_chunks_1) readuntil finds a separator split across chunks", async () => {
  assertEquals(
    await run(function* () {
      const reader = fed("QWEaa");
      reader._feedData(bytes("XYaa"));
      reader._feedData(bytes("a"));
      const first = text(yield* reader.readuntil("aaa"));
      reader._feedData(bytes("QWEaa"));
      reader._feedData(bytes("XYa"));
      later(() => reader._feedData(bytes("aaxxx")));
      const second = text(yield* reader.readuntil("aaa"));
      return [first, second, yield* rest(reader)];
    }, { clock: "virtual" }),
    ["QWEaaXYaaa", "QWEaaXYaaa", "xxx"],
  );
});

Deno.test("(test_readuntil_eof) EOF before the separator raises IncompleteReadError with everything left", async () => {
  const [error, left] = await run(function* () {
    const reader = fed("some dataAA");
    reader._feedEof();
    return [yield* caught(reader.readuntil("AAA")), yield* rest(reader)];
  }, { clock: "virtual" });
  assertInstanceOf(error, IncompleteReadError);
  assertEquals([text(error.partial), error.expected, error.message, left], [
    "some dataAA",
    null,
    "11 bytes read on a total of undefined expected bytes",
    "",
  ]);
});

Deno.test("(test_readuntil_limit_found_sep) an overrun leaves the data in the reader", async () => {
  const [notFound, found, left] = await run(function* () {
    const reader = fed("some dataAA", { limit: 3 });
    const notFound = yield* caught(reader.readuntil("AAA"));
    reader._feedData(bytes("A"));
    const found = yield* caught(reader.readuntil("AAA"));
    return [notFound, found, yield* rest(reader)];
  }, { clock: "virtual" });
  assertInstanceOf(notFound, LimitOverrunError);
  assertInstanceOf(found, LimitOverrunError);
  assertEquals([notFound.message, found.message, found.consumed, left], [
    "Separator is not found, and chunk exceed the limit",
    "Separator is found, but chunk is longer than limit",
    9,
    "some dataAAA",
  ]);
});

Deno.test("(test_readexactly_zero_or_less) readexactly(0) is empty and readexactly(-1) a RangeError", async () => {
  const [zero, error, left] = await run(function* () {
    const reader = fed(DATA);
    return [text(yield* reader.readexactly(0)), yield* caught(reader.readexactly(-1)), yield* rest(reader)];
  }, { clock: "virtual" });
  assertEquals([zero, left], ["", DATA]);
  assertInstanceOf(error, RangeError);
  assertEquals((error as Error).message, "readexactly expects a count of 0 or more, got -1");
});

Deno.test("(test_readexactly) readexactly(n) waits across feeds and leaves the surplus", async () => {
  assertEquals(
    await run(function* () {
      const reader = new StreamReader();
      later(() => {
        for (let i = 0; i < 3; i++) reader._feedData(bytes(DATA));
      });
      return [text(yield* reader.readexactly(2 * DATA.length)), yield* rest(reader)];
    }, { clock: "virtual" }),
    [DATA + DATA, DATA],
  );
});

Deno.test("(test_readexactly_eof) EOF inside readexactly raises IncompleteReadError with partial and expected", async () => {
  const error = await run(function* () {
    const reader = new StreamReader();
    later(() => {
      reader._feedData(bytes(DATA));
      reader._feedEof();
    });
    return yield* caught(reader.readexactly(2 * DATA.length));
  }, { clock: "virtual" });
  assertInstanceOf(error, IncompleteReadError);
  assertEquals([text(error.partial), error.expected, error.message], [
    DATA,
    36,
    "18 bytes read on a total of 36 expected bytes",
  ]);
});

Deno.test("(test_exception_waiter) set_exception wakes a waiting readline with the error", async () => {
  const boom = new Error("boom");
  const error = await run(function* () {
    const reader = new StreamReader();
    later(() => reader._setException(boom));
    return yield* caught(reader.readline());
  }, { clock: "virtual" });
  assertStrictEquals(error, boom);
});

Deno.test("(test_exception_cancel) set_exception after the waiting reader was cancelled reports nothing", async () => {
  const reports: unknown[] = [];
  const after = await run(function* () {
    getRunningLoop().setExceptionHandler((_loop, context) => reports.push(context));
    const reader = new StreamReader();
    const task = createTask(reader.readline());
    yield* sleep(0);
    task.cancel();
    yield* sleep(0);
    reader._setException(new Error("message"));
    yield* sleep(0);
    return [task.cancelled(), String(reader)];
  }, { clock: "virtual" });
  assertEquals(after, [true, "<StreamReader 0 bytes exception=Error>"]);
  assertEquals(reports, []);
});

Deno.test("a read cancelled while it waits loses no data: the next read gets every byte", async () => {
  assertEquals(
    await run(function* () {
      const reader = fed("par");
      const task = createTask(reader.readexactly(10));
      yield* sleep(0);
      reader._feedData(bytes("tial"));
      task.cancel();
      const error = yield* caught(task);
      reader._feedData(bytes("-rest"));
      return [error instanceof CancelledError, text(yield* reader.readexactly(12))];
    }, { clock: "virtual" }),
    [true, "partial-rest"],
  );
});

Deno.test("two coroutines reading at once: the second gets InvalidStateError naming the conflict", async () => {
  const error = await run(function* () {
    const reader = new StreamReader();
    const first = createTask(reader.readline());
    yield* sleep(0);
    const error = yield* caught(reader.read(1));
    reader._feedData(bytes("x\n"));
    yield* first;
    return error;
  }, { clock: "virtual" });
  assertInstanceOf(error, InvalidStateError);
  assertEquals(error.message, "read() called while another coroutine is already waiting for incoming data");
});

Deno.test("read(n) with n not an integer, and readuntil with a number, are TypeErrors naming the value", async () => {
  const [a, b] = await run(function* () {
    const reader = new StreamReader();
    return [yield* caught(reader.read(1.5)), yield* caught(reader.readuntil(10 as unknown as string))];
  });
  assertInstanceOf(a, TypeError);
  assertEquals(a.message, "read expects an integer count, got 1.5 (a number)");
  assertInstanceOf(b, TypeError);
  assertEquals(b.message, "readuntil expects a Uint8Array or a string separator, got 10 (a number)");
});

Deno.test("plain async code reads lines with for await, as asyncio's async for", async () => {
  const lines = await run(function* () {
    const reader = fed("a\nb\nc");
    reader._feedEof();
    return yield* fromPromise((async () => {
      const out: string[] = [];
      for await (const line of reader) out.push(text(line));
      return out;
    })());
  });
  assertEquals(lines, ["a\n", "b\n", "c"]);
});

Deno.test("a cancelled read() to EOF loses nothing: the bytes it saw stay in the reader", async () => {
  assertEquals(
    await run(function* () {
      const reader = fed("first ");
      const task = createTask(reader.read());
      yield* sleep(0);
      reader._feedData(bytes("second"));
      task.cancel();
      const error = yield* caught(task);
      return [error instanceof CancelledError, yield* rest(reader)];
    }, { clock: "virtual" }),
    [true, "first second"],
  );
});
