/**
 * A loop's life: idle → running → stopped → closed. What each state refuses,
 * and which driver a loop may use.
 */
import {
  assertEquals,
  assertFalse,
  assertInstanceOf,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { AtomicsIdle, CannotBlockError, EventLoop, InvalidStateError, SetTimeoutIdle } from "../../mod.ts";
import { blockingRefusal } from "../../lib/loop/idle/atomics.ts";
import { collectGarbage, FakeBlockingIdle, FakeHostIdle } from "./_support.ts";

Deno.test("isClosed() is false until close() and true after it", () => {
  const loop = new EventLoop({ clock: "virtual" });
  const before = loop.isClosed();
  loop.close();
  assertEquals([before, loop.isClosed()], [false, true]);
});

Deno.test("close() is idempotent", () => {
  const loop = new EventLoop({ clock: "virtual" });
  loop.close();
  loop.close();
  assertEquals(loop.isClosed(), true);
});

Deno.test("close() from a callback of a host-driven run throws InvalidStateError and leaves the loop open", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    let error: unknown;
    loop.callSoon(() => {
      try {
        loop.close();
      } catch (e) {
        error = e;
      }
      loop.stop();
    });
    await loop.runForever();
    assertInstanceOf(error, InvalidStateError);
    assertFalse(loop.isClosed());
  } finally {
    loop.close();
  }
});

Deno.test("close() from host code while a host-driven loop waits throws InvalidStateError", async () => {
  const loop = new EventLoop();
  try {
    const done = loop.runForever();
    assertThrows(() => loop.close(), InvalidStateError);
    loop.stop();
    await done;
    assertFalse(loop.isClosed());
  } finally {
    loop.close();
  }
});

Deno.test("close() from a callback of a blocking run throws InvalidStateError", () => {
  const loop = new EventLoop({ clock: "virtual", idle: new FakeBlockingIdle() });
  try {
    let error: unknown;
    loop.callSoon(() => {
      try {
        loop.close();
      } catch (e) {
        error = e;
      }
      loop.stop();
    });
    loop.runForeverSync();
    assertInstanceOf(error, InvalidStateError);
  } finally {
    loop.close();
  }
});

Deno.test("close() discards the callbacks and timers that never ran", () => {
  const loop = new EventLoop({ clock: "virtual" });
  loop.callSoon(() => {});
  loop.callLater(10, () => {});
  assertStringIncludes(String(loop), "ready=1 timers=1");
  loop.close();
  assertEquals(String(loop), "<EventLoop closed clock=virtual ready=0 timers=0>");
});

Deno.test("close() lets the callbacks and arguments that never ran be collected", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  const refs = scheduleGarbage(loop);
  loop.close();
  await collectGarbage();
  assertEquals(refs.map((ref) => ref.deref() === undefined), [true, true]);
});

function scheduleGarbage(loop: EventLoop): WeakRef<object>[] {
  const soon = { big: new Array(1000).fill(0) };
  const later = { big: new Array(1000).fill(1) };
  loop.callSoon((x: unknown) => x, soon);
  loop.callLater(10, (x: unknown) => x, later);
  return [new WeakRef(soon), new WeakRef(later)];
}

Deno.test("scheduling on a closed loop throws InvalidStateError", () => {
  const loop = new EventLoop({ clock: "virtual" });
  loop.close();
  assertThrows(() => loop.callSoon(() => {}), InvalidStateError, "closed");
  assertThrows(() => loop.callSoonThreadsafe(() => {}), InvalidStateError, "closed");
  assertThrows(() => loop.callLater(5, () => {}), InvalidStateError, "closed");
  assertThrows(() => loop.callLater(Infinity, () => {}), InvalidStateError, "closed");
  assertThrows(() => loop.callAt(5, () => {}), InvalidStateError, "closed");
});

Deno.test("runForever on a closed loop rejects with InvalidStateError", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  loop.close();
  await assertRejects(() => loop.runForever(), InvalidStateError, "closed");
  assertFalse(loop.isRunning());
});

