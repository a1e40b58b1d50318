// deno-lint-ignore-file require-yield -- coroutines that finish in their first step are part of what is tested
/**
 * The running loop and the running task: getRunningLoop, currentTask,
 * allTasks, createTask (with its argument checks) and the task factory.
 */

import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertStrictEquals,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import {
  allTasks,
  type Coro,
  createTask,
  currentTask,
  EventLoop,
  fromPromise,
  getRunningLoop,
  InvalidStateError,
  run,
  sleep,
  Task,
  type TaskOptions,
} from "../../mod.ts";
import { untyped } from "./_helpers.ts";

const virtual = { clock: "virtual" } as const;

Deno.test("getRunningLoop(), currentTask(), allTasks() and createTask() throw InvalidStateError when no loop runs", () => {
  assertThrows(() => getRunningLoop(), InvalidStateError, "getRunningLoop()");
  assertThrows(() => currentTask(), InvalidStateError, "currentTask()");
  assertThrows(() => allTasks(), InvalidStateError, "allTasks()");
  assertThrows(() => createTask(sleep(1)), InvalidStateError, "createTask()");
});

Deno.test("getRunningLoop() is the loop in tasks and in its callbacks", async () => {
  const out = await run(function* () {
    const loop = getRunningLoop();
    let inCallback: EventLoop | null = null;
    loop.callSoon(() => inCallback = getRunningLoop());
    yield;
    return [inCallback === loop, loop.isRunning()];
  }, virtual);
  assertEquals(out, [true, true]);
});

Deno.test("getRunningLoop() is the loop in host callbacks that run between run()'s slices", async () => {
  const out = await run(function* () {
    const loop = getRunningLoop();
    const fromHost = yield* fromPromise(
      new Promise<EventLoop>((resolve) => setTimeout(() => resolve(getRunningLoop()), 1)),
    );
    return fromHost === loop;
  });
  assertEquals(out, true);
});

Deno.test("currentTask() is the running task in each step and null in plain callbacks", async () => {
  const log = await run(function* () {
    const loop = getRunningLoop();
    const log: unknown[] = [];
    const tasks: Task<void>[] = [];
    for (const name of ["a", "b"]) {
      tasks.push(createTask(
        (function* () {
          for (let i = 0; i < 2; i++) {
            log.push([name, (currentTask() as Task<unknown>).getName()]);
            yield;
          }
        })(),
        { name },
      ));
    }
    loop.callSoon(() => log.push(["callback", currentTask()]));
    loop.callLater(0, () => log.push(["timer", currentTask()]));
    for (const t of tasks) yield* t;
    log.push(["main", currentTask() !== null && !tasks.includes(currentTask() as Task<void>)]);
    return log;
  }, virtual);
  assertEquals(log, [
    ["a", "a"],
    ["b", "b"],
    ["callback", null],
    ["timer", null],
    ["a", "a"],
    ["b", "b"],
    ["main", true],
  ]);
});

Deno.test("allTasks() holds the pending tasks (not started, suspended, and the running one) but no done task", async () => {
  const out = await run(function* () {
    const main = currentTask() as Task<unknown>;
    const quick = createTask(
      (function* () {
        return 1;
      })(),
      { name: "quick" },
    );
    const sleeper = createTask(sleep(100), { name: "sleeper" });
    const failing = createTask(
      (function* () {
        throw new Error("x");
      })(),
      { name: "failing" },
    );
    const cancelled = createTask(sleep(100), { name: "cancelled" });
    const before = allTasks();
    cancelled.cancel();
    yield;
    yield;
    const after = allTasks();
    failing.exception();
    const names = (set: Set<Task<unknown>>) => [...set].map((t) => t === main ? "main" : t.getName()).sort();
    sleeper.cancel();
    return [names(before), names(after), after.has(main), quick.result()];
  }, virtual);
  assertEquals(out, [
    ["cancelled", "failing", "main", "quick", "sleeper"],
    ["main", "sleeper"],
    true,
    1,
  ]);
});

