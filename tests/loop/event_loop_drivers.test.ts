/**
 * The drivers: host-driven `runForever` (slices between host macrotasks) and
 * blocking `runForeverSync`, on virtual and real clocks; stop(), refs and
 * deadlocks. Fake adapters pin what a driver asks of its adapter; real ones
 * check the host integration with generous bounds.
 */
import {
  assert,
  assertEquals,
  assertFalse,
  assertGreaterOrEqual,
  assertLess,
  assertRejects,
  assertThrows,
} from "@std/assert";
import {
  AtomicsIdle,
  CannotBlockError,
  DeadlockError,
  EventLoop,
  InvalidStateError,
  PerformanceClock,
} from "../../mod.ts";
import { blockingRefusal } from "../../lib/loop/idle/atomics.ts";
import { FakeBlockingIdle, FakeHostIdle, ManualClock } from "./_support.ts";

type Log = [string, number][];

function logger(loop: EventLoop): { log: Log; note: (label: string) => () => void } {
  const log: Log = [];
  return { log, note: (label) => () => void log.push([label, loop.time()]) };
}

/** Real-clock bounds allow for the clock's resolution (the loop treats `when <= now + resolution` as due). */
const slack = 2 * new PerformanceClock().resolution + 1e-6;

// ------------------------------------------------------------------ stop()

Deno.test("runForever returns after stop() once the current iteration finished", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  const { log, note } = logger(loop);
  try {
    loop.callSoon(() => {
      log.push(["stopper", loop.time()]);
      loop.stop();
      loop.callSoon(note("queued after stop"));
    });
    loop.callSoon(note("same snapshot"));
    loop.callLater(0, note("due timer"));
    await loop.runForever();
    assertEquals(log, [["stopper", 0], ["same snapshot", 0], ["due timer", 0]]);
    assertFalse(loop.isRunning());
  } finally {
    loop.close();
  }
});

Deno.test("runForever can run again after stop() and continues with the work left over", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  const { log, note } = logger(loop);
  try {
    loop.callSoon(() => {
      loop.stop();
      loop.callSoon(note("left over"));
      loop.callLater(5, note("timer"));
    });
    await loop.runForever();
    assertEquals(log, []);
    loop.callLater(5, () => loop.stop());
    await loop.runForever();
    assertEquals(log, [["left over", 0], ["timer", 5]]);
  } finally {
    loop.close();
  }
});

Deno.test("stop() before runForever makes it run exactly one iteration", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  const { log, note } = logger(loop);
  try {
    loop.callSoon(() => {
      log.push(["first", loop.time()]);
      loop.callSoon(note("second"));
    });
    loop.stop();
    await loop.runForever();
    assertEquals(log, [["first", 0]]);
    loop.stop();
    await loop.runForever();
    assertEquals(log, [["first", 0], ["second", 0]]);
  } finally {
    loop.close();
  }
});

Deno.test("stop() before runForever does not jump the virtual clock to a pending timer", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  const { log, note } = logger(loop);
  try {
    loop.callLater(10, note("timer"));
    loop.stop();
    await loop.runForever();
    assertEquals([log, loop.time()], [[], 0]);
  } finally {
    loop.close();
  }
});

Deno.test("stop() before runForeverSync makes it run exactly one iteration", () => {
  const loop = new EventLoop({ clock: "virtual", idle: new FakeBlockingIdle() });
  const { log, note } = logger(loop);
  try {
    loop.callSoon(() => {
      log.push(["first", loop.time()]);
      loop.callSoon(note("second"));
    });
    loop.stop();
    loop.runForeverSync();
    assertEquals(log, [["first", 0]]);
  } finally {
    loop.close();
  }
});

Deno.test("isRunning() is true inside callbacks and false before and after runForever", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    const seen = [loop.isRunning()];
    loop.callLater(5, () => {
      seen.push(loop.isRunning());
      loop.stop();
    });
    await loop.runForever();
    seen.push(loop.isRunning());
    assertEquals(seen, [false, true, false]);
  } finally {
    loop.close();
  }
});

Deno.test("isRunning() is true inside callbacks and false after runForeverSync", () => {
  const loop = new EventLoop({ clock: "virtual", idle: new FakeBlockingIdle() });
  try {
    const seen = [loop.isRunning()];
    loop.callSoon(() => {
      seen.push(loop.isRunning());
      loop.stop();
    });
    loop.runForeverSync();
    seen.push(loop.isRunning());
    assertEquals(seen, [false, true, false]);
  } finally {
    loop.close();
  }
});

