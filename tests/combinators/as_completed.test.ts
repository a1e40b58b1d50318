/**
 * asCompleted (asyncio's as_completed, test_tasks.py's as_completed cases):
 * coroutines that resolve to the next completion, TimeoutError from the next
 * ones after the deadline, a timer cancelled once unused, and no wake-up lost
 * when a waiting consumer is cancelled; and the 3.13 form, `futures()`
 * (Python's `async for`), whose coroutines resolve to the finished futures
 * themselves. Cases that CPython runs in both forms run in both here.
 */

import { assert, assertEquals, assertInstanceOf, assertThrows } from "@std/assert";
import {
  asCompleted,
  CancelledError,
  type Coro,
  createTask,
  type Future,
  getRunningLoop,
  run,
  sleep,
  type Task,
  TimeoutError,
  wait,
} from "../../mod.ts";
import { caught, untyped } from "../task/_helpers.ts";
import { now, timersLeft } from "./_helpers.ts";

const virtual = { clock: "virtual" } as const;

function* failAfter(ms: number, message: string): Coro<never> {
  yield* sleep(ms);
  throw new Error(message);
}

Deno.test("each coroutine resolves to the next completion, in completion order, at its time", async () => {
  const out = await run(function* () {
    const log: unknown[] = [];
    const fut = getRunningLoop().createFuture<string>();
    getRunningLoop().callLater(15, () => fut.setResult("future"));
    for (const next of asCompleted<string>([sleep(30, "coroutine"), createTask(sleep(5, "task")), fut])) {
      log.push([yield* next, now()]);
    }
    return log;
  }, virtual);
  assertEquals(out, [["task", 5], ["future", 15], ["coroutine", 30]]);
});

Deno.test("an error is raised by the coroutine that takes its completion; the others go on", async () => {
  const out = await run(function* () {
    const log: unknown[] = [];
    for (const next of asCompleted([sleep(20, "late"), failAfter(10, "bad")])) {
      try {
        log.push([yield* next, now()]);
      } catch (e) {
        log.push([(e as Error).message, now()]);
      }
    }
    return log;
  }, virtual);
  assertEquals(out, [["bad", 10], ["late", 20]]);
});

Deno.test("the n-th coroutine awaited gets the n-th completion, whichever coroutine object it is", async () => {
  const out = await run(function* () {
    const [first, second] = [...asCompleted([sleep(20, "b"), sleep(10, "a")])];
    return [yield* second, yield* first, now()];
  }, virtual);
  assertEquals(out, ["a", "b", 20]);
});

Deno.test("after the timeout the coroutines not yet resolved raise TimeoutError; the work itself keeps running", async () => {
  const out = await run(function* () {
    const log: unknown[] = [];
    const slow = createTask(sleep(100, "slow"));
    for (const next of asCompleted([sleep(10, "fast"), slow], { timeout: 50 })) {
      try {
        log.push([yield* next, now()]);
      } catch (e) {
        assertInstanceOf(e, TimeoutError);
        log.push(["TimeoutError", now()]);
      }
    }
    log.push([slow.done(), yield* slow, now()]);
    return log;
  }, virtual);
  assertEquals(out, [["fast", 10], ["TimeoutError", 50], [false, "slow", 100]]);
});

Deno.test("the timer is cancelled once every awaitable finished before the timeout", async () => {
  const out = await run(function* () {
    const values: string[] = [];
    for (const next of asCompleted([sleep(10, "a"), sleep(20, "b")], { timeout: 1000 })) values.push(yield* next);
    return [values, now(), yield* timersLeft()];
  }, virtual);
  assertEquals(out, [["a", "b"], 20, 0]);
});

Deno.test("the same awaitable twice counts once; no awaitables give no coroutines and no timer", async () => {
  const out = await run(function* () {
    const task = createTask(sleep(10, "once"));
    const twice = [...asCompleted([task, task])];
    const none = [...asCompleted([], { timeout: 10 })];
    return [twice.length, yield* twice[0], none.length, yield* timersLeft()];
  }, virtual);
  assertEquals(out, [1, "once", 0, 0]);
});

