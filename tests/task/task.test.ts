// deno-lint-ignore-file require-yield -- coroutines that finish in their first step are part of what is tested
/**
 * Task: driving a coroutine step by step (asyncio's tasks.py): when the first
 * step runs, names, results and exceptions, tasks awaiting tasks, and the
 * Future methods a Task refuses.
 */

import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertMatch,
  assertStrictEquals,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import {
  type Coro,
  createTask,
  currentTask,
  EventLoop,
  Future,
  getRunningLoop,
  InvalidStateError,
  run,
  sleep,
  Task,
} from "../../mod.ts";
import { caught, recordExceptions } from "./_helpers.ts";

Deno.test("a task's first step runs in the next iteration, not inside createTask()", async () => {
  const log = await run(function* () {
    const log: string[] = [];
    createTask((function* () {
      log.push("child's first step");
      yield* sleep(0);
    })());
    log.push("createTask returned");
    yield;
    log.push("main resumed");
    return log;
  }, { clock: "virtual" });
  assertEquals(log, ["createTask returned", "child's first step", "main resumed"]);
});

Deno.test("a task created on a loop that is not running waits for the loop to run its first step", () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    const log: string[] = [];
    const task = loop.createTask((function* () {
      log.push("step");
      return 1;
    })());
    assertEquals([log, task.done()], [[], false]);
    loop.runOnce();
    assertEquals([log, task.done(), task.result()], [["step"], true, 1]);
  } finally {
    loop.close();
  }
});

Deno.test("new Task() binds to the running loop, or to the loop option, and schedules itself", async () => {
  const value = await run(function* () {
    const task = new Task((function* () {
      yield* sleep(5);
      return "constructed";
    })());
    assertStrictEquals(task.getLoop(), getRunningLoop());
    return yield* task;
  }, { clock: "virtual" });
  assertEquals(value, "constructed");
  assertThrows(() => new Task((function* () {})()), InvalidStateError, "running event loop");
});

Deno.test("tasks are named Task-N from one counter unless a name is given", async () => {
  const names = await run(function* () {
    const a = createTask(sleep(1));
    const b = createTask(sleep(1));
    const named = createTask(sleep(1), { name: "worker" });
    yield* a;
    yield* b;
    yield* named;
    return [a.getName(), b.getName(), named.getName()];
  }, { clock: "virtual" });
  assertMatch(names[0], /^Task-\d+$/);
  assertMatch(names[1], /^Task-\d+$/);
  assertEquals(Number(names[1].slice(5)), Number(names[0].slice(5)) + 1);
  assertEquals(names[2], "worker");
});

Deno.test("setName() renames a task and converts the name to a string", async () => {
  const names = await run(function* () {
    const task = createTask(sleep(1));
    task.setName("renamed");
    const first = task.getName();
    task.setName(42 as unknown as string);
    const second = task.getName();
    yield* task;
    return [first, second, String(task).includes(" name=42")];
  }, { clock: "virtual" });
  assertEquals(names, ["renamed", "42", true]);
});

Deno.test("getCoro() returns the coroutine the task drives", async () => {
  await run(function* () {
    function* body(): Coro<number> {
      yield* sleep(1);
      return 1;
    }
    const coro = body();
    const task = createTask(coro);
    assertStrictEquals(task.getCoro(), coro);
    yield* task;
    assertStrictEquals(task.getCoro(), coro);
  }, { clock: "virtual" });
});

Deno.test("a task's result is its coroutine's return value", async () => {
  const [value, result, done] = await run(function* () {
    const task = createTask((function* () {
      yield* sleep(10);
      return { answer: 42 };
    })());
    const value = yield* task;
    return [value, task.result(), task.done()];
  }, { clock: "virtual" });
  assertEquals(value, { answer: 42 });
  assertStrictEquals(result, value);
  assertEquals(done, true);
});

Deno.test("a task that never yields finishes in its first step", async () => {
  const log = await run(function* () {
    const loop = getRunningLoop();
    const log: unknown[] = [];
    const task = createTask((function* () {
      return "instant";
    })());
    loop.callSoon(() => log.push(["callback sees", task.done()]));
    yield;
    log.push(["main sees", task.done(), task.result()]);
    return log;
  }, { clock: "virtual" });
  assertEquals(log, [["callback sees", true], ["main sees", true, "instant"]]);
});

Deno.test("a task's exception propagates to yield* task and to result()", async () => {
  const boom = new RangeError("out of range");
  const [error, fromResult, fromException] = await run(function* () {
    const task = createTask((function* () {
      yield* sleep(5);
      throw boom;
    })());
    const error = yield* caught(task);
    return [error, assertThrows(() => task.result()), task.exception()];
  }, { clock: "virtual" });
  assertStrictEquals(error, boom);
  assertStrictEquals(fromResult, boom);
  assertStrictEquals(fromException, boom);
});

Deno.test("a task awaiting another task gets its result at the moment it finishes", async () => {
  const log = await run(function* () {
    const loop = getRunningLoop();
    const log: unknown[] = [];
    const inner = createTask(
      (function* () {
        yield* sleep(30);
        log.push(["inner returns", loop.time()]);
        return "inner value";
      })(),
      { name: "inner" },
    );
    const outer = createTask(
      (function* () {
        const v = yield* inner;
        log.push(["outer got", v, loop.time()]);
        return `outer saw ${v}`;
      })(),
      { name: "outer" },
    );
    log.push(["main got", yield* outer, loop.time()]);
    return log;
  }, { clock: "virtual" });
  assertEquals(log, [
    ["inner returns", 30],
    ["outer got", "inner value", 30],
    ["main got", "outer saw inner value", 30],
  ]);
});

