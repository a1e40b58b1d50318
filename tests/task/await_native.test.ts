/**
 * Futures and tasks are PromiseLike: `await fut` / `await task` work in async
 * code, while the loop runs and after it stopped. These tests interact with
 * the host's promise machinery, so they use the real clock with short waits.
 */

import { assertEquals, assertInstanceOf, assertRejects, assertStrictEquals } from "@std/assert";
import {
  CancelledError,
  createTask,
  EventLoop,
  type ExceptionContext,
  fromPromise,
  getRunningLoop,
  run,
  sleep,
} from "../../mod.ts";
import { recordExceptions } from "./_helpers.ts";

Deno.test("await task resolves with the task's result while the loop runs", async () => {
  const loop = new EventLoop();
  try {
    const task = loop.createTask((function* () {
      yield* sleep(2);
      return "from the task";
    })());
    const running = loop.runUntilComplete(task);
    assertEquals(await task, "from the task");
    assertEquals(await running, "from the task");
  } finally {
    loop.close();
  }
});

Deno.test("await fut resolves in an async function started from a task", async () => {
  const out = await run(function* () {
    const loop = getRunningLoop();
    const fut = loop.createFuture<number>();
    const log: string[] = [];
    const pending = (async () => {
      log.push("async fn awaits");
      const v = await fut;
      log.push(`async fn got ${v}`);
      return v * 2;
    })();
    yield* sleep(1);
    log.push("task sets the result");
    fut.setResult(21);
    const doubled = yield* fromPromise(pending);
    return [doubled, log];
  });
  assertEquals(out, [42, ["async fn awaits", "task sets the result", "async fn got 21"]]);
});

Deno.test("await fut rejects with the future's exception, and that counts as retrieving it", async () => {
  const loop = new EventLoop();
  const seen = recordExceptions(loop);
  const boom = new Error("rejected through await");
  try {
    const fut = loop.createFuture<number>();
    loop.callSoon(() => fut.setException(boom));
    const running = loop.runUntilComplete(fut).catch((e) => e);
    const error = await assertRejects(() => fut);
    assertStrictEquals(error, boom);
    assertStrictEquals(await running, boom);
  } finally {
    loop.close();
  }
  assertEquals(seen, []);
});

Deno.test("await task rejects with the task's error; await of a cancelled task rejects with CancelledError", async () => {
  const out = await run(function* () {
    const boom = new TypeError("task error");
    const failing = createTask((function* () {
      yield* sleep(1);
      throw boom;
    })());
    const cancelled = createTask(sleep(1000));
    const outcomes = (async () => {
      const a = await failing.then(() => "resolved", (e) => e);
      const b = await cancelled.then(() => "resolved", (e) => e);
      return [a === boom, b];
    })();
    yield* sleep(5);
    cancelled.cancel("no more");
    return yield* fromPromise(outcomes);
  });
  assertEquals(out[0], true);
  assertInstanceOf(out[1], CancelledError);
  assertEquals((out[1] as Error).message, "no more");
});

Deno.test("await on an already-done future works after the loop stopped and closed", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  const seen = recordExceptions(loop);
  const ok = loop.createFuture<string>();
  const bad = loop.createFuture<string>();
  const cancelled = loop.createFuture<string>();
  ok.setResult("kept");
  bad.setException(new RangeError("kept too"));
  cancelled.cancel("kept cancelled");
  const task = loop.createTask(sleep(10, "task value"));
  await loop.runUntilComplete(task);
  loop.close(); // nobody had read `bad` yet: close reports it
  assertEquals(seen.map((c) => c.message), ["Future exception was never retrieved"]);
  assertEquals(await ok, "kept");
  assertEquals(await task, "task value");
  await assertRejects(() => bad, RangeError, "kept too");
  await assertRejects(() => cancelled, CancelledError, "kept cancelled");
});

Deno.test("fut.then() returns a native Promise and chains like one", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    const fut = loop.createFuture<number>();
    fut.setResult(1);
    const chained = fut.then((v) => v + 1);
    assertInstanceOf(chained, Promise);
    assertEquals(await chained.then((v) => v * 10), 20);
    assertEquals(await Promise.all([fut, Promise.resolve(2)]), [1, 2]);
  } finally {
    loop.close();
  }
});

Deno.test("an awaited future settles the awaiting async code only after the loop runs its done-callbacks", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  const seen: ExceptionContext[] = recordExceptions(loop);
  try {
    const fut = loop.createFuture<string>();
    let settled = false;
    const waiting = fut.then((v) => {
      settled = true;
      return v;
    });
    fut.setResult("later");
    await Promise.resolve();
    await Promise.resolve();
    assertEquals(settled, false); // the bridge is a done-callback: it waits for the loop
    loop.runOnce();
    assertEquals(await waiting, "later");
    assertEquals(settled, true);
  } finally {
    loop.close();
  }
  assertEquals(seen, []);
});
