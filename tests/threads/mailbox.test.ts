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

/** Everything structured clone preserves about a value, as plain data: own keys, prototypes, classes, -0, NaN. */
function shape(value: unknown): unknown {
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value !== "object" || value === null) return [typeof value, value];
  if (value instanceof Date) return ["Date", String(value.getTime())];
  if (value instanceof RegExp) return ["RegExp", value.source, value.flags, value.lastIndex];
  if (value instanceof Map) return ["Map", [...value].map(([k, v]) => [shape(k), shape(v)])];
  if (value instanceof Set) return ["Set", [...value].map(shape)];
  if (value instanceof ArrayBuffer) return ["ArrayBuffer", [...new Uint8Array(value)]];
  if (ArrayBuffer.isView(value)) {
    return [value.constructor.name, [...new Uint8Array(value.buffer, value.byteOffset, value.byteLength)]];
  }
  const proto = Object.getPrototypeOf(value);
  if (value instanceof Error) {
    const cause = Object.hasOwn(value, "cause") ? shape(value.cause) : "no cause";
    return ["Error", proto.constructor.name, value.name, value.message, value.stack, cause];
  }
  const keys = Object.getOwnPropertyNames(value).filter((key) => !(Array.isArray(value) && key === "length"));
  const own = keys.map((key) => [key, shape(Object.getOwnPropertyDescriptor(value, key)!.value)]);
  return [Array.isArray(value) ? "Array" : proto === Object.prototype ? "Object" : "other prototype", own];
}

/** `{ "__proto__": value, ...rest }` with "__proto__" as an own data key, as JSON.parse and structured clone make it. */
function ownProto(value: unknown, rest: Record<string, unknown> = {}): Record<string, unknown> {
  const object = Object.defineProperty({}, "__proto__", {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
  return Object.assign(object, rest);
}

Deno.test("the mailbox codec gives back what structured clone gives back, own __proto__ keys included", () => {
  class Custom extends Error {
    override name = "Custom";
  }
  const table: [string, unknown][] = [
    ["an own __proto__ key", JSON.parse('{"__proto__": {"polluted": true}, "b": 2}')],
    ["a nested own __proto__ key", { outer: ownProto([1, ownProto(null)], { after: "kept" }) }],
    ["an own __proto__ key holding a primitive", ownProto(5)],
    ["own __proto__ keys in an array, a Map and a Set", [
      ownProto(1),
      new Map([["k", ownProto(2)]]),
      new Set([ownProto(3)]),
    ]],
    ["an object without a prototype", Object.assign(Object.create(null), { a: 1, constructor: "not a class" })],
    ["numbers", [0, -0, NaN, Infinity, -Infinity, 1.5, 2n ** 70n]],
    ["undefined in objects and arrays", { missing: undefined, list: [undefined, null] }],
    ["strings, lone surrogates included", ["héllo", "\ud800", "a\u2028b", ""]],
    ["dates, an invalid one included", [new Date(1234), new Date(NaN)]],
    ["a RegExp", /a+b/gi],
    ["Maps and Sets with object keys", [new Map<unknown, unknown>([[{ k: 1 }, [2]], [NaN, "nan"]]), new Set([{}, -0])]],
    ["binary data", [new Uint8Array([1, 2, 255]), new Float64Array([0.5, -2]), new Uint8Array([9, 8]).buffer]],
    ["a built-in error with a cause", new TypeError("bad", { cause: new RangeError("inner") })],
    ["an error without a cause, and one whose cause is undefined", [
      new Error("plain"),
      new Error("u", { cause: undefined }),
    ]],
    ["errors of a custom class or name (structured clone makes them plain Errors)", [
      new Custom("c"),
      Object.assign(new Error("n"), { name: "Renamed" }),
    ]],
  ];
  for (const [name, value] of table) {
    const back = decode(encode(value));
    assertEquals(shape(back), shape(structuredClone(value)), name);
  }
  const decoded = decode(encode(JSON.parse('{"__proto__": {"polluted": true}}'))) as Record<string, unknown>;
  assertEquals(Object.getPrototypeOf(decoded), Object.prototype, "a decoded __proto__ key never becomes the prototype");
  assertEquals(decoded.polluted, undefined);
});
