/**
 * waitFor (asyncio 3.12+'s wait_for, test_waitfor.py): the inner work is
 * cancelled and waited for before TimeoutError; a swallowed cancel's value
 * wins; no time at all never starts a coroutine; the races between the
 * timeout, a foreign cancel and completion.
 */

import { assertEquals, assertInstanceOf, assertThrows } from "@std/assert";
import {
  CancelledError,
  type Coro,
  createTask,
  currentTask,
  getRunningLoop,
  run,
  sleep,
  TimeoutError,
  waitFor,
} from "../../mod.ts";
import { caught, untyped } from "../task/_helpers.ts";
import { now, timersLeft } from "./_helpers.ts";

const virtual = { clock: "virtual" } as const;

/** Sleeps `ms`, logging its cleanup (with the time) when interrupted. */
function* work(ms: number, log: unknown[], value = "done"): Coro<string> {
  try {
    yield* sleep(ms);
    return value;
  } finally {
    log.push(["finally", now()]);
  }
}

Deno.test("a result within the limit is returned at once and the timer is cancelled", async () => {
  const out = await run(function* () {
    const log: unknown[] = [];
    const value = yield* waitFor(work(10, log), 100);
    return [value, log, now(), yield* timersLeft()];
  }, virtual);
  assertEquals(out, ["done", [["finally", 10]], 10, 0]);
});

Deno.test("on timeout the inner task is cancelled and finished before TimeoutError, whose cause is the CancelledError", async () => {
  const out = await run(function* () {
    const log: unknown[] = [];
    const inner = createTask(work(1000, log));
    const error = yield* caught(waitFor(inner, 100));
    assertInstanceOf(error, TimeoutError);
    assertInstanceOf(error.cause, CancelledError);
    log.push(["TimeoutError", now(), inner.cancelled()]);
    return log;
  }, virtual);
  assertEquals(out, [["finally", 100], ["TimeoutError", 100, true]]);
});

Deno.test("waitFor waits for a slow cleanup: TimeoutError comes when the inner work has finished", async () => {
  const out = await run(function* () {
    const log: unknown[] = [];
    const inner = createTask((function* () {
      try {
        yield* sleep(1000);
      } catch (e) {
        log.push(["cancelled", now()]);
        yield* sleep(25); // cleanup takes time
        throw e;
      }
    })());
    const error = yield* caught(waitFor(inner, 100));
    log.push([(error as Error).name, now()]);
    return log;
  }, virtual);
  assertEquals(out, [["cancelled", 100], ["TimeoutError", 125]]);
});

Deno.test("a coroutine runs inline in the calling task, and is interrupted there", async () => {
  const out = await run(function* () {
    const log: unknown[] = [];
    const caller = currentTask();
    const error = yield* caught(waitFor(
      (function* () {
        log.push(["inline", currentTask() === caller]);
        return yield* work(1000, log);
      })(),
      50,
    ));
    log.push([(error as Error).name, now(), currentTask()!.cancelling()]);
    return log;
  }, virtual);
  assertEquals(out, [["inline", true], ["finally", 50], ["TimeoutError", 50, 0]]);
});

Deno.test("an inner coroutine that swallows the cancel and returns: its value wins over TimeoutError", async () => {
  const out = await run(function* () {
    const value = yield* waitFor(
      (function* () {
        try {
          yield* sleep(1000);
        } catch (e) {
          if (!(e instanceof CancelledError)) throw e;
        }
        return 42;
      })(),
      10,
    );
    return [value, now(), currentTask()!.cancelling()];
  }, virtual);
  assertEquals(out, [42, 10, 0]);
});

Deno.test("an inner task that swallows the cancel and returns: its value wins too", async () => {
  const out = await run(function* () {
    const inner = createTask((function* () {
      try {
        yield* sleep(1000);
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
        yield* sleep(5);
      }
      return "late but mine";
    })());
    const value = yield* waitFor(inner, 10);
    return [value, now(), inner.cancelled()];
  }, virtual);
  assertEquals(out, ["late but mine", 15, false]);
});

Deno.test("an error raised by the inner work while it is cancelled comes out instead of TimeoutError", async () => {
  const error = await run(function* () {
    const inner = createTask((function* () {
      try {
        yield* sleep(200);
      } finally {
        // deno-lint-ignore no-unsafe-finally -- the point of the test: cleanup fails
        throw new RangeError("cleanup failed");
      }
    })());
    return yield* caught(waitFor(inner, 10));
  }, virtual);
  assertEquals(error, new RangeError("cleanup failed"));
});

Deno.test("with ms <= 0 a coroutine is never started and TimeoutError comes in the next iterations, at the same time", async () => {
  for (const ms of [0, -5]) {
    const out = await run(function* () {
      let started = false;
      const error = yield* caught(waitFor(
        (function* () {
          started = true;
          return 1;
        })(),
        ms,
      ));
      assertInstanceOf(error, TimeoutError);
      assertInstanceOf(error.cause, CancelledError);
      return [started, now()];
    }, virtual);
    assertEquals(out, [false, 0], `ms = ${ms}`);
  }
});

