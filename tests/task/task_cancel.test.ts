/**
 * Task cancellation, case by case (asyncio's tasks.py, test_tasks.py and the
 * findings in research/asyncio-surface.md §0.7–0.8): where CancelledError is
 * delivered, what cancel() returns, cancelling()/uncancel(), what happens to
 * the awaited future, and the task's AbortSignal.
 */

import { assertEquals, assertInstanceOf, assertStrictEquals, assertThrows } from "@std/assert";
import {
  CancelledError,
  type Coro,
  createTask,
  currentTask,
  type EventLoop,
  getRunningLoop,
  run,
  sleep,
  type Task,
} from "../../mod.ts";
import { caught, recordExceptions } from "./_helpers.ts";

const virtual = { clock: "virtual" } as const;

Deno.test("cancel() before the first step: the body never runs and the task ends cancelled", async () => {
  const [log, cancelled, error] = await run(function* () {
    const log: string[] = [];
    const task = createTask((function* () {
      log.push("code before the first yield"); // must never run
      yield* sleep(10);
      log.push("after the sleep");
    })());
    assertEquals(task.cancel(), true);
    const error = yield* caught(task);
    return [log, task.cancelled(), error];
  }, virtual);
  assertEquals(log, []);
  assertEquals(cancelled, true);
  assertInstanceOf(error, CancelledError);
});

Deno.test("cancelling a task cancels the future it awaits, synchronously", async () => {
  const [futCancelledAtOnce, taskCancelled, log] = await run(function* () {
    const loop = getRunningLoop();
    const log: string[] = [];
    const fut = loop.createFuture<number>();
    const task = createTask((function* () {
      try {
        yield* fut;
      } catch (e) {
        log.push(`caught ${(e as Error).name}`);
        throw e;
      }
    })());
    yield; // the task is now suspended on fut
    task.cancel();
    const futCancelledAtOnce = fut.cancelled();
    yield* caught(task);
    return [futCancelledAtOnce, task.cancelled(), log];
  }, virtual);
  assertEquals([futCancelledAtOnce, taskCancelled, log], [true, true, ["caught CancelledError"]]);
});

Deno.test("CancelledError is thrown in at the yield* the task is suspended on, in the next iteration", async () => {
  const log = await run(function* () {
    const loop = getRunningLoop();
    const log: string[] = [];
    const fut = loop.createFuture<number>();
    const task = createTask((function* () {
      log.push("waiting");
      try {
        yield* fut;
        log.push("resumed normally");
      } catch (e) {
        log.push(`CancelledError at the yield*: ${e instanceof CancelledError}`);
      }
      return "handled";
    })());
    yield;
    task.cancel();
    log.push("cancel() returned");
    loop.callSoon(() => log.push("callback queued after cancel()"));
    yield* task;
    return log;
  }, virtual);
  assertEquals(log, [
    "waiting",
    "cancel() returned",
    "CancelledError at the yield*: true",
    "callback queued after cancel()",
  ]);
});

Deno.test("a coroutine may catch CancelledError and return: the task has a result and cancelling() stays 1 until uncancel()", async () => {
  const out = await run(function* () {
    const task = createTask((function* () {
      try {
        yield* sleep(100);
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
      }
      return "survived";
    })());
    yield;
    assertEquals(task.cancel(), true);
    const value = yield* task;
    const state = [task.cancelled(), task.result(), task.cancelling()];
    const afterUncancel = task.uncancel();
    return [value, ...state, afterUncancel, task.cancelling()];
  }, virtual);
  assertEquals(out, ["survived", false, "survived", 1, 0, 0]);
});

