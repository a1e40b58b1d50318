/**
 * asCompleted (asyncio's as_completed as a plain iterator): coroutines that
 * resolve to the next completion, TimeoutError from the next ones after the
 * deadline, a timer cancelled once unused, and no wake-up lost when a waiting
 * consumer is cancelled.
 */

import { assertEquals, assertInstanceOf, assertThrows } from "@std/assert";
import {
  asCompleted,
  CancelledError,
  type Coro,
  createTask,
  getRunningLoop,
  run,
  sleep,
  TimeoutError,
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

Deno.test("asCompleted refuses bad input at the call", async () => {
  await run(function* () {
    assertThrows(() => asCompleted(untyped(getRunningLoop().createFuture())), TypeError, "wrap it in an array");
    assertThrows(() => asCompleted(untyped(5)), TypeError, "5 (a number)");
    assertThrows(() => asCompleted([untyped(5)]), TypeError, "at index 0");
    assertThrows(() => asCompleted([sleep(1)], { timeout: NaN }), RangeError, "NaN");
    yield* sleep(0);
  }, virtual);
});