Deno.test("allTasks(loop) lists the tasks of a given loop even when it is not running", () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    const task = loop.createTask(sleep(1), { name: "idle" });
    assertEquals([...allTasks(loop)], [task]);
    loop.runOnce();
    loop.runOnce();
    loop.runOnce();
    assertEquals(task.done(), true);
    assertEquals(allTasks(loop).size, 0);
  } finally {
    loop.close();
  }
});

Deno.test("allTasks() returns a new set each time: changing it does not change the loop", async () => {
  const size = await run(function* () {
    const set = allTasks();
    set.clear();
    return allTasks().size;
  }, virtual);
  assertEquals(size, 1);
});

Deno.test("createTask() makes a Task on the running loop, with an optional name", async () => {
  const out = await run(function* () {
    const task = createTask(sleep(1, "v"), { name: "named" });
    assertInstanceOf(task, Task);
    assertStrictEquals(task.getLoop(), getRunningLoop());
    return [task.getName(), yield* task];
  }, virtual);
  assertEquals(out, ["named", "v"]);
});

Deno.test("createTask(42) is a TypeError naming the value", async () => {
  await run(function* () {
    assertThrows(() => createTask(untyped(42)), TypeError, "42 (a number)");
    assertThrows(() => createTask(untyped(undefined)), TypeError, "undefined");
    assertThrows(() => createTask(untyped({ next() {} })), TypeError, "an object");
    yield;
  }, virtual);
});

Deno.test("createTask(genFn) without calling it is a TypeError that says to call it", async () => {
  await run(function* () {
    function* worker(): Coro<void> {}
    const error = assertThrows(() => createTask(untyped(worker)), TypeError, "a generator function worker");
    assertStringIncludes(error.message, "call it");
    yield;
  }, virtual);
});

Deno.test("createTask(promise) is a TypeError that suggests fromPromise", async () => {
  await run(function* () {
    assertThrows(() => createTask(untyped(Promise.resolve(1))), TypeError, "fromPromise");
    yield;
  }, virtual);
});

Deno.test("createTask(fut) is a TypeError that names the future", async () => {
  await run(function* () {
    const fut = getRunningLoop().createFuture<number>();
    const error = assertThrows(() => createTask(untyped(fut)), TypeError, "<Future pending>");
    assertStringIncludes(error.message, "yield*");
    const task = createTask(sleep(1), { name: "already-a-task" });
    assertThrows(() => createTask(untyped(task)), TypeError, "already-a-task");
    yield* task;
  }, virtual);
});

Deno.test("loop.createTask() on a closed loop throws InvalidStateError", () => {
  const loop = new EventLoop({ clock: "virtual" });
  loop.close();
  assertThrows(() => loop.createTask(sleep(1)), InvalidStateError, "closed");
});

Deno.test("a task factory replaces new Task() in createTask and gets the loop, the coroutine and the options", async () => {
  const calls: unknown[] = [];
  const out = await run(function* () {
    const loop = getRunningLoop();
    loop.setTaskFactory(<T>(l: EventLoop, coro: Coro<T>, options: TaskOptions) => {
      calls.push([l === loop, options.name]);
      return new Task(coro, { loop: l, name: `made-${options.name}` });
    });
    assert(loop.getTaskFactory() !== null);
    const task = createTask(sleep(1, "through the factory"), { name: "x" });
    const value = yield* task;
    loop.setTaskFactory(null);
    const plain = createTask(sleep(1), { name: "plain" });
    yield* plain;
    return [task.getName(), value, plain.getName(), loop.getTaskFactory()];
  }, virtual);
  assertEquals(calls, [[true, "x"]]);
  assertEquals(out, ["made-x", "through the factory", "plain", null]);
});

Deno.test("setTaskFactory() refuses a non-function, and a factory must return a Task", async () => {
  await run(function* () {
    const loop = getRunningLoop();
    assertThrows(() => loop.setTaskFactory(untyped(42)), TypeError, "42 (a number)");
    loop.setTaskFactory(untyped(() => ({ not: "a task" })));
    assertThrows(() => createTask(sleep(1)), TypeError, "must return a Task");
    loop.setTaskFactory(null);
    yield;
  }, virtual);
});