Deno.test("a coroutine that catches CancelledError can keep awaiting", async () => {
  const log = await run(function* () {
    const loop = getRunningLoop();
    const log: unknown[] = [];
    const task = createTask((function* () {
      try {
        yield* sleep(100);
      } catch (e) {
        log.push([(e as Error).name, loop.time()]);
      }
      yield* sleep(50);
      log.push(["finished its cleanup", loop.time()]);
      return "late result";
    })());
    loop.callLater(10, () => task.cancel());
    log.push(["main got", yield* task, loop.time()]);
    return log;
  }, virtual);
  assertEquals(log, [["CancelledError", 10], ["finished its cleanup", 60], ["main got", "late result", 60]]);
});

Deno.test("the message given to cancel(msg) reaches the CancelledError in the coroutine and from result()", async () => {
  const [inside, outside] = await run(function* () {
    let inside = "";
    const task = createTask((function* () {
      try {
        yield* sleep(100);
      } catch (e) {
        inside = (e as Error).message;
        throw e;
      }
    })());
    yield;
    task.cancel("stop now");
    yield* caught(task);
    const outside = assertThrows(() => task.result(), CancelledError).message;
    return [inside, outside];
  }, virtual);
  assertEquals([inside, outside], ["stop now", "stop now"]);
});

Deno.test("the cancel message also reaches a task cancelled before its first step", async () => {
  const message = await run(function* () {
    const task = createTask(sleep(10));
    task.cancel("too early");
    const error = yield* caught(task);
    return (error as Error).message;
  }, virtual);
  assertEquals(message, "too early");
});

Deno.test("cancel() returns true each time while the task is pending, and cancelling() counts the requests", async () => {
  const out = await run(function* () {
    const task = createTask(sleep(100));
    yield;
    const results = [task.cancel(), task.cancel("second"), task.cancel()];
    const counted = task.cancelling();
    yield* caught(task);
    return [results, counted, task.cancelled()];
  }, virtual);
  assertEquals(out, [[true, true, true], 3, true]);
});

Deno.test("cancel() on a done task returns false and changes nothing", async () => {
  const out = await run(function* () {
    const finished = createTask(sleep(1, "value"));
    const failed = createTask((function* () {
      yield* sleep(1);
      throw new Error("failed");
    })());
    yield* finished;
    yield* caught(failed);
    return [finished.cancel(), finished.result(), finished.cancelling(), failed.cancel(), failed.cancelled()];
  }, virtual);
  assertEquals(out, [false, "value", 0, false, false]);
});

Deno.test("cancelling() is 0 for a task nobody cancelled, and uncancel() never goes below 0", async () => {
  const out = await run(function* () {
    const task = createTask(sleep(1));
    const before = [task.cancelling(), task.uncancel(), task.cancelling()];
    yield* task;
    return before;
  }, virtual);
  assertEquals(out, [0, 0, 0]);
});

Deno.test("uncancel() decrements cancelling(), and at 0 drops a cancellation not yet delivered (3.13)", async () => {
  const out = await run(function* () {
    const log: string[] = [];
    const task = createTask((function* () {
      log.push("body runs");
      yield* sleep(5);
      return "completed";
    })());
    task.cancel();
    task.cancel();
    const counts = [task.uncancel(), task.uncancel()];
    const value = yield* task;
    return [counts, value, task.cancelled(), log];
  }, virtual);
  assertEquals(out, [[1, 0], "completed", false, ["body runs"]]);
});

Deno.test("uncancel() that leaves requests pending keeps the cancellation", async () => {
  const out = await run(function* () {
    const task = createTask(sleep(5));
    task.cancel();
    task.cancel();
    const left = task.uncancel();
    yield* caught(task);
    return [left, task.cancelled()];
  }, virtual);
  assertEquals(out, [1, true]);
});