Deno.test("a chain of tasks passes an exception up through every yield*", async () => {
  const boom = new Error("deep");
  const error = await run(function* () {
    function* level(n: number): Coro<number> {
      if (n === 0) {
        yield* sleep(1);
        throw boom;
      }
      return yield* createTask(level(n - 1));
    }
    return yield* caught(level(5));
  }, { clock: "virtual" });
  assertStrictEquals(error, boom);
});

Deno.test("a task can yield* plain coroutines (sub-generators) and futures in any mix", async () => {
  const result = await run(function* () {
    const loop = getRunningLoop();
    function* add(a: number, b: number): Coro<number> {
      yield* sleep(1);
      return a + b;
    }
    const fut = loop.createFuture<number>();
    loop.callLater(5, () => fut.setResult(100));
    const x = yield* add(1, 2);
    const y = yield* fut;
    const z = yield* add(x, y);
    return [z, loop.time()];
  }, { clock: "virtual" });
  assertEquals(result, [103, 6]);
});

Deno.test("currentTask() is the task whose step runs, and null in a plain callback", async () => {
  const log = await run(function* () {
    const loop = getRunningLoop();
    const main = currentTask();
    const log: unknown[] = [];
    let child: Task<void> | null = null;
    child = createTask((function* () {
      log.push(["child step 1", currentTask() === child]);
      yield;
      log.push(["child step 2", currentTask() === child]);
    })());
    loop.callSoon(() => log.push(["callback", currentTask()]));
    yield* child as Task<void>;
    log.push(["main", main !== null && currentTask() === main, main instanceof Task]);
    return log;
  }, { clock: "virtual" });
  assertEquals(log, [
    ["child step 1", true],
    ["callback", null],
    ["child step 2", true],
    ["main", true, true],
  ]);
});

Deno.test("a done-callback of a task sees no current task", async () => {
  const seen = await run(function* () {
    const task = createTask(sleep(1));
    let seen: unknown = "not called";
    task.addDoneCallback(() => {
      seen = currentTask();
    });
    yield* task;
    yield;
    return seen;
  }, { clock: "virtual" });
  assertStrictEquals(seen, null);
});

Deno.test("setResult() and setException() on a Task throw InvalidStateError", async () => {
  await run(function* () {
    const task = createTask(sleep(10, "x"));
    assertThrows(() => task.setResult("y"), InvalidStateError, "coroutine");
    assertThrows(() => task.setException(new Error("no")), InvalidStateError, "coroutine");
    assertEquals(yield* task, "x");
    assertThrows(() => task.setResult("z"), InvalidStateError);
  }, { clock: "virtual" });
});

Deno.test("a task is a Future: done-callbacks run after it finishes, in the next iteration", async () => {
  const log = await run(function* () {
    const loop = getRunningLoop();
    const log: unknown[] = [];
    const task = createTask((function* () {
      yield* sleep(10);
      log.push("returning");
      return 5;
    })());
    assertInstanceOf(task, Future);
    task.addDoneCallback((t) => log.push(["done-callback", t.result(), loop.time()]));
    yield* sleep(20);
    return log;
  }, { clock: "virtual" });
  assertEquals(log, ["returning", ["done-callback", 5, 10]]);
});

Deno.test("a task prints as <Task STATE name=… …>: the name right after the state (as asyncio), then what it waits on or its outcome", async () => {
  const texts = await run(function* () {
    const loop = getRunningLoop();
    const fut = loop.createFuture<number>();
    const task = createTask(
      (function* () {
        return yield* fut;
      })(),
      { name: "printer" },
    );
    const before = String(task);
    yield;
    const waiting = String(task);
    fut.setResult(3);
    yield* task;
    const failing = createTask(
      (function* () {
        throw new Error("bad");
      })(),
      { name: "failing" },
    );
    yield* caught(failing);
    return [before, waiting, String(task), String(failing)];
  }, { clock: "virtual" });
  assertEquals(texts, [
    "<Task pending name=printer>",
    "<Task pending name=printer waiting=<Future pending>>",
    "<Task finished name=printer result=3>",
    "<Task finished name=failing exception=Error: bad>",
  ]);
});

Deno.test("a task that awaits a sleep prints the sleep's deadline", async () => {
  const text = await run(function* () {
    const task = createTask(sleep(50), { name: "sleeper" });
    yield;
    const text = String(task);
    task.cancel();
    yield* caught(task);
    return text;
  }, { clock: "virtual" });
  assertStringIncludes(text, "<Task pending name=sleeper waiting=");
  assertStringIncludes(text, "50");
});

Deno.test("a coroutine that throws synchronously at its first step fails its task, not createTask()", async () => {
  const boom = new Error("first step");
  const [created, error] = await run(function* () {
    const task = createTask((function* () {
      throw boom;
    })());
    const created = !task.done();
    return [created, yield* caught(task)];
  }, { clock: "virtual" });
  assertEquals(created, true);
  assertStrictEquals(error, boom);
});

Deno.test("a task whose exception nobody awaits still finishes with it, and the loop goes on", async () => {
  const reports = await run(function* () {
    const loop = getRunningLoop();
    const seen = recordExceptions(loop);
    const task = createTask((function* () {
      yield* sleep(1);
      throw new Error("unawaited");
    })());
    yield* sleep(5);
    assert(task.done());
    assertEquals((task.exception() as Error).message, "unawaited");
    return seen.length;
  }, { clock: "virtual" });
  assertEquals(reports, 0);
});
