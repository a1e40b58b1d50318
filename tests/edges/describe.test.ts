/**
 * lib/_describe.ts, lib/_inspect.ts, lib/_creation_site.ts and
 * lib/_is_instance.ts are total: whatever the value, they return a
 * description and never throw. And `safeLabel` makes user text one safe line.
 */

import { assertEquals, assertStringIncludes } from "@std/assert";
import {
  describeThrown,
  describeValue,
  formatShort,
  safeLabel,
  safeString,
  uninspectable,
} from "../../lib/_describe.ts";
import { creationSite, deferredCreationSite } from "../../lib/_creation_site.ts";
import { PrintsAsToString } from "../../lib/_inspect.ts";
import { isInstance } from "../../lib/_is_instance.ts";
import { CancelledError, EventLoop } from "../../mod.ts";
import { HOSTILE } from "./_hostile.ts";

Deno.test("describeValue names every hostile value as the table says, without a throw", () => {
  for (const value of HOSTILE) assertEquals(describeValue(value.make()), value.described, value.name);
});

Deno.test("formatShort, safeString and describeThrown give one line for every hostile value, without a throw", () => {
  for (const value of HOSTILE) {
    for (const describe of [formatShort, safeString, describeThrown]) {
      const text = describe(value.make());
      assertEquals(typeof text, "string", `${describe.name}(${value.name})`);
    }
    assertEquals(formatShort(value.make()).includes("\n"), false, value.name);
  }
});

Deno.test("what a value says of itself is used where it works, and described where it throws", () => {
  assertEquals(safeString({ toString: () => "custom" }), "custom");
  assertEquals(safeString(Object.create(null)), "an object with a null prototype");
  assertEquals(safeString(Symbol("s")), "Symbol(s)");
  assertEquals(describeThrown(new RangeError("bad")), "RangeError: bad");
  assertEquals(describeThrown(null), "null");
  const broken = Object.defineProperty(new TypeError("hidden"), "message", {
    get(): never {
      throw new Error("no");
    },
  });
  assertEquals(describeThrown(broken), "TypeError: ");
});

Deno.test("formatShort prints a function by name, never its source, and an error on one line", () => {
  assertEquals(formatShort(function tick() {}), "[a function tick]");
  assertEquals(formatShort(new Error("two\nlines")), "Error: two\\nlines");
  assertEquals(formatShort(Object.create(null)), "[object]");
  assertEquals(formatShort([1, 2]), "[array(2)]");
});

Deno.test("describeValue uses 'an' before a vowel and escapes the names it prints", () => {
  assertEquals(describeValue(new Error("x")), "an Error object");
  assertEquals(describeValue(new Map()), "a Map object");
  const named = Object.defineProperty(function () {}, "name", { value: "evil\n\x1b[2J" });
  assertEquals(describeValue(named), "a function evil\\n\\x1b[2J");
});

Deno.test("uninspectable is a TypeError naming the caller and the value, with what it threw as its cause", () => {
  const cause = new Error("trap");
  const error = uninspectable("gather", "an awaitable at index 0", Object.create(null), cause);
  assertEquals(
    [error.name, error.message, error.cause],
    [
      "TypeError",
      "gather expects an awaitable at index 0, got an object with a null prototype, which threw when inspected",
      cause,
    ],
  );
});

Deno.test("safeLabel escapes control characters, line and paragraph separators and bidi controls", () => {
  assertEquals(safeLabel("plain name, with ünïcode and a \\ backslash"), "plain name, with ünïcode and a \\ backslash");
  assertEquals(safeLabel("a\nb\rc\td"), "a\\nb\\rc\\td");
  assertEquals(safeLabel("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m");
  assertEquals(safeLabel("\x00\x07\x7f\x85\x9f"), "\\x00\\x07\\x7f\\x85\\x9f");
  assertEquals(safeLabel("\u2028\u2029"), "\\u2028\\u2029");
  assertEquals(
    safeLabel("\u202eevil\u202c \u2066x\u2069 \u200e\u200f\u061c"),
    "\\u202eevil\\u202c \\u2066x\\u2069 \\u200e\\u200f\\u061c",
  );
});

Deno.test("isInstance answers false, never throws, for a value whose prototype cannot be read", () => {
  const { proxy, revoke } = Proxy.revocable(new CancelledError(), {});
  assertEquals(isInstance(proxy, CancelledError), true);
  revoke();
  assertEquals(isInstance(proxy, CancelledError), false);
  assertEquals(isInstance(null, Error), false);
});

Deno.test("a yieldio object whose toString throws prints as a placeholder in the console hooks", async () => {
  class Broken extends PrintsAsToString {
    override toString(): string {
      throw new Error("cannot print");
    }
  }
  const hook = (Broken.prototype as unknown as Record<symbol, () => string>)[Symbol.for("nodejs.util.inspect.custom")];
  assertStringIncludes(hook.call(new Broken()), "unprintable");
  const loop = new EventLoop({ clock: "virtual" });
  const task = loop.createTask((function* () {})(), { name: "two\nlines" });
  const printed = (task as unknown as Record<symbol, () => string>)[Symbol.for("Deno.customInspect")]();
  assertEquals(printed.includes("\n"), false);
  assertStringIncludes(printed, "two\\nlines");
  await loop.runUntilComplete(task);
  loop.close();
});

Deno.test("a creation site is undefined, not a throw, when the stack cannot be read", () => {
  const host = Error as unknown as { prepareStackTrace?: unknown };
  const original = host.prepareStackTrace;
  try {
    host.prepareStackTrace = () => {
      throw new Error("a hostile prepareStackTrace");
    };
    assertEquals(creationSite(), undefined);
    assertEquals(deferredCreationSite()(), undefined);
    host.prepareStackTrace = () => ["not", "a", "string"];
    assertEquals(creationSite(), undefined);
  } finally {
    host.prepareStackTrace = original;
  }
});