Deno.test("cancelling a sleeping task cancels the sleep: CancelledError at the yield* at the same virtual time, and finally runs", async () => {
  const log = await run(function* () {
    const loop = getRunningLoop();
    const log: unknown[] = [];
    const task = createTask((function* () {
      try {
        yield* sleep(100);
        log.push(["slept to the end", loop.time()]);
      } catch (e) {
        log.push([`caught ${(e as Error).name}`, loop.time()]);
        throw e;
      } finally {
        log.push(["finally", loop.time()]);
      }
    })());
    loop.callLater(30, () => {
      log.push(["cancel", loop.time()]);
      task.cancel();
    });
    yield* caught(task);
    log.push(["task cancelled", task.cancelled(), loop.time()]);
    yield* sleep(200); // the cancelled sleep's timer must never fire
    log.push(["end", loop.time()]);
    return log;
  }, virtual);
  assertEquals(log, [
    ["cancel", 30],
    ["caught CancelledError", 30],
    ["finally", 30],
    ["task cancelled", true, 30],
    ["end", 230],
  ]);
});

Deno.test("a cancel during a bare yield is delivered at the task's next step", async () => {
  const log = await run(function* () {
    const loop = getRunningLoop();
    const log: string[] = [];
    const task = createTask((function* () {
      log.push("step 1");
      try {
        yield;
        log.push("resumed without error");
      } catch (e) {
        log.push(`step 2 got ${(e as Error).name}: ${(e as Error).message}`);
      }
      return "done";
    })());
    loop.callSoon(() => {
      log.push("cancel");
      task.cancel("at the yield");
    });
    yield* task;
    return log;
  }, virtual);
  assertEquals(log, ["step 1", "cancel", "step 2 got CancelledError: at the yield"]);
});

Deno.test("a cancel during sleep(0) is delivered at the task's next step, at the yield*", async () => {
  const log = await run(function* () {
    const loop = getRunningLoop();
    const log: string[] = [];
    const task = createTask((function* () {
      log.push("step 1");
      try {
        yield* sleep(0);
        log.push("resumed without error");
      } catch (e) {
        log.push(`step 2 got ${(e as Error).name}`);
        throw e;
      }
    })());
    loop.callSoon(() => task.cancel());
    yield* caught(task);
    return [...log, `cancelled=${task.cancelled()}`];
  }, virtual);
  assertEquals(log, ["step 1", "step 2 got CancelledError", "cancelled=true"]);
});

Deno.test("a task cancelled right before its coroutine returns ends cancelled", async () => {
  const out = await run(function* () {
    const task = createTask((function* () {
      yield* sleep(1);
      (currentTask() as Task<unknown>).cancel("at the end");
      return 12;
    })());
    const error = yield* caught(task);
    return [task.cancelled(), (error as Error).message];
  }, virtual);
  assertEquals(out, [true, "at the end"]);
});

Deno.test("a task cancelled while its awaited future's wake-up is queued gets CancelledError (the must-cancel path)", async () => {
  const [out, reports] = await run(function* () {
    const loop = getRunningLoop();
    const seen = recordExceptions(loop);
    const log: string[] = [];
    const fut = loop.createFuture<number>();
    const task = createTask((function* () {
      try {
        const v = yield* fut;
        log.push(`resumed with ${v}`);
      } catch (e) {
        log.push(`caught ${(e as Error).name}`);
        throw e;
      }
    })());
    yield; // suspended on fut
    fut.setException(new Error("the future failed")); // the task's wake-up is now queued
    assertEquals(task.cancel(), true); // fut is done: cannot be cancelled; the cancel must wait for the step
    yield* caught(task);
    return [[...log, `task cancelled=${task.cancelled()}`], seen];
  }, virtual);
  assertEquals(out, ["caught CancelledError", "task cancelled=true"]);
  assertEquals(reports.map((r) => r.message), []); // the future's exception counts as retrieved
});

Deno.test("a task cancelled while a successful future's wake-up is queued also gets CancelledError", async () => {
  const out = await run(function* () {
    const loop = getRunningLoop();
    const fut = loop.createFuture<number>();
    const task = createTask((function* () {
      return yield* fut;
    })());
    yield;
    fut.setResult(5);
    task.cancel("too late to matter?");
    const error = yield* caught(task);
    return [task.cancelled(), (error as Error).message, fut.result()];
  }, virtual);
  assertEquals(out, [true, "too late to matter?", 5]);
});

