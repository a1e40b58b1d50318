/**
 * wait (asyncio's tasks.wait): the three return conditions, a timeout that
 * never raises and never cancels, sets in input order, and bad input refused
 * at the call.
 */

import { assertEquals, assertThrows } from "@std/assert";
import {
  ALL_COMPLETED,
  CancelledError,
  type Coro,
  createTask,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  type Future,
  getRunningLoop,
  run,
  sleep,
  type Task,
  wait,
} from "../../mod.ts";
import { caught, recordExceptions, untyped } from "../task/_helpers.ts";
import { now, timersLeft } from "./_helpers.ts";

const virtual = { clock: "virtual" } as const;

function* failAfter(ms: number, message: string): Coro<never> {
  yield* sleep(ms);
  throw new Error(message);
}

function names(futures: Set<Task<unknown>>): string[] {
  return [...futures].map((task) => task.getName());
}

Deno.test("wait returns when all are done by default, with the done set in input order", async () => {
  const out = await run(function* () {
    const tasks = [30, 10, 20].map((ms) => createTask(sleep(ms), { name: `t${ms}` }));
    const { done, pending } = yield* wait(tasks);
    return [names(done), pending.size, now()];
  }, virtual);
  assertEquals(out, [["t30", "t10", "t20"], 0, 30]);
});

Deno.test("FIRST_COMPLETED returns as soon as one is done; the others keep running", async () => {
  const out = await run(function* () {
    const a = createTask(sleep(30, "a"), { name: "a" }), b = createTask(sleep(10, "b"), { name: "b" });
    const { done, pending } = yield* wait([a, b], { returnWhen: FIRST_COMPLETED });
    const atReturn = [names(done), names(pending), now()];
    return [atReturn, yield* a, now()];
  }, virtual);
  assertEquals(out, [[["b"], ["a"], 10], "a", 30]);
});

Deno.test("FIRST_COMPLETED counts a cancelled future as done", async () => {
  const out = await run(function* () {
    const a = createTask(sleep(30), { name: "a" }), b = createTask(sleep(50), { name: "b" });
    getRunningLoop().callLater(5, () => b.cancel());
    const { done } = yield* wait([a, b], { returnWhen: FIRST_COMPLETED });
    yield* a;
    return [names(done), now()];
  }, virtual);
  assertEquals(out, [["b"], 30]);
});

Deno.test("FIRST_EXCEPTION returns at the first failure, not at earlier successes", async () => {
  const out = await run(function* () {
    const ok = createTask(sleep(5), { name: "ok" });
    const bad = createTask(failAfter(20, "bad"), { name: "bad" });
    const slow = createTask(sleep(40), { name: "slow" });
    const { done, pending } = yield* wait([ok, bad, slow], { returnWhen: FIRST_EXCEPTION });
    const atReturn = [names(done), names(pending), now(), (bad.exception() as Error).message];
    yield* slow;
    return atReturn;
  }, virtual);
  assertEquals(out, [["ok", "bad"], ["slow"], 20, "bad"]);
});

Deno.test("FIRST_EXCEPTION returns at a task that throws null or undefined: any thrown value is an exception", async () => {
  for (const thrown of [null, undefined]) {
    const out = await run(function* () {
      const bad = createTask(
        (function* (): Coro<never> {
          yield* sleep(20);
          throw thrown;
        })(),
        { name: "bad" },
      );
      const slow = createTask(sleep(40), { name: "slow" });
      const { done, pending } = yield* wait([bad, slow], { returnWhen: FIRST_EXCEPTION });
      const atReturn = [names(done), names(pending), now(), bad.exception()];
      yield* slow;
      // The loop goes on: another task runs to completion after it.
      return [atReturn, yield* createTask(sleep(5, "after"))];
    }, virtual);
    assertEquals(out, [[["bad"], ["slow"], 20, thrown], "after"], String(thrown));
  }
});

Deno.test("FIRST_EXCEPTION without any failure waits for all", async () => {
  const out = await run(function* () {
    const tasks = [createTask(sleep(5)), createTask(sleep(15))];
    const { done } = yield* wait(tasks, { returnWhen: FIRST_EXCEPTION });
    return [done.size, now()];
  }, virtual);
  assertEquals(out, [2, 15]);
});