Deno.test("with ms <= 0 a finished future gives its result, and a running task is cancelled and waited for", async () => {
  const out = await run(function* () {
    const log: unknown[] = [];
    const fut = getRunningLoop().createFuture<string>();
    fut.setResult("ready");
    const ready = yield* waitFor(fut, 0);
    const running = createTask(work(100, log));
    yield* sleep(10);
    const error = yield* caught(waitFor(running, 0));
    log.push([(error as Error).name, running.cancelled(), now()]);
    return [ready, log];
  }, virtual);
  assertEquals(out, ["ready", [["finally", 10], ["TimeoutError", true, 10]]]);
});

Deno.test("null means no limit", async () => {
  const out = await run(function* () {
    return [yield* waitFor(sleep(1e9, "eventually"), null), now()];
  }, virtual);
  assertEquals(out, ["eventually", 1e9]);
});

Deno.test("a promise is awaited with the limit", async () => {
  const value = await run(function* () {
    return yield* waitFor(Promise.resolve("promised"), 10);
  }, virtual);
  assertEquals(value, "promised");
});

Deno.test("cancelling the task in waitFor cancels the inner task too and raises CancelledError, not TimeoutError", async () => {
  for (const ms of [null, 60_000]) {
    const out = await run(function* () {
      const inner = createTask((function* () {
        yield* getRunningLoop().createFuture<void>(); // never completes
      })());
      const waiter = createTask(waitFor(inner, ms));
      getRunningLoop().callLater(5, () => waiter.cancel());
      const error = yield* caught(waiter);
      return [(error as Error).name, waiter.cancelled(), inner.cancelled(), now()];
    }, virtual);
    assertEquals(out, ["CancelledError", true, true, 5], `ms = ${ms}`);
  }
});

Deno.test("the timeout and a foreign cancel in the same iteration: the foreign cancel wins", async () => {
  const out = await run(function* () {
    const log: unknown[] = [];
    const inner = createTask(work(1000, log));
    const waiter = createTask(waitFor(inner, 10));
    yield* sleep(0);
    // Same deadline as the timeout, scheduled after it: both fire in one iteration.
    getRunningLoop().callLater(10, () => waiter.cancel("from outside"));
    const error = yield* caught(waiter);
    log.push([(error as Error).name, (error as Error).message, waiter.cancelled(), now()]);
    return log;
  }, virtual);
  assertEquals(out, [["finally", 10], ["CancelledError", "from outside", true, 10]]);
});

Deno.test("completion in the iteration the timeout fires, before the timer: the cancel lands at the wake-up and the deadline wins", async () => {
  const out = await run(function* () {
    const fut = getRunningLoop().createFuture<string>();
    // Scheduled before waitFor's timer, with the same deadline.
    getRunningLoop().callLater(10, () => fut.setResult("just in time"));
    const error = yield* caught(waitFor(fut, 10));
    return [(error as Error).name, fut.cancelled(), now()];
  }, virtual);
  // The timer fires before the waiting task's wake-up runs: the cancel is delivered
  // at that wake-up (asyncio's _must_cancel), so the result is not read.
  assertEquals(out, ["TimeoutError", false, 10]);
});

Deno.test("a waitFor cancelled before its first step never touches the inner task", async () => {
  const out = await run(function* () {
    const inner = createTask(sleep(30, 42));
    const waiter = createTask(waitFor(inner, 10));
    waiter.cancel();
    const error = yield* caught(waiter);
    return [(error as Error).name, yield* inner, now()];
  }, virtual);
  assertEquals(out, ["CancelledError", 42, 30]);
});

Deno.test("the inner task's AbortSignal aborts when waitFor times out", async () => {
  const out = await run(function* () {
    const inner = createTask(sleep(1000));
    const signal = inner.signal;
    const seen: unknown[] = [];
    signal.addEventListener("abort", () => seen.push(["aborted", now(), (signal.reason as Error).name]));
    yield* caught(waitFor(inner, 40));
    return seen;
  }, virtual);
  assertEquals(out, [["aborted", 40, "CancelledError"]]);
});

Deno.test("an inner task cancelled by its signal option ends waitFor with CancelledError before the limit", async () => {
  const out = await run(function* () {
    const controller = new AbortController();
    const inner = createTask(sleep(1000), { signal: controller.signal });
    getRunningLoop().callLater(15, () => controller.abort("user left"));
    const error = yield* caught(waitFor(inner, 100));
    return [(error as Error).name, (error as Error).message, now(), yield* timersLeft()];
  }, virtual);
  assertEquals(out, ["CancelledError", "user left", 15, 0]);
});

Deno.test("waitFor refuses bad input at the call", () => {
  assertThrows(() => waitFor(untyped(42), 10), TypeError, "42 (a number)");
  assertThrows(() => waitFor(untyped(sleep), 10), TypeError, "call the generator function first");
  assertThrows(() => waitFor(sleep(1), NaN), RangeError, "NaN");
  assertThrows(() => waitFor(sleep(1), untyped("10")), TypeError, '"10" (a string)');
});