Deno.test("cancelling a task that awaits another task cancels the inner task too", async () => {
  const log = await run(function* () {
    const loop = getRunningLoop();
    const log: unknown[] = [];
    const inner = createTask(
      (function* () {
        try {
          yield* sleep(100);
        } finally {
          log.push(["inner finally", loop.time()]);
        }
      })(),
      { name: "inner" },
    );
    const outer = createTask(
      (function* () {
        try {
          yield* inner;
        } finally {
          log.push(["outer finally", loop.time()]);
        }
      })(),
      { name: "outer" },
    );
    yield* sleep(10);
    outer.cancel("from main");
    log.push(["inner cancelling", inner.cancelling()]);
    const error = yield* caught(outer);
    log.push(["states", inner.cancelled(), outer.cancelled(), (error as Error).message]);
    return log;
  }, virtual);
  assertEquals(log, [
    ["inner cancelling", 1],
    ["inner finally", 10],
    ["outer finally", 10],
    ["states", true, true, "from main"],
  ]);
});

Deno.test("the awaiting task is not cancelled when only the task it awaits is cancelled, if it catches", async () => {
  const out = await run(function* () {
    const inner = createTask(sleep(100));
    const outer = createTask((function* () {
      try {
        yield* inner;
      } catch (e) {
        return `outer caught ${(e as Error).name}`;
      }
    })());
    yield;
    inner.cancel();
    return [yield* outer, outer.cancelling(), inner.cancelled()];
  }, virtual);
  assertEquals(out, ["outer caught CancelledError", 0, true]);
});

Deno.test("a task that cancels itself gets CancelledError at its next yield*", async () => {
  const log = await run(function* () {
    const log: string[] = [];
    const task = createTask((function* () {
      (currentTask() as Task<unknown>).cancel();
      log.push("still running after cancel()");
      try {
        yield* sleep(10);
      } catch (e) {
        log.push(`got ${(e as Error).name}`);
        throw e;
      }
    })());
    yield* caught(task);
    log.push(`cancelled=${task.cancelled()}`);
    return log;
  }, virtual);
  assertEquals(log, ["still running after cancel()", "got CancelledError", "cancelled=true"]);
});

Deno.test("task.signal is an AbortSignal that aborts with a CancelledError on the first cancel()", async () => {
  const out = await run(function* () {
    const task = createTask(sleep(100));
    const signal = task.signal;
    assertStrictEquals(task.signal, signal); // created once
    const before = signal.aborted;
    const events: string[] = [];
    signal.addEventListener("abort", () => events.push("abort"));
    yield;
    task.cancel("first");
    const reason = signal.reason;
    task.cancel("second");
    yield* caught(task);
    return [
      before,
      signal.aborted,
      reason instanceof CancelledError,
      (reason as Error).message,
      signal.reason === reason,
      events,
    ];
  }, virtual);
  assertEquals(out, [false, true, true, "first", true, ["abort"]]);
});

Deno.test("task.signal read after cancel() is already aborted, with the cancel message", async () => {
  const out = await run(function* () {
    const loop = getRunningLoop();
    const fut = loop.createFuture<number>();
    const waiting = createTask((function* () {
      yield* fut;
    })());
    const finished = createTask(sleep(5));
    yield; // `waiting` is now suspended on fut: its cancel goes through the future
    const fresh = createTask(sleep(5)); // not started: its cancel waits for its first step
    waiting.cancel("while waiting");
    fresh.cancel("before its first step");
    const early = [waiting.signal, fresh.signal].map((s) => [s.aborted, (s.reason as Error)?.message]);
    yield* caught(waiting);
    yield* caught(fresh);
    yield* finished;
    finished.cancel(); // done: a no-op, and the signal it creates is not aborted
    const done = [
      waiting.signal.aborted,
      waiting.signal.reason instanceof CancelledError,
      finished.signal.aborted,
    ];
    return [early, done];
  }, virtual);
  assertEquals(out, [
    [[true, "while waiting"], [true, "before its first step"]],
    [true, true, false],
  ]);
});

