/**
 * runOnce's phases on virtual time: drop cancelled timers, compute the idle
 * timeout, wait (jump the clock), move due timers behind the ready callbacks,
 * run the ready snapshot.
 */
import { assertEquals, assertStrictEquals, assertStringIncludes } from "@std/assert";
import { EventLoop, type TimerHandle } from "../../mod.ts";
import { seededRandom } from "./_support.ts";

type Log = [string, number][];

/** A virtual loop and a log of `[label, loop.time()]` entries; `note(label)` is a callback that logs. */
function virtualLoop(): { loop: EventLoop; log: Log; note: (label: string) => () => void } {
  const loop = new EventLoop({ clock: "virtual" });
  const log: Log = [];
  const note = (label: string) => () => void log.push([label, loop.time()]);
  return { loop, log, note };
}

Deno.test("callSoon runs callbacks in the order they were scheduled", () => {
  const { loop, log, note } = virtualLoop();
  try {
    for (const label of ["a", "b", "c", "d", "e"]) loop.callSoon(note(label));
    loop.runOnce();
    assertEquals(log, [["a", 0], ["b", 0], ["c", 0], ["d", 0], ["e", 0]]);
  } finally {
    loop.close();
  }
});

Deno.test("callSoon never runs the callback synchronously", () => {
  const { loop, log, note } = virtualLoop();
  try {
    loop.callSoon(note("soon"));
    log.push(["after callSoon", loop.time()]);
    loop.runOnce();
    assertEquals(log, [["after callSoon", 0], ["soon", 0]]);
  } finally {
    loop.close();
  }
});

Deno.test("callSoon, callLater and callAt pass their arguments to the callback", () => {
  const { loop } = virtualLoop();
  try {
    const seen: unknown[][] = [];
    const record = (...args: unknown[]) => void seen.push(args);
    loop.callSoon(record, "soon", 1);
    loop.callLater(5, record, "later", 2, true);
    loop.callAt(10, record, "at", null);
    loop.runOnce();
    loop.runOnce();
    loop.runOnce();
    assertEquals(seen, [["soon", 1], ["later", 2, true], ["at", null]]);
  } finally {
    loop.close();
  }
});

Deno.test("runOnce runs only the callbacks that were ready when it started", () => {
  const { loop, log, note } = virtualLoop();
  try {
    loop.callSoon(() => {
      log.push(["a", loop.time()]);
      loop.callSoon(note("queued by a"));
    });
    loop.callSoon(() => {
      log.push(["b", loop.time()]);
      loop.callSoon(note("queued by b"));
    });
    loop.runOnce();
    assertEquals(log, [["a", 0], ["b", 0]]);
    loop.runOnce();
    assertEquals(log, [["a", 0], ["b", 0], ["queued by a", 0], ["queued by b", 0]]);
  } finally {
    loop.close();
  }
});

Deno.test("a callback that reschedules itself runs once per iteration", () => {
  const { loop } = virtualLoop();
  try {
    let runs = 0;
    const again = () => {
      if (++runs < 1000) loop.callSoon(again); // bounded, so a broken snapshot fails instead of hanging
    };
    loop.callSoon(again);
    for (let i = 0; i < 5; i++) loop.runOnce();
    assertEquals(runs, 5);
  } finally {
    loop.close();
  }
});

Deno.test("due timers run after the callbacks that were already ready (callLater(0, A) then callSoon(B) gives B, A)", () => {
  const { loop, log, note } = virtualLoop();
  try {
    loop.callLater(0, note("A"));
    loop.callSoon(note("B"));
    loop.runOnce();
    assertEquals(log, [["B", 0], ["A", 0]]);
  } finally {
    loop.close();
  }
});

Deno.test("a timer that comes due during an iteration runs after the next iteration's ready callbacks", () => {
  const { loop, log, note } = virtualLoop();
  try {
    loop.callSoon(() => {
      log.push(["first", loop.time()]);
      loop.callLater(0, note("timer"));
      loop.callSoon(note("soon"));
    });
    loop.runOnce();
    assertEquals(log, [["first", 0]]);
    loop.runOnce();
    assertEquals(log, [["first", 0], ["soon", 0], ["timer", 0]]);
  } finally {
    loop.close();
  }
});

Deno.test("timers with equal deadlines run in the order they were scheduled", () => {
  const { loop, log, note } = virtualLoop();
  try {
    for (let i = 0; i < 10; i++) {
      if (i % 2 === 0) loop.callAt(5, note(`t${i}`));
      else loop.callLater(5, note(`t${i}`));
    }
    loop.runOnce();
    assertEquals(log, Array.from({ length: 10 }, (_, i) => [`t${i}`, 5]));
  } finally {
    loop.close();
  }
});