// ------------------------------------------------------------ virtual time

Deno.test("runForever on a virtual clock runs an hour of timers at their exact times without waiting", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  const { log, note } = logger(loop);
  try {
    for (let minute = 60; minute >= 0; minute -= 15) loop.callLater(minute * 60_000, note(`minute ${minute}`));
    loop.callLater(3_600_000, () => loop.stop());
    const start = performance.now();
    await loop.runForever();
    assertLess(performance.now() - start, 2000);
    assertEquals(log, [
      ["minute 0", 0],
      ["minute 15", 900_000],
      ["minute 30", 1_800_000],
      ["minute 45", 2_700_000],
      ["minute 60", 3_600_000],
    ]);
  } finally {
    loop.close();
  }
});

Deno.test("runForeverSync on a virtual clock jumps time without blocking", () => {
  if (blockingRefusal() === null) {
    const loop = new EventLoop({ clock: "virtual" });
    const { log, note } = logger(loop);
    try {
      loop.callLater(3_600_000, note("an hour later"));
      loop.callLater(3_600_000, () => loop.stop());
      const start = performance.now();
      loop.runForeverSync();
      assertLess(performance.now() - start, 2000);
      assertEquals(log, [["an hour later", 3_600_000]]);
    } finally {
      loop.close();
    }
  } else {
    const loop = new EventLoop({ clock: "virtual" });
    try {
      loop.callLater(3_600_000, () => loop.stop());
      assertThrows(() => loop.runForeverSync(), CannotBlockError);
    } finally {
      loop.close();
    }
  }
});

Deno.test("runForeverSync on a virtual clock never asks its adapter to wait", () => {
  const idle = new FakeBlockingIdle();
  const loop = new EventLoop({ clock: "virtual", idle });
  const { log, note } = logger(loop);
  try {
    loop.callLater(10, note("a"));
    loop.callLater(500, note("b"));
    loop.callLater(500, () => loop.stop());
    loop.runForeverSync();
    assertEquals([log, idle.waits], [[["a", 10], ["b", 500]], []]);
  } finally {
    loop.close();
  }
});

Deno.test("a virtual loop with nothing ready, no timers and no refs rejects runForever with DeadlockError", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  const { log, note } = logger(loop);
  try {
    loop.callLater(10, note("last timer"));
    await assertRejects(() => loop.runForever(), DeadlockError);
    assertEquals(log, [["last timer", 10]]);
  } finally {
    loop.close();
  }
});

Deno.test("a virtual loop whose only timer is cancelled is deadlocked and its clock stays put", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    loop.callLater(10, () => {}).cancel();
    await assertRejects(() => loop.runForever(), DeadlockError);
    assertEquals(loop.time(), 0);
  } finally {
    loop.close();
  }
});

Deno.test("a virtual loop with nothing to do raises DeadlockError from runForeverSync", () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    if (blockingRefusal() === null) assertThrows(() => loop.runForeverSync(), DeadlockError);
    else assertThrows(() => loop.runForeverSync(), CannotBlockError);
    assertFalse(loop.isRunning());
  } finally {
    loop.close();
  }
});

Deno.test("a loop that deadlocked is no longer running and can run again", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  const other = new EventLoop({ clock: "virtual" });
  const { log, note } = logger(loop);
  try {
    await assertRejects(() => loop.runForever(), DeadlockError);
    assertFalse(loop.isRunning());
    loop.callLater(5, note("after the deadlock"));
    loop.callLater(5, () => loop.stop());
    await loop.runForever();
    other.callSoon(() => other.stop());
    await other.runForever(); // the thread's running-loop slot was released too
    assertEquals(log, [["after the deadlock", 5]]);
  } finally {
    loop.close();
    other.close();
  }
});

// -------------------------------------------------------------------- refs

Deno.test("a virtual loop holding a ref waits for the host instead of declaring a deadlock", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  const { log, note } = logger(loop);
  try {
    loop.ref();
    setTimeout(() => {
      loop.callSoonThreadsafe(note("from the host"));
      loop.callSoonThreadsafe(() => loop.stop());
      loop.unref();
    }, 5);
    await loop.runForever();
    assertEquals(log, [["from the host", 0]]);
  } finally {
    loop.close();
  }
});