Deno.test("task.signal of a task that finished without being cancelled never aborts", async () => {
  const aborted = await run(function* () {
    const task = createTask(sleep(1, "ok"));
    const signal = task.signal;
    yield* task;
    task.cancel();
    return [signal.aborted, task.signal.aborted];
  }, virtual);
  assertEquals(aborted, [false, false]);
});

Deno.test("a task that refuses cancellation and uncancels lets the next cancel() through again", async () => {
  const log = await run(function* () {
    const loop = getRunningLoop();
    const log: unknown[] = [];
    const task = createTask((function* () {
      for (let round = 1; round <= 3; round++) {
        try {
          yield* sleep(100);
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
          log.push([`refused cancel ${round}`, loop.time(), (currentTask() as Task<unknown>).uncancel()]);
        }
      }
      return "outlived two cancels";
    })());
    loop.callLater(10, () => task.cancel());
    loop.callLater(20, () => task.cancel());
    log.push([yield* task, loop.time(), task.cancelling()]);
    return log;
  }, virtual);
  assertEquals(log, [
    ["refused cancel 1", 10, 0],
    ["refused cancel 2", 20, 0],
    ["outlived two cancels", 120, 0],
  ]);
});

Deno.test("cancelling a task whose coroutine already caught the error once delivers a fresh CancelledError", async () => {
  const names = await run(function* () {
    const names: string[] = [];
    const task = createTask((function* (): Coro<void> {
      try {
        yield* sleep(100);
      } catch (e) {
        names.push(`first: ${(e as Error).message}`);
      }
      try {
        yield* sleep(100);
      } catch (e) {
        names.push(`second: ${(e as Error).message}`);
        throw e;
      }
    })());
    yield;
    task.cancel("one");
    yield* sleep(1);
    task.cancel("two");
    yield* caught(task);
    return names;
  }, virtual);
  assertEquals(names, ["first: one", "second: two"]);
});

Deno.test("cancel() of a task does not cancel futures it is not awaiting", async () => {
  const out = await run(function* () {
    const loop: EventLoop = getRunningLoop();
    const other = loop.createFuture<number>();
    const task = createTask(sleep(10));
    yield;
    task.cancel();
    yield* caught(task);
    const pending = !other.done();
    other.cancel();
    return pending;
  }, virtual);
  assertEquals(out, true);
});

Deno.test("cancelling only the future a task awaits raises CancelledError in the task, which then ends cancelled", async () => {
  const out = await run(function* () {
    const fut = getRunningLoop().createFuture<number>();
    const task = createTask((function* () {
      yield* fut;
      return 12;
    })());
    yield;
    fut.cancel("inner");
    const error = yield* caught(task);
    return [fut.cancelled(), task.cancelled(), task.cancelling(), (error as Error).message];
  }, virtual);
  assertEquals(out, [true, true, 0, "inner"]);
});

Deno.test("cancelling both the awaited future and then the task ends the task cancelled", async () => {
  const out = await run(function* () {
    const fut = getRunningLoop().createFuture<number>();
    const task = createTask((function* () {
      yield* fut;
      return 12;
    })());
    yield;
    fut.cancel();
    const accepted = task.cancel();
    yield* caught(task);
    return [accepted, fut.cancelled(), task.cancelled()];
  }, virtual);
  assertEquals(out, [true, true, true]);
});

Deno.test("a task prints as cancelling between cancel() and its end, then as cancelled", async () => {
  const texts = await run(function* () {
    const task = createTask(sleep(100), { name: "victim" });
    yield;
    task.cancel();
    const cancelling = String(task);
    yield* caught(task);
    return [cancelling.startsWith("<Task cancelling name=victim"), String(task)];
  }, virtual);
  assertEquals(texts, [true, "<Task cancelled name=victim>"]);
});
