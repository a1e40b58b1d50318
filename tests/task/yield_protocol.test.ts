/**
 * The yield protocol: what a coroutine may yield to its Task. `yield*` an
 * awaitable, or a bare `yield` to give up one iteration; anything else is a
 * mistake that is thrown back into the coroutine with a message saying what
 * to write instead (asyncio throws a RuntimeError in at the next step).
 */

import { assertEquals, assertInstanceOf, assertStringIncludes } from "@std/assert";
import { createTask, currentTask, EventLoop, type Future, getRunningLoop, run, sleep } from "../../mod.ts";
import { caught } from "./_helpers.ts";

const virtual = { clock: "virtual" } as const;

/** Runs a task whose coroutine yields `value` with a plain `yield`; returns what was thrown back in. */
function errorForYielding(make: () => unknown): Promise<unknown> {
  return run(function* () {
    const value = make();
    try {
      yield value;
    } catch (error) {
      return error;
    }
    return "the task was resumed without an error";
  }, virtual);
}

Deno.test("`yield fut` instead of `yield* fut` throws a TypeError into the coroutine that says to use yield*", async () => {
  const error = await errorForYielding(() => getRunningLoop().createFuture<number>());
  assertInstanceOf(error, TypeError);
  assertStringIncludes(error.message, "<Future pending>");
  assertStringIncludes(error.message, "yield*");
});

Deno.test("`yield task` and `yield coro()` also throw a TypeError that says to use yield*", async () => {
  const forTask = await errorForYielding(() => createTask(sleep(1), { name: "yielded" }));
  assertInstanceOf(forTask, TypeError);
  assertStringIncludes(forTask.message, "yield*");
  assertStringIncludes(forTask.message, "name=yielded");
  const forCoro = await errorForYielding(() => sleep(1));
  assertInstanceOf(forCoro, TypeError);
  assertStringIncludes(forCoro.message, "yield*");
  const forGenerator = await errorForYielding(() => (function* () {})());
  assertInstanceOf(forGenerator, TypeError);
  assertStringIncludes(forGenerator.message, "yield*");
});

Deno.test("yielding a promise throws a TypeError that suggests fromPromise", async () => {
  const error = await errorForYielding(() => Promise.resolve(1));
  assertInstanceOf(error, TypeError);
  assertStringIncludes(error.message, "fromPromise");
});

Deno.test("yielding 42, null, a string or a plain object throws a TypeError naming the value", async () => {
  const cases: [() => unknown, string][] = [
    [() => 42, "42 (a number)"],
    [() => null, "null"],
    [() => "text", '"text" (a string)'],
    [() => ({ a: 1 }), "an object"],
  ];
  for (const [make, named] of cases) {
    const error = await errorForYielding(make);
    assertInstanceOf(error, TypeError);
    assertStringIncludes(error.message, named);
    assertStringIncludes(error.message, "yield*");
  }
});

Deno.test("a bad yield is thrown in at the task's next step, one iteration later", () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    const log: string[] = [];
    loop.createTask((function* () {
      log.push("yields 42");
      try {
        yield 42;
      } catch (e) {
        log.push(`caught ${(e as Error).name}`);
      }
      log.push("goes on");
      return "recovered";
    })());
    loop.runOnce();
    assertEquals(log, ["yields 42"]);
    loop.runOnce();
    assertEquals(log, ["yields 42", "caught TypeError", "goes on"]);
  } finally {
    loop.close();
  }
});

Deno.test("a bad yield the coroutine does not catch fails its task with the TypeError", async () => {
  const error = await run(function* () {
    const task = createTask((function* () {
      yield "oops";
    })());
    return yield* caught(task);
  }, virtual);
  assertInstanceOf(error, TypeError);
  assertStringIncludes(error.message, '"oops"');
});

Deno.test("a bare yield gives up exactly one iteration: it interleaves one-for-one with a callSoon chain", () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    const log: string[] = [];
    loop.createTask((function* () {
      log.push("task 0");
      yield;
      log.push("task 1");
      yield;
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
  } finally {
    loop.close();
  }
});

Deno.test("`yield undefined` is the same as a bare yield", async () => {
  const log = await run(function* () {
    const loop = getRunningLoop();
    const log: string[] = [];
    loop.callSoon(() => log.push("callback"));
    log.push("before");
    yield undefined;
    log.push("after");
    return log;
  }, virtual);
  assertEquals(log, ["before", "callback", "after"]);
});

Deno.test("a bare yield passes no time on a virtual clock, even with timers pending", async () => {
  const times = await run(function* () {
    const loop = getRunningLoop();
    loop.callLater(100, () => {});
    const times = [loop.time()];
    for (let i = 0; i < 5; i++) {
      yield;
      times.push(loop.time());
    }
    return times;
  }, virtual);
  assertEquals(times, [0, 0, 0, 0, 0, 0]);
});

Deno.test("awaiting a future of another loop throws a TypeError into the coroutine", async () => {
  const other = new EventLoop({ clock: "virtual" });
  try {
    const foreign = other.createFuture<number>();
    const error = await run(function* () {
      return yield* caught(foreign);
    }, virtual);
    assertInstanceOf(error, TypeError);
    assertStringIncludes(error.message, "another event loop");
    assertEquals(foreign.done(), false);
  } finally {
    other.close();
  }
});

Deno.test("a task that awaits itself gets a TypeError instead of waiting forever", async () => {
  const error = await run(function* () {
    const task = createTask(
      (function* () {
        const self = currentTask() as Future<unknown>;
        return yield* caught(self);
      })(),
      { name: "narcissus" },
    );
    return yield* task;
  }, virtual);
  assertInstanceOf(error, TypeError);
  assertStringIncludes(error.message, "itself");
  assertStringIncludes(error.message, "narcissus");
});

Deno.test("a coroutine can recover from a bad yield and then await normally", async () => {
  const out = await run(function* () {
    const loop = getRunningLoop();
    try {
      yield loop.createFuture<number>();
    } catch {
      // told to use yield*
    }
    const fut = loop.createFuture<number>();
    loop.callLater(7, () => fut.setResult(7));
    return [yield* fut, loop.time()];
  }, virtual);
  assertEquals(out, [7, 7]);
});
