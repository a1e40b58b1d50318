/**
 * Bad input gets a clear error at the call (TypeError or RangeError, naming
 * what was expected and what was got), and leaves nothing scheduled.
 */
import { assertEquals, assertInstanceOf, assertStringIncludes, assertThrows } from "@std/assert";
import { EventLoop } from "../../mod.ts";

// deno-lint-ignore no-explicit-any
type Loose = any;

function withLoop(body: (loop: EventLoop) => void): void {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    body(loop);
    assertStringIncludes(String(loop), "ready=0 timers=0", "a rejected call must not schedule anything");
  } finally {
    loop.close();
  }
}

Deno.test("callLater(NaN) and callAt(NaN) are RangeErrors", () => {
  withLoop((loop) => {
    assertThrows(() => loop.callLater(NaN, () => {}), RangeError, "NaN");
    assertThrows(() => loop.callAt(NaN, () => {}), RangeError, "NaN");
  });
});

Deno.test("a delay or deadline that is not a number is a TypeError naming what it got", () => {
  withLoop((loop) => {
    assertThrows(() => loop.callLater("5" as Loose, () => {}), TypeError, '"5" (a string)');
    assertThrows(() => loop.callAt("5" as Loose, () => {}), TypeError, '"5" (a string)');
    assertThrows(() => loop.callLater(undefined as Loose, () => {}), TypeError, "undefined");
    assertThrows(() => loop.callLater(null as Loose, () => {}), TypeError, "null");
    assertThrows(() => loop.callLater(5n as Loose, () => {}), TypeError, "bigint");
    assertThrows(() => loop.callAt(new Date() as Loose, () => {}), TypeError, "callAt");
  });
});

Deno.test("callSoon(42) is a TypeError with the value in its message", () => {
  withLoop((loop) => {
    const error = assertThrows(() => loop.callSoon(42 as Loose), TypeError, "42");
    assertStringIncludes(error.message, "callSoon");
  });
});

Deno.test("every scheduling method refuses a callback that is not a function with TypeError", () => {
  withLoop((loop) => {
    for (const bad of [undefined, null, "f", {}, Promise.resolve()]) {
      assertThrows(() => loop.callSoon(bad as Loose), TypeError, "callSoon");
      assertThrows(() => loop.callSoonThreadsafe(bad as Loose), TypeError);
      assertThrows(() => loop.callLater(5, bad as Loose), TypeError, "callLater");
      assertThrows(() => loop.callAt(5, bad as Loose), TypeError, "callAt");
    }
  });
});

Deno.test('new EventLoop({ clock: "nope" }) is a TypeError naming the bad clock', () => {
  assertThrows(() => new EventLoop({ clock: "nope" as Loose }), TypeError, '"nope"');
});

Deno.test("a clock that is not a Clock object is a TypeError", () => {
  for (const bad of [5, null, {}, { now: 5 }, () => 0]) {
    assertThrows(() => new EventLoop({ clock: bad as Loose }), TypeError, "clock");
  }
});

Deno.test("a custom clock without a numeric resolution is refused at construction or treated as exact", () => {
  // Accepted silently, `now + undefined` is NaN and no timer would ever be due.
  const clocks = { "no resolution": { now: () => 0 }, 'resolution "1"': { now: () => 0, resolution: "1" } };
  for (const [label, clock] of Object.entries(clocks)) {
    let loop: EventLoop;
    try {
      loop = new EventLoop({ clock: clock as Loose });
    } catch (error) {
      assertInstanceOf(error, TypeError);
      assertStringIncludes(error.message, "resolution");
      continue;
    }
    try {
      const ran: string[] = [];
      loop.callAt(0, () => ran.push("due now"));
      loop.runOnce();
      assertEquals(ran, ["due now"], `a timer due now never ran on a clock with ${label}`);
    } finally {
      loop.close();
    }
  }
});

Deno.test("an idle option that is not an idle adapter is a TypeError", () => {
  for (const bad of [null, 5, "host", {}, { kind: "sleepy" }]) {
    assertThrows(() => new EventLoop({ idle: bad as Loose }), TypeError, "idle");
  }
});

Deno.test("an idle adapter that lacks the methods of its kind is a TypeError at construction", () => {
  assertThrows(() => new EventLoop({ idle: { kind: "host" } as Loose }), TypeError, "idle");
  assertThrows(
    () => new EventLoop({ idle: { kind: "host", schedule() {}, close() {} } as Loose }),
    TypeError,
    "idle",
  );
  assertThrows(() => new EventLoop({ idle: { kind: "blocking" } as Loose }), TypeError, "idle");
  assertThrows(
    () => new EventLoop({ idle: { kind: "blocking", wait() {}, wake() {}, close() {} } as Loose }),
    TypeError,
    "idle",
  );
});
