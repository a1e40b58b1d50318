/**
 * Future: the state machine, done-callbacks scheduled through callSoon,
 * printing, and `yield* fut` (asyncio's futures.py / test_futures.py).
 */

import { assert, assertEquals, assertFalse, assertInstanceOf, assertStrictEquals, assertThrows } from "@std/assert";
import { CancelledError, EventLoop, Future, getRunningLoop, InvalidStateError, run } from "../../mod.ts";
import { caught, recordExceptions, untyped } from "./_helpers.ts";

function withLoop(body: (loop: EventLoop) => void): void {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    body(loop);
  } finally {
    loop.close();
  }
}

Deno.test("a new Future is pending, and result() and exception() raise InvalidStateError", () => {
  withLoop((loop) => {
    const fut = loop.createFuture<number>();
    assertEquals([fut.done(), fut.cancelled()], [false, false]);
    assertThrows(() => fut.result(), InvalidStateError, "pending");
    assertThrows(() => fut.exception(), InvalidStateError, "pending");
  });
});

Deno.test("setResult() finishes a future once; a second setResult, setException or cancel is refused", () => {
  withLoop((loop) => {
    const fut = loop.createFuture<number>();
    fut.setResult(42);
    assertEquals([fut.done(), fut.cancelled(), fut.result(), fut.exception()], [true, false, 42, null]);
    assertThrows(() => fut.setResult(43), InvalidStateError, "already finished");
    assertThrows(() => fut.setException(new Error("late")), InvalidStateError, "already finished");
    assertEquals(fut.cancel(), false);
    assertEquals([fut.done(), fut.cancelled(), fut.result()], [true, false, 42]);
  });
});

Deno.test("setException() makes result() throw the error and exception() return it", () => {
  withLoop((loop) => {
    const fut = loop.createFuture<number>();
    const boom = new Error("boom");
    fut.setException(boom);
    assertEquals([fut.done(), fut.cancelled()], [true, false]);
    assertStrictEquals(fut.exception(), boom);
    assertStrictEquals(assertThrows(() => fut.result()), boom);
    assertThrows(() => fut.setResult(1), InvalidStateError, "already finished");
    assertThrows(() => fut.setException(new Error("again")), InvalidStateError, "already finished");
    assertEquals(fut.cancel(), false);
  });
});

Deno.test("setException() accepts any thrown value except undefined", () => {
  withLoop((loop) => {
    const fut = loop.createFuture<number>();
    fut.setException("a string error");
    assertEquals(fut.exception(), "a string error");
    const nullish = loop.createFuture<number>();
    nullish.setException(null);
    assertStrictEquals(assertThrows(() => nullish.result()), null);
  });
});

Deno.test("setException(undefined) is a TypeError and leaves the future pending", () => {
  withLoop((loop) => {
    const fut = loop.createFuture<number>();
    assertThrows(() => fut.setException(undefined), TypeError, "undefined");
    assertFalse(fut.done());
  });
});

Deno.test("exception() is null after a result, even a falsy one", () => {
  withLoop((loop) => {
    for (const value of [0, "", null, undefined, false]) {
      const fut = loop.createFuture<unknown>();
      fut.setResult(value);
      assertStrictEquals(fut.exception(), null);
      assertStrictEquals(fut.result(), value);
    }
  });
});

Deno.test("cancel() moves a pending future to cancelled once and returns true only the first time", () => {
  withLoop((loop) => {
    const fut = loop.createFuture<number>();
    assertEquals(fut.cancel(), true);
    assertEquals([fut.done(), fut.cancelled()], [true, true]);
    assertEquals(fut.cancel(), false);
    assertThrows(() => fut.setResult(1), InvalidStateError, "already cancelled");
    assertThrows(() => fut.setException(new Error("x")), InvalidStateError, "already cancelled");
    assertEquals(fut.cancelled(), true);
  });
});

Deno.test("a cancelled future raises CancelledError carrying the cancel message from result() and exception()", () => {
  withLoop((loop) => {
    const fut = loop.createFuture<number>();
    fut.cancel("not needed");
    const fromResult = assertThrows(() => fut.result(), CancelledError);
    const fromException = assertThrows(() => fut.exception(), CancelledError);
    assertEquals([fromResult.message, fromException.message], ["not needed", "not needed"]);
    assertEquals(fromResult.name, "CancelledError");

    const silent = loop.createFuture<number>();
    silent.cancel();
    assertEquals(assertThrows(() => silent.result(), CancelledError).message, "");
  });
});

Deno.test("constructing a Future with no running loop and no loop option throws InvalidStateError", () => {
  assertThrows(() => new Future(), InvalidStateError, "running event loop");
  withLoop((loop) => {
    const fut = new Future<number>({ loop });
    assertStrictEquals(fut.getLoop(), loop);
    assertStrictEquals(loop.createFuture().getLoop(), loop);
  });
});

