import { assert, assertEquals, assertFalse, assertGreater, assertLessOrEqual, assertThrows } from "@std/assert";
import { type Clock, EventLoop, PerformanceClock, VirtualClock } from "../../mod.ts";
import { ManualClock } from "./_support.ts";

Deno.test("VirtualClock starts at 0, or at the start it was given", () => {
  assertEquals(new VirtualClock().now(), 0);
  assertEquals(new VirtualClock(1234.5).now(), 1234.5);
});

Deno.test("VirtualClock moves only when jumped, and lands exactly on the requested time", () => {
  const clock = new VirtualClock();
  const readings = [clock.now(), clock.now()];
  clock.jumpTo(0.1 + 0.2);
  readings.push(clock.now());
  clock.jumpTo(0.1 + 0.2); // jumping to the current time is allowed
  clock.jumpTo(3_600_000);
  readings.push(clock.now());
  assertEquals(readings, [0, 0, 0.1 + 0.2, 3_600_000]);
});

Deno.test("VirtualClock refuses to move backwards or to NaN", () => {
  const clock = new VirtualClock(100);
  assertThrows(() => clock.jumpTo(99.999), RangeError, "backwards");
  assertThrows(() => clock.jumpTo(NaN), RangeError);
  assertEquals(clock.now(), 100);
});

Deno.test("VirtualClock refuses a start that is not a finite number", () => {
  assertThrows(() => new VirtualClock(NaN), RangeError);
  assertThrows(() => new VirtualClock(Infinity), RangeError);
  assertThrows(() => new VirtualClock(-Infinity), RangeError);
});

Deno.test("VirtualClock has zero resolution, so only exact deadlines are due", () => {
  assertEquals(new VirtualClock().resolution, 0);
});

Deno.test("PerformanceClock follows performance.now and never goes backwards", () => {
  const clock = new PerformanceClock();
  const before = performance.now();
  let last = clock.now();
  for (let i = 0; i < 10_000; i++) {
    const now = clock.now();
    assertLessOrEqual(last, now);
    last = now;
  }
  const after = performance.now();
  assert(before <= last && last <= after, `${before} <= ${last} <= ${after}`);
});

Deno.test("PerformanceClock reports a resolution above 0 and at most 1 ms", () => {
  const { resolution } = new PerformanceClock();
  assertGreater(resolution, 0);
  assertLessOrEqual(resolution, 1);
});

Deno.test("PerformanceClock cannot be jumped", () => {
  assertFalse("jumpTo" in new PerformanceClock());
});

Deno.test("a loop on the virtual clock starts at time 0", () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    assertEquals(loop.time(), 0);
  } finally {
    loop.close();
  }
});

Deno.test("a loop on the real clock, the default, reads performance.now", () => {
  for (const loop of [new EventLoop(), new EventLoop({ clock: "real" })]) {
    try {
      const before = performance.now();
      const time = loop.time();
      const after = performance.now();
      assert(before <= time && time <= after, `${before} <= ${time} <= ${after}`);
    } finally {
      loop.close();
    }
  }
});

Deno.test("a loop reads its time from a custom Clock", () => {
  const clock = new ManualClock(500);
  const loop = new EventLoop({ clock });
  try {
    const seen = [loop.time()];
    clock.advance(25);
    seen.push(loop.time());
    assertEquals(seen, [500, 525]);
    assertEquals(loop.callLater(10, () => {}).when(), 535);
  } finally {
    loop.close();
  }
});

Deno.test("a loop jumps a custom clock that has jumpTo straight to the next deadline", () => {
  const jumps: number[] = [];
  let now = 1000;
  const clock: Clock = { now: () => now, resolution: 0, jumpTo: (when) => void jumps.push(now = when) };
  const loop = new EventLoop({ clock });
  try {
    const log: [string, number][] = [];
    loop.callLater(5, () => log.push(["a", loop.time()]));
    loop.callLater(20, () => log.push(["b", loop.time()]));
    loop.runOnce();
    loop.runOnce();
    assertEquals([log, jumps], [[["a", 1005], ["b", 1020]], [1005, 1020]]);
  } finally {
    loop.close();
  }
});

Deno.test("a loop treats a timer within its clock's resolution as due (asyncio's end_time)", () => {
  const clock = new ManualClock(100, 1);
  const loop = new EventLoop({ clock });
  try {
    const ran: string[] = [];
    loop.callAt(100.5, () => ran.push("within resolution"));
    loop.callAt(101, () => ran.push("at now + resolution"));
    loop.callAt(101.5, () => ran.push("beyond resolution"));
    loop.runOnce();
    assertEquals(ran, ["within resolution", "at now + resolution"]);
  } finally {
    loop.close();
  }
});