Deno.test("a virtual clock stands still while a ref is held and jumps once the last ref is released", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  const { log, note } = logger(loop);
  try {
    loop.ref();
    loop.ref();
    loop.callLater(1000, note("timer"));
    loop.callLater(1000, () => loop.stop());
    setTimeout(() => {
      loop.callSoonThreadsafe(note("host, first ref"));
      loop.unref();
      setTimeout(() => {
        loop.callSoonThreadsafe(note("host, last ref"));
        loop.unref();
      }, 5);
    }, 5);
    await loop.runForever();
    assertEquals(log, [["host, first ref", 0], ["host, last ref", 0], ["timer", 1000]]);
  } finally {
    loop.close();
  }
});

Deno.test("unref() without a matching ref() throws InvalidStateError", () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    assertThrows(() => loop.unref(), InvalidStateError);
    loop.ref();
    loop.unref();
    assertThrows(() => loop.unref(), InvalidStateError);
  } finally {
    loop.close();
  }
});

// ---------------------------------------------- what drivers ask of adapters

/** Closes `loop`, first ending a run that a failed assertion left waiting on its fake adapter. */
function shutDown(loop: EventLoop, idle: FakeHostIdle): void {
  if (loop.isRunning()) {
    loop.stop();
    try {
      idle.resumeNow();
    } catch { /* no resume pending: the run cannot be ended from here */ }
  }
  loop.close();
}

Deno.test("an idle host-driven loop with nothing scheduled asks its adapter for no wake-up at all", async () => {
  const idle = new FakeHostIdle();
  const loop = new EventLoop({ idle });
  try {
    const done = loop.runForever();
    assertEquals(idle.schedules, [null]);
    loop.callSoon(() => loop.stop());
    assertEquals(idle.wakes, 1);
    idle.resumeNow();
    await done;
  } finally {
    shutDown(loop, idle);
  }
});

Deno.test("host work arriving while the loop waits wakes its adapter exactly once", async () => {
  const idle = new FakeHostIdle();
  const clock = new ManualClock();
  const loop = new EventLoop({ clock, idle });
  const { log, note } = logger(loop);
  try {
    const done = loop.runForever();
    loop.callSoon(note("a"));
    loop.callSoonThreadsafe(note("b"));
    loop.callLater(0, note("c"));
    loop.callSoon(() => loop.stop());
    assertEquals(idle.wakes, 1);
    idle.resumeNow();
    await done;
    assertEquals(log, [["a", 0], ["b", 0], ["c", 0]]);
  } finally {
    shutDown(loop, idle);
  }
});

Deno.test("a host-driven loop asks to resume at its next deadline, and for the rest after an early resume", async () => {
  const idle = new FakeHostIdle();
  const clock = new ManualClock();
  const loop = new EventLoop({ clock, idle });
  const { log, note } = logger(loop);
  try {
    loop.callLater(50, note("timer"));
    loop.callLater(50, () => loop.stop());
    const done = loop.runForever();
    assertEquals(idle.schedules, [50]);
    clock.advance(20);
    idle.resumeNow(); // the host fired early
    assertEquals([idle.schedules, log], [[50, 30], []]);
    clock.advance(30);
    idle.resumeNow();
    await done;
    assertEquals(log, [["timer", 50]]);
  } finally {
    shutDown(loop, idle);
  }
});

Deno.test("a host-driven loop that still has work at the end of a slice asks to resume at once", async () => {
  const idle = new FakeHostIdle();
  const loop = new EventLoop({ idle });
  try {
    let spins = 0;
    const spin = () => {
      if (++spins < 20_000_000) loop.callSoon(spin); // bounded: a slice that never ends fails, not hangs
    };
    loop.callSoon(spin);
    const done = loop.runForever(); // the first slice ends after a few ms of real time
    assertEquals(idle.schedules, [0]);
    assert(spins > 0);
    loop.stop();
    idle.resumeNow();
    await done;
  } finally {
    shutDown(loop, idle);
  }
});

Deno.test("stop() from host code wakes a host-driven loop that waits", async () => {
  const idle = new FakeHostIdle();
  const loop = new EventLoop({ idle });
  try {
    loop.callLater(60_000, () => {});
    const done = loop.runForever();
    assertEquals([idle.schedules.length, idle.wakes], [1, 0]);
    loop.stop();
    assertEquals(idle.wakes, 1);
    idle.resumeNow();
    await done;
    assertFalse(loop.isRunning());
  } finally {
    shutDown(loop, idle);
  }
});