Deno.test("new Future() inside a task belongs to the running loop", async () => {
  const [same, value] = await run(function* () {
    const fut = new Future<string>();
    getRunningLoop().callSoon(() => fut.setResult("set"));
    const value = yield* fut;
    return [fut.getLoop() === getRunningLoop(), value];
  }, { clock: "virtual" });
  assertEquals([same, value], [true, "set"]);
});

Deno.test("done-callbacks never run inside setResult(); they run in the next iteration in registration order", () => {
  withLoop((loop) => {
    const fut = loop.createFuture<number>();
    const log: string[] = [];
    fut.addDoneCallback(() => log.push("first"));
    fut.addDoneCallback(() => log.push("second"));
    fut.addDoneCallback(() => log.push("third"));
    fut.setResult(1);
    assertEquals(log, []);
    loop.runOnce();
    assertEquals(log, ["first", "second", "third"]);
    loop.runOnce();
    assertEquals(log, ["first", "second", "third"]);
  });
});

Deno.test("done-callbacks are called with the future", () => {
  withLoop((loop) => {
    const fut = loop.createFuture<number>();
    const got: unknown[] = [];
    fut.addDoneCallback((f) => got.push(f, f.result()));
    fut.setResult(7);
    loop.runOnce();
    assertEquals(got.length, 2);
    assertStrictEquals(got[0], fut);
    assertEquals(got[1], 7);
  });
});

Deno.test("done-callbacks interleave with other callSoon calls in scheduling order", () => {
  withLoop((loop) => {
    const log: string[] = [];
    const fut = loop.createFuture<number>();
    fut.addDoneCallback(() => log.push("done-cb A"));
    loop.callSoon(() => log.push("soon 1"));
    fut.setResult(1); // A is queued here, after "soon 1"
    loop.callSoon(() => log.push("soon 2"));
    fut.addDoneCallback(() => log.push("done-cb B")); // already done: queued now, after "soon 2"
    loop.callSoon(() => log.push("soon 3"));
    loop.runOnce();
    assertEquals(log, ["soon 1", "done-cb A", "soon 2", "done-cb B", "soon 3"]);
  });
});

Deno.test("addDoneCallback() on a done future schedules the callback for the next iteration, not synchronously", () => {
  withLoop((loop) => {
    const log: string[] = [];
    const fut = loop.createFuture<number>();
    fut.cancel();
    fut.addDoneCallback((f) => log.push(`cancelled=${f.cancelled()}`));
    assertEquals(log, []);
    loop.runOnce();
    assertEquals(log, ["cancelled=true"]);
  });
});

Deno.test("callbacks added while the done-callbacks run wait for the following iteration", () => {
  withLoop((loop) => {
    const log: string[] = [];
    const fut = loop.createFuture<number>();
    fut.addDoneCallback(() => {
      log.push("outer");
      fut.addDoneCallback(() => log.push("inner"));
    });
    fut.setResult(1);
    loop.runOnce();
    assertEquals(log, ["outer"]);
    loop.runOnce();
    assertEquals(log, ["outer", "inner"]);
  });
});

Deno.test("the done-callbacks of a cancelled or failed future run as well", () => {
  withLoop((loop) => {
    const log: string[] = [];
    const cancelled = loop.createFuture<number>();
    const failed = loop.createFuture<number>();
    cancelled.addDoneCallback((f) => log.push(`cancelled: ${f.cancelled()}`));
    failed.addDoneCallback((f) => log.push(`failed: ${(f.exception() as Error).message}`));
    failed.setException(new Error("bad"));
    cancelled.cancel();
    loop.runOnce();
    assertEquals(log, ["failed: bad", "cancelled: true"]);
  });
});

Deno.test("removeDoneCallback() removes every registration of the function and returns how many", () => {
  withLoop((loop) => {
    const log: string[] = [];
    const fut = loop.createFuture<number>();
    const twice = () => log.push("twice");
    const kept = () => log.push("kept");
    fut.addDoneCallback(twice);
    fut.addDoneCallback(kept);
    fut.addDoneCallback(twice);
    assertEquals(fut.removeDoneCallback(twice), 2);
    assertEquals(fut.removeDoneCallback(twice), 0);
    assertEquals(fut.removeDoneCallback(() => {}), 0);
    fut.setResult(1);
    loop.runOnce();
    assertEquals(log, ["kept"]);
  });
});

Deno.test("removeDoneCallback() cannot stop callbacks that are already scheduled", () => {
  withLoop((loop) => {
    const log: string[] = [];
    const fut = loop.createFuture<number>();
    const cb = () => log.push("ran");
    fut.addDoneCallback(cb);
    fut.setResult(1);
    assertEquals(fut.removeDoneCallback(cb), 0);
    const late = () => log.push("late ran");
    fut.addDoneCallback(late); // done: scheduled at once
    assertEquals(fut.removeDoneCallback(late), 0);
    loop.runOnce();
    assertEquals(log, ["ran", "late ran"]);
  });
});

