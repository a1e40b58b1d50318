import { assertEquals, assertThrows } from "@std/assert";
import { decode, encode } from "../../lib/threads/_codec.ts";
import { Mailbox } from "../../lib/threads/_mailbox.ts";
import { sharedMemory } from "./_env.ts";

Deno.test("the mailbox codec round-trips the structured-clone values programs send", () => {
  const value = {
    text: "héllo",
    numbers: [0, -0, NaN, Infinity, -Infinity, 1.5],
    missing: undefined,
    big: 2n ** 70n,
    when: new Date(1234),
    pattern: /a+b/gi,
    map: new Map<unknown, unknown>([[1, { a: [1] }], ["k", null]]),
    set: new Set([1, "two"]),
    bytes: new Uint8Array([1, 2, 255]),
    floats: new Float64Array([0.5, -2]),
    buffer: new Uint8Array([9, 8]).buffer,
  };
  const back = decode(encode(value)) as typeof value;
  assertEquals(back, value);
  assertEquals(Object.is(back.numbers[1], -0), true);
});

Deno.test("the mailbox codec keeps an error's name, message, stack and cause", () => {
  const error = new RangeError("out", { cause: new Error("inner") });
  const back = decode(encode(error)) as Error;
  assertEquals([back.name, back.message, back.stack], [error.name, error.message, error.stack]);
  assertEquals((back.cause as Error).message, "inner");
});

Deno.test("the mailbox codec refuses functions, symbols and cycles with a TypeError", () => {
  assertThrows(() => encode({ f: () => 1 }), TypeError, "cannot be sent to another thread");
  assertThrows(() => encode([Symbol("s")]), TypeError);
  const cycle: { self?: unknown } = {};
  cycle.self = cycle;
  assertThrows(() => encode(cycle), TypeError, "cycle");
});

Deno.test("a mailbox delivers records in order across the wrap-around and refuses what does not fit", () => {
  // Without shared memory (a page that is not cross-origin isolated) the ring runs on a plain buffer: the
  // same Atomics loads and stores, one thread.
  const producer = sharedMemory
    ? new Mailbox(64)
    : new Mailbox(new ArrayBuffer(16 + 64) as unknown as SharedArrayBuffer);
  const consumer = new Mailbox(producer.buffer);
  const got: number[] = [];
  for (let round = 0; round < 20; round++) {
    for (let i = 0; i < 3; i++) assertEquals(producer.write(new Uint8Array(10).fill(round * 3 + i)), true);
    assertEquals(producer.write(new Uint8Array(30)), false, "full: 3 × 14 bytes of 64 are used");
    producer.wantSpace();
    for (const record of consumer.readAll()) got.push(record[0]);
    assertEquals(consumer.spaceWanted(), true);
    assertEquals(consumer.spaceWanted(), false);
  }
  assertEquals(got, Array.from({ length: 60 }, (_, i) => i));
});