Deno.test("runForeverSync on a closed loop throws InvalidStateError", () => {
  const loop = new EventLoop({ clock: "virtual", idle: new FakeBlockingIdle() });
  loop.close();
  assertThrows(() => loop.runForeverSync(), InvalidStateError, "closed");
  assertFalse(loop.isRunning());
});

Deno.test("running a closed loop that has no adapter yet fails with InvalidStateError, whatever the thread allows", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  loop.close();
  assertThrows(() => loop.runForeverSync(), InvalidStateError, "closed");
  await assertRejects(() => loop.runForever(), InvalidStateError, "closed");
});

Deno.test("runForever while the same loop runs rejects with InvalidStateError", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    let nested: Promise<void> | undefined;
    loop.callSoon(() => {
      nested = loop.runForever();
      nested.catch(() => {}); // examined below
      loop.stop();
    });
    await loop.runForever();
    await assertRejects(() => nested as Promise<void>, InvalidStateError, "running");
  } finally {
    loop.close();
  }
});

Deno.test("runForeverSync while the same loop runs throws InvalidStateError", () => {
  const loop = new EventLoop({ clock: "virtual", idle: new FakeBlockingIdle() });
  try {
    let error: unknown;
    loop.callSoon(() => {
      try {
        loop.runForeverSync();
      } catch (e) {
        error = e;
      }
      loop.stop();
    });
    loop.runForeverSync();
    assertInstanceOf(error, InvalidStateError);
    assertStringIncludes((error as Error).message, "running");
  } finally {
    loop.close();
  }
});

Deno.test("running a loop while another loop runs on this thread fails with InvalidStateError", async () => {
  const outer = new EventLoop({ clock: "virtual" });
  const hostInner = new EventLoop({ clock: "virtual" });
  const blockingInner = new EventLoop({ clock: "virtual", idle: new FakeBlockingIdle() });
  try {
    let hostRun: Promise<void> | undefined;
    let blockingError: unknown;
    outer.callSoon(() => {
      hostRun = hostInner.runForever();
      hostRun.catch(() => {});
      try {
        blockingInner.runForeverSync();
      } catch (e) {
        blockingError = e;
      }
      outer.stop();
    });
    await outer.runForever();
    await assertRejects(() => hostRun as Promise<void>, InvalidStateError, "another loop");
    assertInstanceOf(blockingError, InvalidStateError);
    assertStringIncludes((blockingError as Error).message, "another loop");
    assertEquals([hostInner.isRunning(), blockingInner.isRunning()], [false, false]);
  } finally {
    outer.close();
    hostInner.close();
    blockingInner.close();
  }
});

Deno.test("another loop cannot start while a host-driven loop waits between slices", async () => {
  const first = new EventLoop();
  const second = new EventLoop({ clock: "virtual" });
  try {
    const done = first.runForever();
    await assertRejects(() => second.runForever(), InvalidStateError, "another loop");
    first.stop();
    await done;
    second.callSoon(() => second.stop());
    await second.runForever();
  } finally {
    first.close();
    second.close();
  }
});

Deno.test("runOnce counts as running: isRunning() is true inside its callbacks and false after", () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    const seen: boolean[] = [];
    loop.callSoon(() => seen.push(loop.isRunning()));
    loop.runOnce();
    seen.push(loop.isRunning());
    assertEquals(seen, [true, false]);
  } finally {
    loop.close();
  }
});

Deno.test("runOnce on a closed loop throws InvalidStateError", () => {
  const loop = new EventLoop({ clock: "virtual" });
  loop.close();
  assertThrows(() => loop.runOnce(), InvalidStateError, "closed");
});

Deno.test("runOnce from a callback of the same loop throws InvalidStateError", () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    const log: string[] = [];
    let error: unknown;
    loop.callSoon(() => {
      loop.callSoon(() => log.push("must wait for the next iteration"));
      try {
        loop.runOnce();
      } catch (e) {
        error = e;
      }
    });
    loop.runOnce();
    assertInstanceOf(error, InvalidStateError);
    assertEquals(log, []);
  } finally {
    loop.close();
  }
});