Deno.test("addDoneCallback() rejects a non-function with a TypeError", () => {
  withLoop((loop) => {
    const fut = loop.createFuture<number>();
    assertThrows(() => fut.addDoneCallback(untyped(42)), TypeError, "42");
  });
});

Deno.test("a done-callback that throws is reported to the exception handler and the others still run", () => {
  withLoop((loop) => {
    const seen = recordExceptions(loop);
    const log: string[] = [];
    const fut = loop.createFuture<number>();
    const boom = new Error("callback failed");
    fut.addDoneCallback(() => {
      throw boom;
    });
    fut.addDoneCallback(() => log.push("second"));
    fut.setResult(1);
    loop.runOnce();
    assertEquals(log, ["second"]);
    assertEquals(seen.length, 1);
    assertStrictEquals(seen[0].exception, boom);
  });
});

Deno.test("a future prints as <Future pending>, <Future finished result=…>, <Future finished exception=…>, <Future cancelled>", () => {
  withLoop((loop) => {
    const pending = loop.createFuture<number>();
    assertEquals(String(pending), "<Future pending>");
    const finished = loop.createFuture<number>();
    finished.setResult(42);
    assertEquals(String(finished), "<Future finished result=42>");
    const text = loop.createFuture<string>();
    text.setResult("hi");
    assertEquals(String(text), '<Future finished result="hi">');
    const failed = loop.createFuture<number>();
    failed.setException(new TypeError("bad value"));
    assertEquals(String(failed), "<Future finished exception=TypeError: bad value>");
    failed.exception();
    const cancelled = loop.createFuture<number>();
    cancelled.cancel();
    assertEquals(String(cancelled), "<Future cancelled>");
    assertEquals(`${finished}`, "<Future finished result=42>");
  });
});

Deno.test("console.log, Deno and Node inspectors print a future through toString()", () => {
  withLoop((loop) => {
    const fut = loop.createFuture<number>();
    fut.setResult(42);
    for (const key of ["Deno.customInspect", "nodejs.util.inspect.custom"]) {
      const inspect = (fut as unknown as Record<symbol, () => string>)[Symbol.for(key)];
      assertEquals(typeof inspect, "function", key);
      assertEquals(inspect.call(fut), "<Future finished result=42>");
    }
  });
});

Deno.test("yield* fut returns the future's result once it is set", async () => {
  const log = await run(function* () {
    const loop = getRunningLoop();
    const fut = loop.createFuture<string>();
    loop.callLater(25, () => fut.setResult("ready"));
    const value = yield* fut;
    return [value, loop.time()];
  }, { clock: "virtual" });
  assertEquals(log, ["ready", 25]);
});

Deno.test("yield* fut throws the future's exception at the yield*", async () => {
  const boom = new Error("boom");
  const [error, time] = await run(function* () {
    const loop = getRunningLoop();
    const fut = loop.createFuture<string>();
    loop.callLater(10, () => fut.setException(boom));
    const error = yield* caught(fut);
    return [error, loop.time()];
  }, { clock: "virtual" });
  assertStrictEquals(error, boom);
  assertEquals(time, 10);
});

Deno.test("yield* fut on a cancelled future throws CancelledError with the message", async () => {
  const error = await run(function* () {
    const fut = getRunningLoop().createFuture<string>();
    getRunningLoop().callSoon(() => fut.cancel("gone"));
    return yield* caught(fut);
  }, { clock: "virtual" });
  assertInstanceOf(error, CancelledError);
  assertEquals(error.message, "gone");
});

Deno.test("yield* on an already-done future returns at once, without giving up an iteration", async () => {
  const log = await run(function* () {
    const loop = getRunningLoop();
    const log: string[] = [];
    const fut = loop.createFuture<string>();
    fut.setResult("early");
    loop.callSoon(() => log.push("callback"));
    log.push(yield* fut);
    log.push("after");
    yield; // now the callback gets its turn
    return log;
  }, { clock: "virtual" });
  assertEquals(log, ["early", "after", "callback"]);
});

Deno.test("a future is its own yield* iterator and can be awaited by several tasks", async () => {
  const values = await run(function* () {
    const loop = getRunningLoop();
    const fut = loop.createFuture<number>();
    assert((fut[Symbol.iterator]() as unknown) === fut);
    const waiters = [1, 2, 3].map((n) =>
      loop.createTask((function* () {
        return (yield* fut) + n;
      })())
    );
    loop.callLater(5, () => fut.setResult(10));
    const out: number[] = [];
    for (const w of waiters) out.push(yield* w);
    return out;
  }, { clock: "virtual" });
  assertEquals(values, [11, 12, 13]);
});