Deno.test("a consumer cancelled before its wake-up leaves the completion to the next consumer", async () => {
  const out = await run(function* () {
    const loop = getRunningLoop();
    const fut = loop.createFuture<string>();
    const [one, two] = [...asCompleted([fut, loop.createFuture<string>()])];
    const a = createTask(one), b = createTask(two);
    yield* sleep(0); // both consumers wait, a first
    loop.callLater(10, () => fut.setResult("value"));
    loop.callLater(10, () => a.cancel()); // same iteration, before asCompleted hears of fut
    const aError = yield* caught(a);
    const bValue = yield* b;
    return [(aError as Error).name, bValue, now()];
  }, virtual);
  assertEquals(out, ["CancelledError", "value", 10]);
});

Deno.test("a consumer cancelled after it was woken but before it ran hands the wake-up on", async () => {
  const out = await run(function* () {
    const loop = getRunningLoop();
    const fut = loop.createFuture<string>();
    const [one, two] = [...asCompleted([fut, loop.createFuture<string>()])];
    const a = createTask(one), b = createTask(two);
    yield* sleep(0);
    // Registered after asCompleted's own callback: runs once a's waiter was woken.
    fut.addDoneCallback(() => a.cancel());
    loop.callLater(10, () => fut.setResult("value"));
    const aError = yield* caught(a);
    const bValue = yield* b;
    return [aError instanceof CancelledError, bValue, now()];
  }, virtual);
  assertEquals(out, [true, "value", 10]);
});

/** The results in completion order, in either form: the plain one awaits results, futures() reads each future. */
type Form = "plain" | "futures";
const FORMS: readonly Form[] = ["plain", "futures"];

function* drain<T>(form: Form, awaitables: Coro<T>[]): Coro<T[]> {
  const values: T[] = [];
  const iterator = asCompleted<T>(awaitables);
  for (const next of form === "plain" ? iterator : iterator.futures()) {
    const got = yield* next;
    values.push(form === "plain" ? got as T : (got as Future<T>).result());
  }
  return values;
}

for (const form of FORMS) {
  Deno.test(`completions come in order, equal deadlines in the order the tasks were made (test_as_completed, ${form})`, async () => {
    const out = await run(function* () {
      const values: unknown[] = [];
      const iterator = asCompleted([sleep(10, "b"), sleep(150, "c"), sleep(10, "a")]);
      for (const next of form === "plain" ? iterator : iterator.futures()) {
        const got = yield* next;
        values.push([form === "plain" ? got : (got as Future<string>).result(), now()]);
      }
      return values;
    }, virtual);
    assertEquals(out, [["b", 10], ["a", 10], ["c", 150]]);
  });

  Deno.test(`an iterator left with break resumes where it stopped (test_as_completed_resume_iterator, ${form})`, async () => {
    const out = await run(function* () {
      const iterator = asCompleted([sleep(0, 0), sleep(0, 1), sleep(0, 2), sleep(0, 3)]);
      const source = form === "plain" ? iterator : iterator.futures();
      const collected: unknown[] = [];
      for (const next of source) {
        const got = yield* next;
        collected.push(form === "plain" ? got : (got as Future<number>).result());
        if (collected.length === 2) break;
      }
      const afterBreak = collected.length;
      for (const next of source) {
        const got = yield* next;
        collected.push(form === "plain" ? got : (got as Future<number>).result());
      }
      return [afterBreak, collected];
    }, virtual);
    assertEquals(out, [2, [0, 1, 2, 3]]);
  });

  Deno.test(`the coroutines can all be awaited at once (test_as_completed_concurrent, ${form})`, async () => {
    const out = await run(function* () {
      const iterator = asCompleted([sleep(50, "a"), sleep(50, "b")]);
      const coros: Coro<unknown>[] = form === "plain" ? [...iterator] : [...iterator.futures()];
      const { done, pending } = yield* wait(coros.map((coro) => createTask(coro)));
      const values = [...done].map((task) => {
        const got = task.result();
        return form === "plain" ? got : (got as Future<string>).result();
      });
      return [values.sort(), pending.size, now()];
    }, virtual);
    assertEquals(out, [["a", "b"], 0, 50]);
  });

  Deno.test(`the same coroutine twice counts once (test_as_completed_duplicate_coroutines, ${form})`, async () => {
    const out = await run(function* () {
      const ham = sleep(0, "ham");
      return yield* drain(form, [ham, ham, sleep(0, "spam")]);
    }, virtual);
    assertEquals(out, ["ham", "spam"]);
  });
}

