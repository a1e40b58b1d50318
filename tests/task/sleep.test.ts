/**
 * sleep(ms, value): asyncio.sleep in milliseconds. Exact wake-up times on a
 * virtual clock, sleep(0) as one iteration, argument checks, and the sleep
 * object's single use.
 */

import { assertEquals, assertInstanceOf, assertRejects, assertThrows } from "@std/assert";
import {
  CancelledError,
  createTask,
  DeadlockError,
  EventLoop,
  getRunningLoop,
  InvalidStateError,
  run,
  sleep,
} from "../../mod.ts";
import { caught, untyped } from "./_helpers.ts";

const virtual = { clock: "virtual" } as const;

Deno.test("sleep(0) gives up exactly one iteration", () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    const log: string[] = [];
    loop.createTask((function* () {
      log.push("task 0");
      yield* sleep(0);
      log.push("task 1");
      yield* sleep(0);
      log.push("task 2");
    })());
    const chain = (n: number) => {
      log.push(`callback ${n}`);
      if (n < 3) loop.callSoon(chain, n + 1);
    };
    loop.callSoon(chain, 1);
    loop.runOnce();
    assertEquals(log, ["task 0", "callback 1"]);
    loop.runOnce();
    assertEquals(log, ["task 0", "callback 1", "task 1", "callback 2"]);
    loop.runOnce();
    assertEquals(log, ["task 0", "callback 1", "task 1", "callback 2", "task 2", "callback 3"]);
    assertEquals(loop.time(), 0);
  } finally {
    loop.close();
  }
});

Deno.test("sleep(-5) counts as sleep(0): one iteration, no time passes", async () => {
  const log = await run(function* () {
    const loop = getRunningLoop();
    const log: unknown[] = [];
    loop.callSoon(() => log.push("callback"));
    loop.callSoon(() => loop.callSoon(() => log.push("callback of the next iteration")));
    const value = yield* sleep(-5, "negative");
    log.push([value, loop.time()]);
    return log;
  }, virtual);
  assertEquals(log, ["callback", ["negative", 0], "callback of the next iteration"]);
});

Deno.test("sleep(NaN) throws RangeError at the call", () => {
  assertThrows(() => sleep(NaN), RangeError, "NaN");
});

Deno.test('sleep("5") and other non-numbers throw TypeError at the call', () => {
  assertThrows(() => sleep(untyped("5")), TypeError, '"5" (a string)');
  assertThrows(() => sleep(untyped(undefined)), TypeError, "undefined");
  assertThrows(() => sleep(untyped(5n)), TypeError, "5 (a bigint)");
});

Deno.test("sleep(ms, value) returns value; sleep(ms) returns undefined", async () => {
  const out = await run(function* () {
    const obj = { same: "object" };
    return [yield* sleep(10, "ten"), yield* sleep(0, 0), (yield* sleep(5, obj)) === obj, yield* sleep(1)];
  }, virtual);
  assertEquals(out, ["ten", 0, true, undefined]);
});

Deno.test("a sleep wakes exactly at its deadline on a virtual clock", async () => {
  const times = await run(function* () {
    const loop = getRunningLoop();
    const times: number[] = [];
    for (const ms of [10, 5, 0, 0.5, 1000]) {
      yield* sleep(ms);
      times.push(loop.time());
    }
    return times;
  }, virtual);
  assertEquals(times, [10, 15, 15, 15.5, 1015.5]);
});

Deno.test("concurrent sleeps wake in deadline order, equal deadlines in the order they started", async () => {
  const log = await run(function* () {
    const loop = getRunningLoop();
    const log: [string, number][] = [];
    const sleeper = (name: string, ms: number) =>
      createTask((function* () {
        yield* sleep(ms);
        log.push([name, loop.time()]);
      })());
    const tasks = [sleeper("c30", 30), sleeper("a10", 10), sleeper("b20", 20), sleeper("a10-second", 10)];
    for (const t of tasks) yield* t;
    return log;
  }, virtual);
  assertEquals(log, [["a10", 10], ["a10-second", 10], ["b20", 20], ["c30", 30]]);
});

Deno.test("a sleeping task resumes one iteration after its timer fires, as asyncio's timer-completes-a-future does", async () => {
  const log = await run(function* () {
    const loop = getRunningLoop();
    const log: [string, number][] = [];
    const task = createTask((function* () {
      yield* sleep(10);
      log.push(["task resumes", loop.time()]);
    })());
    yield; // the sleep's timer is armed now, before the callLater below
    loop.callLater(10, () => {
      log.push(["timer scheduled later, same deadline", loop.time()]);
    });
    yield* task;
    return log;
  }, virtual);
  assertEquals(log, [["timer scheduled later, same deadline", 10], ["task resumes", 10]]);
});

Deno.test("createTask(sleep(10, 'x')) runs the sleep as a task", async () => {
  const out = await run(function* () {
    const task = createTask(sleep(10, "x"));
    return [yield* task, getRunningLoop().time(), task.result()];
  }, virtual);
  assertEquals(out, ["x", 10, "x"]);
});

Deno.test("sleep() does nothing until driven: an unused sleep arms no timer", async () => {
  const time = await run(function* () {
    sleep(1000);
    yield* sleep(1);
    return getRunningLoop().time();
  }, virtual);
  assertEquals(time, 1);
});

Deno.test("one sleep object driven by two tasks at once is an InvalidStateError in the second", async () => {
  const out = await run(function* () {
    const shared = sleep(10, "once");
    const first = createTask(shared);
    const second = createTask(shared);
    const error = yield* caught(second);
    return [yield* first, error];
  }, virtual);
  assertEquals(out[0], "once");
  assertInstanceOf(out[1], InvalidStateError);
});

Deno.test("a sleep object driven again after it finished is an error, not a silent undefined", async () => {
  const out = await run(function* () {
    const once = sleep(10, "value");
    const first = yield* once;
    let second: unknown;
    try {
      second = yield* once;
    } catch (error) {
      second = error;
    }
    return [first, second];
  }, virtual);
  assertEquals(out[0], "value");
  assertInstanceOf(out[1], InvalidStateError); // asyncio: "cannot reuse already awaited coroutine"
});

Deno.test("sleep(Infinity) sleeps until the task is cancelled", async () => {
  const log = await run(function* () {
    const loop = getRunningLoop();
    const task = createTask((function* () {
      try {
        yield* sleep(Infinity);
      } catch (e) {
        return [(e as Error).name, loop.time()];
      }
    })());
    loop.callLater(50, () => task.cancel());
    return yield* task;
  }, virtual);
  assertEquals(log, ["CancelledError", 50]);
});

Deno.test("sleep(Infinity) alone on a virtual loop is reported as a DeadlockError, not a hang", async () => {
  const error = await assertRejects(() =>
    run(function* () {
      yield* sleep(Infinity);
    }, virtual), DeadlockError);
  assertEquals(error.tasks.length, 1);
});

Deno.test("a cancelled sleep raises CancelledError carrying the cancel message", async () => {
  const error = await run(function* () {
    const task = createTask(sleep(100));
    yield;
    task.cancel("wake up");
    return yield* caught(task);
  }, virtual);
  assertInstanceOf(error, CancelledError);
  assertEquals(error.message, "wake up");
});

Deno.test("a day of sleeping on a virtual clock takes no real time", async () => {
  const started = performance.now();
  const time = await run(function* () {
    for (let hour = 0; hour < 24; hour++) yield* sleep(3_600_000);
    return getRunningLoop().time();
  }, virtual);
  assertEquals(time, 86_400_000);
  assertEquals(performance.now() - started < 5_000, true);
});