Deno.test("releasing the last ref wakes a waiting virtual loop, which then jumps to its timer", async () => {
  const idle = new FakeHostIdle();
  const loop = new EventLoop({ clock: "virtual", idle });
  const { log, note } = logger(loop);
  try {
    loop.ref();
    loop.callLater(100, note("timer"));
    loop.callLater(100, () => loop.stop());
    const done = loop.runForever();
    assertEquals([idle.schedules, loop.time()], [[null], 0]);
    loop.unref();
    assertEquals(idle.wakes, 1);
    idle.resumeNow();
    await done;
    assertEquals(log, [["timer", 100]]);
  } finally {
    shutDown(loop, idle);
  }
});

Deno.test("a blocking loop waits exactly until its next deadline", () => {
  const clock = new ManualClock();
  const idle = new FakeBlockingIdle((timeout) => clock.advance(timeout as number));
  const loop = new EventLoop({ clock, idle });
  const { log, note } = logger(loop);
  try {
    loop.callLater(30, note("a"));
    loop.callLater(45, note("b"));
    loop.callLater(45, () => loop.stop());
    loop.runForeverSync();
    assertEquals([idle.waits, log], [[30, 15], [["a", 30], ["b", 45]]]);
  } finally {
    loop.close();
  }
});

Deno.test("a blocking loop that wakes before its deadline waits again for the rest", () => {
  const clock = new ManualClock();
  const idle = new FakeBlockingIdle((timeout) => clock.advance(idle.waits.length === 1 ? 10 : timeout as number));
  const loop = new EventLoop({ clock, idle });
  const { log, note } = logger(loop);
  try {
    loop.callLater(30, note("timer"));
    loop.callLater(30, () => loop.stop());
    loop.runForeverSync();
    assertEquals([idle.waits, log], [[30, 20], [["timer", 30]]]);
  } finally {
    loop.close();
  }
});

Deno.test("a blocking loop does not wait while work is ready or a timer is due", () => {
  const clock = new ManualClock();
  const idle = new FakeBlockingIdle();
  const loop = new EventLoop({ clock, idle });
  const { log, note } = logger(loop);
  try {
    loop.callLater(0, note("due timer"));
    loop.callSoon(note("ready"));
    loop.callSoon(() => loop.callSoon(() => loop.stop()));
    loop.runForeverSync();
    assertEquals([idle.waits, log], [[], [["ready", 0], ["due timer", 0]]]);
  } finally {
    loop.close();
  }
});

Deno.test("a blocking loop with nothing scheduled raises DeadlockError without waiting", () => {
  const idle = new FakeBlockingIdle();
  const loop = new EventLoop({ clock: new ManualClock(), idle });
  try {
    assertThrows(() => loop.runForeverSync(), DeadlockError);
    assertEquals(idle.waits, []);
    assertFalse(loop.isRunning());
  } finally {
    loop.close();
  }
});

Deno.test("a blocking loop holding a ref waits without a deadline instead of raising DeadlockError", () => {
  const idle = new FakeBlockingIdle(() => {
    // Plays another thread: posts work, releases its ref.
    loop.callSoonThreadsafe(note("from another thread"));
    loop.callSoonThreadsafe(() => loop.stop());
    loop.unref();
  });
  const loop = new EventLoop({ clock: new ManualClock(), idle });
  const { log, note } = logger(loop);
  try {
    loop.ref();
    loop.runForeverSync();
    assertEquals([idle.waits, log], [[null], [["from another thread", 0]]]);
  } finally {
    loop.close();
  }
});

Deno.test("a blocking loop on a virtual clock holding a ref waits for a wake-up before it jumps", () => {
  const idle = new FakeBlockingIdle(() => {
    loop.callSoonThreadsafe(note("from another thread"));
    loop.unref();
  });
  const loop = new EventLoop({ clock: "virtual", idle });
  const { log, note } = logger(loop);
  try {
    loop.ref();
    loop.callLater(100, note("timer"));
    loop.callLater(100, () => loop.stop());
    loop.runForeverSync();
    assertEquals([idle.waits, log], [[null], [["from another thread", 0], ["timer", 100]]]);
  } finally {
    loop.close();
  }
});

Deno.test("close() releases the loop's idle adapter exactly once", () => {
  const host = new FakeHostIdle();
  const blocking = new FakeBlockingIdle();
  const a = new EventLoop({ idle: host });
  const b = new EventLoop({ idle: blocking });
  a.close();
  a.close();
  b.close();
  b.close();
  assertEquals([host.closes, blocking.closes], [1, 1]);
});

// ---------------------------------------------------- real host, real clock