Deno.test("futures() hands back the futures and tasks passed in, and new tasks for coroutines (test_as_completed_same_tasks_in_as_out)", async () => {
  const out = await run(function* () {
    const loop = getRunningLoop();
    const coroA = sleep(0, "a"), coroC = sleep(0, "c");
    const taskB = createTask(sleep(0, "b")), taskD = createTask(sleep(0, "d"));
    const fut = loop.createFuture<string>();
    loop.callSoon(() => fut.setResult("e"));
    const out = new Set<unknown>();
    for (const next of asCompleted<string>([coroA, taskB, coroC, taskD, fut]).futures()) out.add(yield* next);
    const typed = asCompleted([taskB, taskD]).futures().next();
    if (!typed.done) {
      const task: Task<string> = yield* typed.value; // the element type flows through
      out.add(task);
    }
    return [out.size, out.has(taskB), out.has(taskD), out.has(fut), out.has(coroA), out.has(coroC)];
  }, virtual);
  assertEquals(out, [5, true, true, true, false, false]);
});

Deno.test("futures() returns a failed future instead of raising its error", async () => {
  const out = await run(function* () {
    const log: unknown[] = [];
    for (const next of asCompleted([sleep(20, "late"), failAfter(10, "bad")]).futures()) {
      const fut = yield* next;
      log.push([fut.exception() === null ? fut.result() : (fut.exception() as Error).message, now()]);
    }
    return log;
  }, virtual);
  assertEquals(out, [["bad", 10], ["late", 20]]);
});

Deno.test("futures() raises TimeoutError for the next one after the timeout (test_as_completed_with_timeout)", async () => {
  const out = await run(function* () {
    const a = createTask(sleep(100, "a")), b = createTask(sleep(150, "b"));
    const values: unknown[] = [];
    try {
      for (const next of asCompleted([a, b], { timeout: 120 }).futures()) values.push([1, (yield* next).result()]);
    } catch (e) {
      values.push([2, (e as Error).name]);
    }
    values.push(now());
    yield* b;
    return values;
  }, virtual);
  assertEquals(out, [[1, "a"], [2, "TimeoutError"], 120]);
});

Deno.test("futures() with a timeout that is not needed cancels its timer (test_as_completed_with_unused_timeout)", async () => {
  const out = await run(function* () {
    const values: unknown[] = [];
    for (const next of asCompleted([sleep(10, "a")], { timeout: 1000 }).futures()) values.push((yield* next).result());
    return [values, now(), yield* timersLeft()];
  }, virtual);
  assertEquals(out, [["a"], 10, 0]);
});

Deno.test("the plain form and futures() share one count: each awaitable is handed out once, by either", async () => {
  const out = await run(function* () {
    const iterator = asCompleted([sleep(10, "a"), sleep(20, "b"), sleep(30, "c")]);
    const first = iterator.next();
    assert(!first.done);
    const value = yield* first.value;
    const rest: unknown[] = [];
    for (const next of iterator.futures()) rest.push((yield* next).result());
    return [value, rest, [...iterator].length, [...iterator.futures()].length];
  }, virtual);
  assertEquals(out, ["a", ["b", "c"], 0, 0]);
});

Deno.test("asCompleted refuses bad input at the call", async () => {
  await run(function* () {
    assertThrows(() => asCompleted(untyped(getRunningLoop().createFuture())), TypeError, "wrap it in an array");
    assertThrows(() => asCompleted(untyped(5)), TypeError, "5 (a number)");
    assertThrows(() => asCompleted([untyped(5)]), TypeError, "at index 0");
    assertThrows(() => asCompleted([sleep(1)], { timeout: NaN }), RangeError, "NaN");
    yield* sleep(0);
  }, virtual);
});