Deno.test("runOnce while another loop runs on this thread throws InvalidStateError", async () => {
  const outer = new EventLoop({ clock: "virtual" });
  const inner = new EventLoop({ clock: "virtual" });
  try {
    let error: unknown;
    outer.callSoon(() => {
      try {
        inner.runOnce();
      } catch (e) {
        error = e;
      }
      outer.stop();
    });
    await outer.runForever();
    assertInstanceOf(error, InvalidStateError);
    assertStringIncludes((error as Error).message, "another loop");
  } finally {
    outer.close();
    inner.close();
  }
});

Deno.test("a stop() during runOnce stays pending, so the next runForever runs one iteration (asyncio)", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    const log: string[] = [];
    loop.callSoon(() => loop.stop());
    loop.runOnce();
    loop.callSoon(() => {
      log.push("one iteration");
      loop.callSoon(() => log.push("the next"));
    });
    await loop.runForever();
    assertEquals(log, ["one iteration"]);
  } finally {
    loop.close();
  }
});

Deno.test("a loop given a host adapter refuses runForeverSync with InvalidStateError", () => {
  for (const idle of [new SetTimeoutIdle(), new FakeHostIdle()]) {
    const loop = new EventLoop({ clock: "virtual", idle });
    try {
      loop.callSoon(() => loop.stop());
      assertThrows(() => loop.runForeverSync(), InvalidStateError, "runForever()");
      assertFalse(loop.isRunning());
    } finally {
      loop.close();
    }
  }
});

Deno.test("a loop given a blocking adapter refuses runForever with InvalidStateError", async () => {
  const adapters = [new FakeBlockingIdle()];
  if (blockingRefusal() === null) adapters.push(new AtomicsIdle() as unknown as FakeBlockingIdle);
  else assertThrows(() => new AtomicsIdle(), CannotBlockError);
  for (const idle of adapters) {
    const loop = new EventLoop({ clock: "virtual", idle });
    try {
      loop.callSoon(() => loop.stop());
      await assertRejects(() => loop.runForever(), InvalidStateError, "runForeverSync()");
      assertFalse(loop.isRunning());
    } finally {
      loop.close();
    }
  }
});

Deno.test("a loop without an explicit adapter can be driven by runForeverSync after runForever", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  const log: string[] = [];
  try {
    loop.callSoon(() => log.push("host-driven"));
    loop.callSoon(() => loop.stop());
    await loop.runForever();
    loop.callSoon(() => log.push("blocking"));
    loop.callSoon(() => loop.stop());
    if (blockingRefusal() === null) {
      loop.runForeverSync();
      assertEquals(log, ["host-driven", "blocking"]);
    } else {
      assertThrows(() => loop.runForeverSync(), CannotBlockError);
    }
  } finally {
    loop.close();
  }
});

Deno.test("a loop without an explicit adapter can be driven by runForever after runForeverSync", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  const log: string[] = [];
  try {
    loop.callSoon(() => log.push("blocking"));
    loop.callSoon(() => loop.stop());
    if (blockingRefusal() === null) loop.runForeverSync();
    else assertThrows(() => loop.runForeverSync(), CannotBlockError);
    loop.callSoon(() => log.push("host-driven"));
    loop.callSoon(() => loop.stop());
    await loop.runForever(); // where blocking is refused, both batches run here
    assertEquals(log, ["blocking", "host-driven"]);
  } finally {
    loop.close();
  }
});

Deno.test("a loop prints its state, its clock and how much work it holds", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  let inside = "";
  loop.callSoon(() => {
    inside = String(loop);
    loop.stop();
  });
  loop.callLater(10, () => {});
  const idle = String(loop);
  await loop.runForever();
  loop.close();
  assertEquals(idle, "<EventLoop idle clock=virtual ready=1 timers=1>");
  assertStringIncludes(inside, "<EventLoop running clock=virtual");
  assertEquals(String(loop), "<EventLoop closed clock=virtual ready=0 timers=0>");
  const real = new EventLoop();
  assertStringIncludes(String(real), "<EventLoop idle ready=0 timers=0>");
  real.close();
});