Deno.test("a host-driven loop runs a real-clock timer no earlier than its deadline", async () => {
  const loop = new EventLoop();
  try {
    const start = performance.now();
    let lateness = NaN;
    const handle = loop.callLater(10, () => {
      lateness = loop.time() - handle.when();
      loop.stop();
    });
    await loop.runForever();
    const elapsed = performance.now() - start;
    assertGreaterOrEqual(lateness, -slack);
    assertGreaterOrEqual(elapsed, 10 - slack);
    assertLess(elapsed, 5000);
  } finally {
    loop.close();
  }
});

Deno.test("a host callback's callSoonThreadsafe wakes an idle host-driven loop", async () => {
  const loop = new EventLoop();
  try {
    let woken = false;
    setTimeout(() =>
      loop.callSoonThreadsafe(() => {
        woken = true;
        loop.stop();
      }), 5);
    await loop.runForever();
    assert(woken);
  } finally {
    loop.close();
  }
});

Deno.test("a host callback's callSoon wakes an idle host-driven loop", async () => {
  const loop = new EventLoop();
  try {
    let woken = false;
    setTimeout(() =>
      loop.callSoon(() => {
        woken = true;
        loop.stop();
      }), 5);
    await loop.runForever();
    assert(woken);
  } finally {
    loop.close();
  }
});

Deno.test("stop() from a host callback ends an idle host-driven loop", async () => {
  const loop = new EventLoop();
  try {
    setTimeout(() => loop.stop(), 5);
    await loop.runForever();
    assertFalse(loop.isRunning());
  } finally {
    loop.close();
  }
});

Deno.test("a timer added by host code shortens the wait of a loop idling until a far deadline", async () => {
  const loop = new EventLoop();
  try {
    let far = false;
    loop.callLater(60_000, () => (far = true));
    const start = performance.now();
    setTimeout(() => loop.callLater(1, () => loop.stop()), 5);
    await loop.runForever();
    assertLess(performance.now() - start, 30_000);
    assertFalse(far);
  } finally {
    loop.close(); // also disarms the host timer for the far deadline
  }
});

Deno.test("a busy host-driven loop still lets host timers run", async () => {
  const loop = new EventLoop();
  try {
    let spins = 0;
    let stoppedByHost = false;
    const spin = () => {
      if (++spins >= 20_000_000) loop.stop(); // failsafe: the host never got a turn
      else loop.callSoon(spin);
    };
    loop.callSoon(spin);
    setTimeout(() => {
      stoppedByHost = true;
      loop.stop();
    }, 1);
    await loop.runForever();
    assert(stoppedByHost, `the host timer never ran during ${spins} callbacks`);
  } finally {
    loop.close();
  }
});

Deno.test("promise reactions queued by a callback run between the slices of a busy host-driven loop", async () => {
  const loop = new EventLoop();
  try {
    let spins = 0;
    let stoppedByPromise = false;
    const spin = () => {
      if (++spins >= 20_000_000) loop.stop();
      else loop.callSoon(spin);
    };
    loop.callSoon(() => {
      Promise.resolve().then(() => {
        stoppedByPromise = true;
        loop.stop();
      });
      spin();
    });
    await loop.runForever();
    assert(stoppedByPromise, `the promise reaction never ran during ${spins} callbacks`);
  } finally {
    loop.close();
  }
});

Deno.test("a blocking loop really sleeps until a real-clock timer where this thread may block", () => {
  if (blockingRefusal() === null) {
    const loop = new EventLoop({ idle: new AtomicsIdle() });
    try {
      const start = performance.now();
      let lateness = NaN;
      const handle = loop.callLater(20, () => {
        lateness = loop.time() - handle.when();
        loop.stop();
      });
      loop.runForeverSync();
      const elapsed = performance.now() - start;
      assertGreaterOrEqual(lateness, -slack);
      assertGreaterOrEqual(elapsed, 20 - slack);
      assertLess(elapsed, 5000);
    } finally {
      loop.close();
    }
  } else {
    assertThrows(() => new AtomicsIdle(), CannotBlockError);
    const loop = new EventLoop();
    try {
      loop.callLater(20, () => loop.stop());
      assertThrows(() => loop.runForeverSync(), CannotBlockError);
      assertFalse(loop.isRunning());
    } finally {
      loop.close();
    }
  }
});

Deno.test("a blocking real-clock loop with nothing scheduled raises DeadlockError instead of hanging", () => {
  const loop = new EventLoop();
  try {
    if (blockingRefusal() === null) assertThrows(() => loop.runForeverSync(), DeadlockError);
    else assertThrows(() => loop.runForeverSync(), CannotBlockError);
    assertFalse(loop.isRunning());
  } finally {
    loop.close();
  }
});
