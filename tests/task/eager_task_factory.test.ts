/** eagerTaskFactory: asyncio 3.12's eager_task_factory, installed with setTaskFactory. */

import { assert, assertEquals, assertFalse, assertThrows } from "@std/assert";
import {
  allTasks,
  CancelledError,
  createTask,
  currentTask,
  eagerTaskFactory,
  EventLoop,
  gather,
  getRunningLoop,
  run,
  sleep,
  type Task,
} from "../../mod.ts";

Deno.test("eagerTaskFactory runs each task's first step inside createTask, as the current task", async () => {
  const log: string[] = [];
  await run(function* () {
    getRunningLoop().setTaskFactory(eagerTaskFactory);
    const creator = currentTask();
    let task: Task<void> | undefined = undefined;
    task = createTask((function* () {
      log.push(`first step inside createTask: ${task === undefined && currentTask() !== creator}`);
      yield* sleep(0);
      log.push("second step");
    })());
    log.push(`createTask returned; current is the creator: ${currentTask() === creator}`);
    yield* task;
  }, { clock: "virtual" });
  assertEquals(log, [
    "first step inside createTask: true",
    "createTask returned; current is the creator: true",
    "second step",
  ]);
});

Deno.test("an eager task that never waits is done, and never listed, when createTask returns", async () => {
  await run(function* () {
    getRunningLoop().setTaskFactory(eagerTaskFactory);
    // deno-lint-ignore require-yield -- finishes without waiting, on purpose
    const task = createTask((function* () {
      return 7;
    })());
    assert(task.done());
    assertEquals(task.result(), 7);
    assertFalse(allTasks().has(task as Task<unknown>));
    yield* sleep(0);
  }, { clock: "virtual" });
});

Deno.test("gather's children start eagerly under eagerTaskFactory, in argument order", async () => {
  const log: string[] = [];
  function* child(name: string, ms: number): Generator<unknown, string, unknown> {
    log.push(`${name} starts`);
    yield* sleep(ms);
    return name;
  }
  const results = await run(function* () {
    getRunningLoop().setTaskFactory(eagerTaskFactory);
    const both = gather([child("a", 20), child("b", 10)]);
    log.push("gather returned");
    return yield* both;
  }, { clock: "virtual" });
  assertEquals(log, ["a starts", "b starts", "gather returned"]);
  assertEquals(results, ["a", "b"]);
});

Deno.test("eagerTaskFactory keeps the name and signal options, and honours an explicit eager: false", async () => {
  const log: string[] = [];
  await run(function* () {
    getRunningLoop().setTaskFactory(eagerTaskFactory);
    const controller = new AbortController();
    const named = createTask(sleep(100), { name: "napper", signal: controller.signal });
    const lazy = createTask(
      // deno-lint-ignore require-yield -- one step is all it takes
      (function* () {
        log.push("lazy ran");
      })(),
      { eager: false },
    );
    log.push(`named is ${named.getName()}; lazy is done: ${lazy.done()}`);
    controller.abort("stop");
    yield* sleep(0);
    log.push(`named cancelled: ${named.cancelled()}`);
  }, { clock: "virtual" });
  assertEquals(log, ["named is napper; lazy is done: false", "lazy ran", "named cancelled: true"]);
});

Deno.test("each loop's eager tasks belong to that loop", async () => {
  const first = new EventLoop({ clock: "virtual" });
  const second = new EventLoop({ clock: "virtual" });
  first.setTaskFactory(eagerTaskFactory);
  second.setTaskFactory(eagerTaskFactory);
  const a = first.createTask(sleep(1));
  const b = second.createTask(sleep(1));
  assertEquals([a.getLoop() === first, b.getLoop() === second], [true, true]);
  await first.runUntilComplete(a);
  await second.runUntilComplete(b);
  first.close();
  second.close();
});

Deno.test("an eager task created while its loop is not running starts in the next iteration", () => {
  const loop = new EventLoop({ clock: "virtual" });
  loop.setTaskFactory(eagerTaskFactory);
  const log: string[] = [];
  // deno-lint-ignore require-yield -- one step is all it takes
  loop.createTask((function* () {
    log.push("ran");
  })());
  assertEquals(log, []);
  loop.runOnce();
  assertEquals(log, ["ran"]);
  loop.close();
});

Deno.test("a cancelled eager task that already waits ends cancelled", async () => {
  const outcome = await run(function* () {
    getRunningLoop().setTaskFactory(eagerTaskFactory);
    const task = createTask(sleep(100));
    task.cancel();
    try {
      yield* task;
      return "finished";
    } catch (error) {
      return error instanceof CancelledError ? "cancelled" : `${error}`;
    }
  }, { clock: "virtual" });
  assertEquals(outcome, "cancelled");
});

Deno.test("eagerTaskFactory refuses a non-loop, a non-object options argument and a non-coroutine", () => {
  const loop = new EventLoop({ clock: "virtual" });
  assertThrows(
    () => eagerTaskFactory({} as EventLoop, sleep(1)),
    TypeError,
    "eagerTaskFactory expects an EventLoop, got an object",
  );
  assertThrows(
    () => eagerTaskFactory(loop, sleep(1), 5 as unknown as object),
    TypeError,
    "eagerTaskFactory expects an options object, got 5",
  );
  assertThrows(() => eagerTaskFactory(loop, (() => 1) as never), TypeError);
  loop.close();
});