Deno.test("a timeout returns what is done so far: no error, nothing cancelled, and the rest finishes later", async () => {
  const out = await run(function* () {
    const fast = createTask(sleep(10, "fast"), { name: "fast" });
    const slow = createTask(sleep(100, "slow"), { name: "slow" });
    const { done, pending } = yield* wait([fast, slow], { timeout: 50 });
    const atReturn = [names(done), names(pending), now(), slow.cancelled()];
    return [atReturn, yield* slow, now()];
  }, virtual);
  assertEquals(out, [[["fast"], ["slow"], 50, false], "slow", 100]);
});

Deno.test("a condition met before the timeout cancels the timer, leaving no live timer behind", async () => {
  const out = await run(function* () {
    const task = createTask(sleep(10));
    yield* wait([task], { timeout: 1000 });
    return [now(), yield* timersLeft()];
  }, virtual);
  assertEquals(out, [10, 0]);
});

Deno.test("each future is waited for once however often it is passed", async () => {
  const out = await run(function* () {
    const task = createTask(sleep(10));
    const { done } = yield* wait([task, task, task]);
    return [done.size, now()];
  }, virtual);
  assertEquals(out, [1, 10]);
});

Deno.test("futures already done: wait returns after one iteration, at the same time", async () => {
  const out = await run(function* () {
    const loop = getRunningLoop();
    const fut = loop.createFuture<number>();
    fut.setResult(1);
    const log: string[] = [];
    loop.callSoon(() => log.push("callback queued before the wait"));
    const { done } = yield* wait([fut], { returnWhen: FIRST_COMPLETED });
    log.push("wait returned");
    return [done.has(fut), log, now()];
  }, virtual);
  assertEquals(out, [true, ["callback queued before the wait", "wait returned"], 0]);
});

Deno.test("cancelling the waiting task raises CancelledError there and touches none of the futures", async () => {
  const out = await run(function* () {
    const a = createTask(sleep(100, "a"));
    const waiter = createTask((function* () {
      yield* wait([a], { timeout: 500 });
    })());
    yield* sleep(10);
    waiter.cancel();
    const error = yield* caught(waiter);
    const atCancel = [error instanceof CancelledError, waiter.cancelled(), a.done(), now()];
    return [atCancel, yield* a, now(), yield* timersLeft()];
  }, virtual);
  assertEquals(out, [[true, true, false, 10], "a", 100, 0]);
});

Deno.test("ALL_COMPLETED leaves failures unretrieved for their owner; FIRST_EXCEPTION retrieves the one it returns for", async () => {
  const reports = await run(function* () {
    const reports = recordExceptions(getRunningLoop());
    const a = createTask(failAfter(5, "seen by FIRST_EXCEPTION"));
    yield* wait([a, createTask(sleep(10))], { returnWhen: FIRST_EXCEPTION });
    const b = createTask(failAfter(5, "nobody looks"));
    yield* wait([b], { returnWhen: ALL_COMPLETED });
    return reports;
  }, virtual);
  assertEquals(reports.map((r) => (r.exception as Error).message), ["nobody looks"]);
});

Deno.test("wait refuses bad input at the call", async () => {
  await run(function* () {
    const fut: Future<number> = getRunningLoop().createFuture();
    assertThrows(() => wait([]), RangeError, "no futures");
    assertThrows(() => wait([fut], { returnWhen: untyped("SOMETIMES") }), RangeError, '"SOMETIMES" (a string)');
    assertThrows(() => wait([fut], { returnWhen: untyped(2) }), TypeError, "2 (a number)");
    assertThrows(() => wait([fut], { timeout: NaN }), RangeError, "NaN");
    assertThrows(() => wait([fut], { timeout: untyped("5") }), TypeError, '"5" (a string)');
    assertThrows(() => wait([untyped(sleep(5))]), TypeError, "createTask()");
    assertThrows(() => wait([untyped(Promise.resolve(1))]), TypeError, "ensureFuture()");
    assertThrows(() => wait(untyped(fut)), TypeError, "wrap it in an array");
    assertThrows(() => wait(untyped(null)), TypeError, "null");
    yield* sleep(0);
  }, virtual);
});
