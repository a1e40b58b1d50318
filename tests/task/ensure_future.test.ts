/**
 * ensureFuture: anything awaitable becomes a Future — futures as they are,
 * coroutines wrapped in tasks, promises in futures that settle with them.
 */

import { assertEquals, assertFalse, assertInstanceOf, assertStrictEquals, assertThrows } from "@std/assert";
import {
  CannotBlockError,
  createTask,
  ensureFuture,
  EventLoop,
  Future,
  getRunningLoop,
  InvalidStateError,
  run,
  runSync,
  sleep,
  Task,
} from "../../mod.ts";
import { blockingRefusal } from "../../lib/loop/idle/atomics.ts";
import { caught, untyped } from "./_helpers.ts";

const virtual = { clock: "virtual" } as const;

Deno.test("ensureFuture() returns a future or a task as it is", async () => {
  await run(function* () {
    const fut = getRunningLoop().createFuture<number>();
    const task = createTask(sleep(1, "t"));
    assertStrictEquals(ensureFuture(fut), fut);
    assertStrictEquals(ensureFuture(task), task);
    assertStrictEquals(ensureFuture(fut, getRunningLoop()), fut);
    fut.cancel();
    yield* task;
  }, virtual);
});

Deno.test("ensureFuture(coro) wraps the coroutine in a task on the running loop", async () => {
  const out = await run(function* () {
    const coro = (function* () {
      yield* sleep(10);
      return "from the coroutine";
    })();
    const fut = ensureFuture(coro);
    assertInstanceOf(fut, Task);
    assertStrictEquals((fut as Task<string>).getCoro(), coro);
    return [yield* fut, getRunningLoop().time()];
  }, virtual);
  assertEquals(out, ["from the coroutine", 10]);
});

Deno.test("ensureFuture(sleep(ms, v)) makes a task of the sleep", async () => {
  const out = await run(function* () {
    const fut = ensureFuture(sleep(5, "slept"));
    return [fut instanceof Task, yield* fut];
  }, virtual);
  assertEquals(out, [true, "slept"]);
});

Deno.test("ensureFuture(promise) wraps the promise in a plain Future that settles with it", async () => {
  const boom = new Error("rejected");
  const out = await run(function* () {
    const ok = ensureFuture(Promise.resolve("resolved"));
    const bad = ensureFuture(Promise.reject(boom));
    assertInstanceOf(ok, Future);
    assertFalse(ok instanceof Task);
    assertFalse(ok.done()); // settles through the host, later
    return [yield* ok, yield* caught(bad)];
  });
  assertEquals(out[0], "resolved");
  assertStrictEquals(out[1], boom);
});

Deno.test("ensureFuture() with an explicit loop works while no loop runs", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    const task = ensureFuture(sleep(3, "on the given loop"), loop);
    assertStrictEquals(task.getLoop(), loop);
    assertEquals(await loop.runUntilComplete(task), "on the given loop");
  } finally {
    loop.close();
  }
});

Deno.test("ensureFuture(coro) with no running loop and no loop throws InvalidStateError", () => {
  const coro = sleep(1);
  assertThrows(() => ensureFuture(coro), InvalidStateError, "running event loop");
});

Deno.test("ensureFuture(nonAwaitable) with no running loop throws TypeError, not the missing loop (asyncio's order)", () => {
  assertThrows(() => ensureFuture(untyped(42)), TypeError, "42 (a number)");
  assertThrows(() => ensureFuture(untyped(undefined)), TypeError, "got undefined");
});

Deno.test("ensureFuture() rejects a future of another loop with a TypeError", () => {
  const a = new EventLoop({ clock: "virtual" });
  const b = new EventLoop({ clock: "virtual" });
  try {
    const fut = a.createFuture<number>();
    assertThrows(() => ensureFuture(fut, b), TypeError, "another event loop");
  } finally {
    a.close();
    b.close();
  }
});

Deno.test("ensureFuture() rejects values that are not awaitable with a TypeError naming them", async () => {
  await run(function* () {
    assertThrows(() => ensureFuture(untyped(42)), TypeError, "42 (a number)");
    assertThrows(() => ensureFuture(untyped(null)), TypeError, "null");
    assertThrows(() => ensureFuture(untyped({ a: 1 })), TypeError, "an object");
    assertThrows(() => ensureFuture(untyped(function* gen() {})), TypeError, "a generator function gen");
    yield;
  }, virtual);
});

Deno.test("ensureFuture(promise) under runSync fails at once with InvalidStateError (or runSync cannot block here)", () => {
  const main = function* () {
    return yield* ensureFuture(new Promise<never>(() => {}));
  };
  if (blockingRefusal() === null) {
    assertThrows(() => runSync(main), InvalidStateError, "runSync");
  } else {
    assertThrows(() => runSync(main), CannotBlockError);
  }
});