Deno.test("timers run in deadline order whatever order they were scheduled in", async () => {
  const { loop, log, note } = virtualLoop();
  try {
    const random = seededRandom(1234);
    const expected: [string, number, number][] = [];
    for (let i = 0; i < 300; i++) {
      const when = Math.floor(random() * 60) * 2.5;
      loop.callAt(when, note(`t${i}`));
      expected.push([`t${i}`, when, i]);
    }
    expected.sort((a, b) => a[1] - b[1] || a[2] - b[2]);
    loop.callAt(1000, () => loop.stop());
    await loop.runForever();
    assertEquals(log, expected.map(([label, when]) => [label, when]));
  } finally {
    loop.close();
  }
});

Deno.test("a timer runs exactly at its deadline on a virtual clock (loop.time() === handle.when())", async () => {
  const { loop } = virtualLoop();
  try {
    const seen: [number, number][] = [];
    const handles: TimerHandle[] = [];
    for (const delay of [0.1 + 0.2, 7, 1e-9, 86_400_000.5]) {
      const handle: TimerHandle = loop.callLater(delay, () => seen.push([loop.time(), handle.when()]));
      handles.push(handle);
    }
    loop.callLater(86_400_001, () => loop.stop());
    await loop.runForever();
    assertEquals(seen.length, 4);
    for (const [time, when] of seen) assertStrictEquals(time, when);
    assertEquals(seen.map(([time]) => time), [1e-9, 0.1 + 0.2, 7, 86_400_000.5]);
  } finally {
    loop.close();
  }
});

Deno.test("each runOnce with nothing ready jumps the virtual clock exactly to the next deadline", () => {
  const { loop, log, note } = virtualLoop();
  try {
    loop.callLater(25, note("b"));
    loop.callLater(10, note("a"));
    loop.callLater(40.75, note("c"));
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      loop.runOnce();
      times.push(loop.time());
    }
    assertEquals(times, [10, 25, 40.75]);
    assertEquals(log, [["a", 10], ["b", 25], ["c", 40.75]]);
  } finally {
    loop.close();
  }
});

Deno.test("one iteration runs every timer due at the deadline it jumped to, and no later ones", () => {
  const { loop, log, note } = virtualLoop();
  try {
    loop.callAt(10, note("a"));
    loop.callAt(20, note("c"));
    loop.callAt(10, note("b"));
    loop.runOnce();
    assertEquals(log, [["a", 10], ["b", 10]]);
  } finally {
    loop.close();
  }
});

Deno.test("the virtual clock never moves while work is ready", () => {
  const { loop, log } = virtualLoop();
  try {
    loop.callLater(10, () => log.push(["timer", loop.time()]));
    let n = 0;
    const chain = () => {
      log.push([`chain ${n}`, loop.time()]);
      if (++n < 4) loop.callSoon(chain);
    };
    loop.callSoon(chain);
    for (let i = 0; i < 5; i++) loop.runOnce();
    assertEquals(log, [["chain 0", 0], ["chain 1", 0], ["chain 2", 0], ["chain 3", 0], ["timer", 10]]);
  } finally {
    loop.close();
  }
});

Deno.test("runOnce with nothing scheduled returns without moving the virtual clock", () => {
  const { loop } = virtualLoop();
  try {
    loop.runOnce();
    assertEquals(loop.time(), 0);
  } finally {
    loop.close();
  }
});

Deno.test("a timer scheduled from a callback is measured from the loop's current time", () => {
  const { loop, log, note } = virtualLoop();
  try {
    let when = NaN;
    loop.callLater(10, () => {
      when = loop.callLater(5, note("inner")).when();
    });
    loop.runOnce();
    loop.runOnce();
    assertEquals([when, log], [15, [["inner", 15]]]);
  } finally {
    loop.close();
  }
});

Deno.test("callLater with a negative delay and callAt in the past run in the next iteration, after ready callbacks", () => {
  const { loop, log, note } = virtualLoop();
  try {
    loop.callLater(30, () => {
      loop.callAt(5, note("callAt(5) at 30"));
      loop.callLater(-10, note("callLater(-10)"));
      loop.callSoon(note("callSoon"));
    });
    loop.runOnce();
    loop.runOnce();
    assertEquals(log, [["callSoon", 30], ["callAt(5) at 30", 30], ["callLater(-10)", 30]]);
  } finally {
    loop.close();
  }
});

Deno.test("a timer scheduled for Infinity never fires", async () => {
  const { loop, log, note } = virtualLoop();
  try {
    const never = loop.callLater(Infinity, note("never"));
    loop.callAt(Infinity, note("never either"));
    loop.callLater(100, note("finite"));
    loop.callLater(100, () => loop.stop());
    await loop.runForever();
    assertEquals([never.when(), log, loop.time()], [Infinity, [["finite", 100]], 100]);
  } finally {
    loop.close();
  }
});

