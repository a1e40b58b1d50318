/** createTask's options: eager start (asyncio 3.12) and cancelling on an AbortSignal. */

import { assert, assertEquals, assertFalse, assertThrows } from "@std/assert";
import {
  allTasks,
  CancelledError,
  createTask,
  currentTask,
  EventLoop,
  getRunningLoop,
  run,
  sleep,
  type Task,
} from "../../mod.ts";

Deno.test("an eager task runs its first step inside createTask, as the current task", async () => {
  const log: string[] = [];
  await run(function* () {
    const creator = currentTask();
    let task: Task<void> | undefined = undefined;
    task = createTask(
      (function* () {
        // createTask has not returned yet, so `task` is still unset; the current task is a new one.
        log.push(`first step, current is the new task: ${currentTask() !== creator && task === undefined}`);
        yield* sleep(0);
        log.push("second step");
      })(),
      { eager: true },
    );
    log.push(`createTask returned; current is the creator again: ${currentTask() === creator}`);
    yield* task;
  }, { clock: "virtual" });
  assertEquals(log, [
    "first step, current is the new task: true",
    "createTask returned; current is the creator again: true",
    "second step",
  ]);
});

Deno.test("an eager task that never waits is done when createTask returns", async () => {
  await run(function* () {
    const task = createTask(
      // deno-lint-ignore require-yield -- finishes without waiting, on purpose
      (function* () {
        return 7;
      })(),
      { eager: true },
    );
    assert(task.done());
    assertEquals(task.result(), 7);
    assertFalse(allTasks().has(task as Task<unknown>));
    yield* sleep(0);
  }, { clock: "virtual" });
});

Deno.test("an eager task created while the loop is not running starts in the next iteration, as usual", () => {
  const loop = new EventLoop({ clock: "virtual" });
  const log: string[] = [];
  loop.createTask(
    // deno-lint-ignore require-yield -- one step is all it takes
    (function* () {
      log.push("ran");
    })(),
    { eager: true },
  );
  assertEquals(log, []);
  loop.runOnce();
  assertEquals(log, ["ran"]);
  loop.close();
});

Deno.test("aborting the signal option cancels the task, with the abort reason as the message", async () => {
  const log: string[] = [];
  await run(function* () {
    const controller = new AbortController();
    const task = createTask(
      (function* () {
        try {
          yield* sleep(1000);
        } finally {
          log.push(`finally at t=${getRunningLoop().time()}`);
        }
      })(),
      { signal: controller.signal },
    );
    yield* sleep(10);
    controller.abort(new Error("user left"));
    try {
      yield* task;
    } catch (e) {
      if (!(e instanceof CancelledError)) throw e;
      log.push(`cancelled: ${e.message}`);
    }
  }, { clock: "virtual" });
  assertEquals(log, ["finally at t=10", "cancelled: user left"]);
});

Deno.test("a task given an already aborted signal is cancelled before its body runs", async () => {
  let ran = false;
  await run(function* () {
    const task = createTask(
      // deno-lint-ignore require-yield -- its body must never run
      (function* () {
        ran = true;
      })(),
      { signal: AbortSignal.abort("too late") },
    );
    try {
      yield* task;
    } catch (e) {
      if (!(e instanceof CancelledError)) throw e;
      assertEquals(e.message, "too late");
    }
    assert(task.cancelled());
  }, { clock: "virtual" });
  assertFalse(ran);
});

Deno.test("a finished task removes its abort listener from the signal", async () => {
  const controller = new AbortController();
  const removed: string[] = [];
  const signal = controller.signal;
  const remove = signal.removeEventListener.bind(signal);
  Object.defineProperty(signal, "removeEventListener", {
    value: (type: string, listener: EventListener) => {
      removed.push(type);
      remove(type, listener);
    },
  });
  await run(function* () {
    yield* createTask(sleep(5), { signal });
  }, { clock: "virtual" });
  assertEquals(removed, ["abort"]);
});

Deno.test("the signal option must be an AbortSignal", async () => {
  // deno-lint-ignore require-yield -- a check, no waiting
  await run(function* () {
    assertThrows(() => createTask(sleep(1), { signal: "stop" as unknown as AbortSignal }), TypeError, '"stop"');
  }, { clock: "virtual" });
});
