// deno-lint-ignore-file require-yield -- coroutines that finish in their first step are part of what is tested
/**
 * Exceptions nobody retrieved, and tasks still pending when the loop closes:
 * both reach the loop's exception handler (asyncio: "Future exception was
 * never retrieved", "Task was destroyed but it is pending!") —
 * deterministically at close, or through a FinalizationRegistry when the
 * future is collected first.
 */

import { assertEquals, assertStrictEquals, assertStringIncludes } from "@std/assert";
import {
  createTask,
  EventLoop,
  type ExceptionContext,
  type Future,
  getRunningLoop,
  run,
  sleep,
  type Task,
} from "../../mod.ts";
import { caught, collectGarbage, hostTurn, recordExceptions } from "./_helpers.ts";

const virtual = { clock: "virtual" } as const;

function messages(seen: ExceptionContext[]): string[] {
  return seen.map((c) => c.message);
}

Deno.test("a failed future whose exception nobody read is reported at loop.close(), exactly once", () => {
  const loop = new EventLoop({ clock: "virtual" });
  const seen = recordExceptions(loop);
  const boom = new Error("nobody looked");
  const fut = loop.createFuture<number>();
  fut.setException(boom);
  loop.runOnce();
  assertEquals(seen, []); // not before close
  loop.close();
  assertEquals(messages(seen), ["Future exception was never retrieved"]);
  assertStrictEquals(seen[0].exception, boom);
  assertStrictEquals(seen[0].future, fut);
  loop.close();
  assertEquals(seen.length, 1);
});

Deno.test("a failed task whose exception nobody read is reported at loop.close() as a Task exception", () => {
  const loop = new EventLoop({ clock: "virtual" });
  const seen = recordExceptions(loop);
  const boom = new Error("task failed alone");
  const task = loop.createTask((function* () {
    throw boom;
  })());
  loop.runOnce();
  assertEquals([task.done(), seen.length], [true, 0]);
  loop.close();
  assertEquals(messages(seen), ["Task exception was never retrieved"]);
  assertStrictEquals(seen[0].exception, boom);
  assertStrictEquals(seen[0].future, task);
});

Deno.test("reading result(), exception(), or calling cancel() on the failed future prevents the report", () => {
  const loop = new EventLoop({ clock: "virtual" });
  const seen = recordExceptions(loop);
  const ways: ((f: Future<number>) => void)[] = [
    (f) => {
      try {
        f.result();
      } catch { /* retrieved */ }
    },
    (f) => f.exception(),
    (f) => f.cancel(),
  ];
  for (const way of ways) {
    const fut = loop.createFuture<number>();
    fut.setException(new Error("seen"));
    way(fut);
  }
  loop.close();
  assertEquals(seen, []);
});

Deno.test("a done-callback that reads the exception prevents the report", () => {
  const loop = new EventLoop({ clock: "virtual" });
  const seen = recordExceptions(loop);
  const fut = loop.createFuture<number>();
  fut.addDoneCallback((f) => f.exception());
  fut.setException(new Error("read in a callback"));
  loop.runOnce();
  loop.close();
  assertEquals(seen, []);
});

Deno.test("yield* on a failed future retrieves its exception; the awaiting task's own failure is what is reported", () => {
  const loop = new EventLoop({ clock: "virtual" });
  const seen = recordExceptions(loop);
  const boom = new Error("passed along");
  const fut = loop.createFuture<number>();
  fut.setException(boom);
  const task = loop.createTask((function* () {
    return yield* fut;
  })());
  loop.runOnce();
  loop.close();
  assertEquals(messages(seen), ["Task exception was never retrieved"]);
  assertStrictEquals(seen[0].future, task);
  assertStrictEquals(seen[0].exception, boom);
});

Deno.test("a task whose failure is awaited is not reported", async () => {
  const seen: ExceptionContext[] = [];
  await run(function* () {
    getRunningLoop().setExceptionHandler((_l, c) => seen.push(c));
    const task = createTask((function* () {
      yield* sleep(1);
      throw new Error("awaited");
    })());
    yield* caught(task);
  }, virtual);
  assertEquals(seen, []);
});

Deno.test("run() reports a failed task nobody awaited when it closes the loop", async () => {
  const seen: ExceptionContext[] = [];
  const boom = new Error("forgotten");
  await run(function* () {
    getRunningLoop().setExceptionHandler((_l, c) => seen.push(c));
    createTask(
      (function* () {
        throw boom;
      })(),
      { name: "forgotten" },
    );
    yield* sleep(5);
  }, virtual);
  assertEquals(messages(seen), ["Task exception was never retrieved"]);
  assertStrictEquals(seen[0].exception, boom);
  assertEquals((seen[0].future as Task<unknown>).getName(), "forgotten");
});

Deno.test("run() rejecting with main's error does not also report it as never retrieved", async () => {
  const seen: ExceptionContext[] = [];
  const boom = new Error("main's");
  const error = await run(function* () {
    getRunningLoop().setExceptionHandler((_l, c) => seen.push(c));
    yield* sleep(1);
    throw boom;
  }, virtual).catch((e) => e);
  assertStrictEquals(error, boom);
  assertEquals(seen, []);
});

Deno.test("a failed future collected before the loop closes is reported through the FinalizationRegistry", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  const seen = recordExceptions(loop);
  const boom = new Error("collected unseen");
  (() => {
    const fut = loop.createFuture<number>();
    fut.setException(boom);
  })(); // the last reference to the future is gone
  for (let tries = 0; tries < 50 && seen.length === 0; tries++) {
    collectGarbage();
    await hostTurn();
  }
  assertEquals(messages(seen), ["Future exception was never retrieved"]);
  assertStrictEquals(seen[0].exception, boom);
  assertStringIncludes(String(seen[0].future), "<Future finished exception=Error: collected unseen>");
  loop.close();
  assertEquals(seen.length, 1); // not reported a second time at close
});

Deno.test("a retrieved exception is not reported even after its future is collected", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  const seen = recordExceptions(loop);
  (() => {
    const fut = loop.createFuture<number>();
    fut.setException(new Error("read, then dropped"));
    fut.exception();
  })();
  for (let tries = 0; tries < 5; tries++) {
    collectGarbage();
    await hostTurn();
  }
  loop.close();
  assertEquals(seen, []);
});

Deno.test("loop.close() with pending tasks reports each as 'Task was destroyed but it is pending!'", () => {
  const loop = new EventLoop({ clock: "virtual" });
  const seen = recordExceptions(loop);
  const suspended = loop.createTask(
    (function* () {
      yield* sleep(1000);
    })(),
    { name: "suspended" },
  );
  loop.runOnce(); // `suspended` is now asleep
  const unstarted = loop.createTask(sleep(1), { name: "unstarted" });
  loop.close();
  assertEquals(messages(seen), ["Task was destroyed but it is pending!", "Task was destroyed but it is pending!"]);
  assertEquals(seen.map((c) => (c.task as Task<unknown>).getName()), ["suspended", "unstarted"]);
  assertStrictEquals(seen[0].task, suspended);
  assertStrictEquals(seen[1].task, unstarted);
  loop.close();
  assertEquals(seen.length, 2);
});