Deno.test("a cancelled callback never runs", () => {
  const { loop, log, note } = virtualLoop();
  try {
    loop.callSoon(note("a"));
    loop.callSoon(note("b")).cancel();
    loop.callSoon(note("c"));
    loop.runOnce();
    loop.runOnce();
    assertEquals(log, [["a", 0], ["c", 0]]);
  } finally {
    loop.close();
  }
});

Deno.test("a cancelled timer never runs and the virtual clock skips its deadline", () => {
  const { loop, log, note } = virtualLoop();
  try {
    loop.callLater(10, note("cancelled")).cancel();
    loop.callLater(20, note("live"));
    loop.runOnce();
    assertEquals([log, loop.time()], [[["live", 20]], 20]);
  } finally {
    loop.close();
  }
});

Deno.test("cancelling a callback from an earlier callback in the same iteration prevents it", () => {
  const { loop, log, note } = virtualLoop();
  try {
    loop.callSoon(() => {
      log.push(["killer", loop.time()]);
      victim.cancel();
    });
    const victim = loop.callSoon(note("victim"));
    loop.callSoon(note("bystander"));
    loop.runOnce();
    loop.runOnce();
    assertEquals(log, [["killer", 0], ["bystander", 0]]);
  } finally {
    loop.close();
  }
});

Deno.test("cancelling a due timer from an earlier callback in the same iteration prevents it", () => {
  const { loop, log, note } = virtualLoop();
  try {
    const timer = loop.callLater(0, note("timer"));
    loop.callSoon(() => {
      log.push(["killer", loop.time()]);
      timer.cancel();
    });
    loop.runOnce();
    loop.runOnce();
    assertEquals(log, [["killer", 0]]);
  } finally {
    loop.close();
  }
});

Deno.test("a timer cancelled by an earlier timer with the same deadline never runs", () => {
  const { loop, log } = virtualLoop();
  try {
    loop.callAt(10, () => {
      log.push(["first", loop.time()]);
      second.cancel();
    });
    const second = loop.callAt(10, () => log.push(["second", loop.time()]));
    loop.callAt(10, () => log.push(["third", loop.time()]));
    loop.runOnce();
    loop.runOnce();
    assertEquals(log, [["first", 10], ["third", 10]]);
  } finally {
    loop.close();
  }
});

Deno.test("many cancelled timers are dropped lazily and the rest still run in deadline order", async () => {
  const { loop, log, note } = virtualLoop();
  try {
    const random = seededRandom(99);
    const timers: [string, TimerHandle, number][] = [];
    for (let i = 0; i < 250; i++) {
      const when = 1 + Math.floor(random() * 100);
      timers.push([`t${i}`, loop.callAt(when, note(`t${i}`)), i]);
    }
    const kept: [string, number, number][] = [];
    for (const [label, handle, i] of timers) {
      if (random() < 0.7) handle.cancel();
      else kept.push([label, handle.when(), i]);
    }
    kept.sort((a, b) => a[1] - b[1] || a[2] - b[2]);
    loop.callAt(500, () => loop.stop());
    await loop.runForever();
    assertEquals(log, kept.map(([label, when]) => [label, when]));
    assertStringIncludes(String(loop), "timers=0");
  } finally {
    loop.close();
  }
});

Deno.test("once most of a big timer heap is cancelled, the next iteration drops every cancelled timer", () => {
  const { loop } = virtualLoop();
  try {
    const handles = Array.from({ length: 200 }, (_, i) => loop.callAt(1000 + i, () => {}));
    for (let i = 0; i < 200; i++) if (i % 4 !== 0) handles[i].cancel(); // 150 cancelled, none on top
    loop.callSoon(() => {}); // ready work: no clock jump, no timer runs
    loop.runOnce();
    assertStringIncludes(String(loop), "timers=50");
  } finally {
    loop.close();
  }
});

Deno.test("a timer cancelled twice is counted once, so the heap is not rebuilt too early", () => {
  const { loop } = virtualLoop();
  try {
    const handles = Array.from({ length: 200 }, (_, i) => loop.callAt(1000 + i, () => {}));
    for (let i = 110; i < 200; i++) {
      handles[i].cancel();
      handles[i].cancel();
    }
    loop.callSoon(() => {});
    loop.runOnce();
    // 90 of 200 cancelled: below half, so they stay until they reach the top.
    assertStringIncludes(String(loop), "timers=200");
  } finally {
    loop.close();
  }
});
