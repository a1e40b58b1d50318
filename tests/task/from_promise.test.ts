/**
 * fromPromise: awaiting native promises from a coroutine, with cancellation
 * that reaches the work behind them. These tests interact with the host, so
 * some use real promises and real timers (with short, bounded waits).
 */

import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertRejects,
  assertStrictEquals,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import {
  CancelledError,
  CannotBlockError,
  createTask,
  EventLoop,
  formatTaskTable,
  formatTaskTree,
  fromPromise,
  gather,
  getRunningLoop,
  InvalidStateError,
  run,
  runSync,
  sleep,
} from "../../mod.ts";
import { blockingRefusal } from "../../lib/loop/idle/atomics.ts";
import { caught, untyped } from "./_helpers.ts";

function later<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}

Deno.test("yield* fromPromise(p) returns the promise's value", async () => {
  const value = await run(function* () {
    const a = yield* fromPromise(Promise.resolve("resolved"));
    const b = yield* fromPromise(later(5, "after a host timer"));
    return [a, b];
  });
  assertEquals(value, ["resolved", "after a host timer"]);
});

Deno.test("yield* fromPromise(p) throws the promise's rejection at the yield*", async () => {
  const boom = new Error("rejected");
  const error = await run(function* () {
    return yield* caught(fromPromise(Promise.reject(boom)));
  });
  assertStrictEquals(error, boom);
});

Deno.test("a promise rejected with null throws exactly null at the yield*", async () => {
  const error = await run(function* () {
    return [yield* caught(fromPromise(Promise.reject(null)))];
  });
  assertEquals(error, [null]);
});

Deno.test("a promise rejected with undefined becomes an Error that says so", async () => {
  const error = await run(function* () {
    return yield* caught(fromPromise(Promise.reject(undefined)));
  });
  assertInstanceOf(error, Error);
  assertStringIncludes(error.message, "undefined");
});

Deno.test("fromPromise accepts any thenable, not only native promises", async () => {
  const thenable: PromiseLike<number> = {
    then(onFulfilled) {
      return Promise.resolve(41).then(onFulfilled && ((v) => onFulfilled(v + 1)));
    },
  };
  assertEquals(
    await run(function* () {
      return yield* fromPromise(thenable);
    }),
    42,
  );
});

Deno.test("fromPromise(fn) calls fn with an AbortSignal when first driven, and it stays unaborted on success", async () => {
  const log: string[] = [];
  let seen: AbortSignal | null = null;
  const value = await run(function* () {
    const coro = fromPromise((signal) => {
      log.push("fn called");
      seen = signal;
      return Promise.resolve("ok");
    });
    log.push("coroutine made");
    const value = yield* coro;
    log.push("awaited");
    return value;
  });
  assertEquals(log, ["coroutine made", "fn called", "awaited"]);
  assertEquals(value, "ok");
  assertInstanceOf(seen, AbortSignal);
  assertEquals((seen as unknown as AbortSignal).aborted, false);
});

Deno.test("cancelling the awaiting task aborts fromPromise's signal with the CancelledError", async () => {
  const out = await run(function* () {
    let signal: AbortSignal | null = null;
    const task = createTask(fromPromise<string>((s) => {
      signal = s;
      return new Promise((_resolve, reject) => s.addEventListener("abort", () => reject(s.reason)));
    }));
    yield* sleep(0); // the task has called the function and waits for the promise
    task.cancel("user left");
    const error = yield* caught(task);
    const s = signal as unknown as AbortSignal;
    return [
      s.aborted,
      s.reason instanceof CancelledError,
      (s.reason as Error).message,
      error,
      task.cancelled(),
      s.reason,
    ];
  });
  assertEquals(out.slice(0, 3), [true, true, "user left"]);
  assertInstanceOf(out[3], CancelledError);
  assertEquals(out[4], true);
  assertStrictEquals(out[5], out[3]); // the signal's reason is the very CancelledError the task ended with
});

Deno.test("a cancelled fromPromise ignores the promise when it settles later", async () => {
  let resolve: (v: string) => void = () => {};
  const promise = new Promise<string>((r) => resolve = r);
  const out = await run(function* () {
    const task = createTask(fromPromise(promise));
    yield* sleep(0);
    task.cancel();
    yield* caught(task);
    resolve("too late");
    yield* fromPromise(promise); // let the late settlement reach the loop
    return task.cancelled();
  });
  assertEquals(out, true);
});

Deno.test("a virtual loop waits for a pending host promise instead of jumping its clock or deadlocking", async () => {
  const log = await run(function* () {
    const loop = getRunningLoop();
    const log: [string, unknown, number][] = [];
    const sleeper = createTask((function* () {
      yield* sleep(1000);
      log.push(["sleeper wakes", null, loop.time()]);
    })());
    const value = yield* fromPromise(later(20, "host value"));
    log.push(["promise settled", value, loop.time()]);
    yield* sleeper;
    log.push(["end", null, loop.time()]);
    return log;
  }, { clock: "virtual" });
  assertEquals(log, [
    ["promise settled", "host value", 0],
    ["sleeper wakes", null, 1000],
    ["end", null, 1000],
  ]);
});

Deno.test("a virtual loop with only a pending host promise waits for it rather than raising DeadlockError", async () => {
  const value = await run(function* () {
    return yield* fromPromise(later(10, "arrived"));
  }, { clock: "virtual" });
  assertEquals(value, "arrived");
});

Deno.test("under runSync, fromPromise fails at once with InvalidStateError instead of hanging (or runSync cannot block here)", () => {
  const never = new Promise<never>(() => {});
  const main = function* () {
    return yield* fromPromise(never);
  };
  if (blockingRefusal() === null) {
    const started = performance.now();
    const error = assertThrows(() => runSync(main), InvalidStateError, "runSync");
    assert(performance.now() - started < 5_000, `took ${performance.now() - started} ms`);
    assertStringIncludes(error.message, "run()");
  } else {
    assertThrows(() => runSync(main), CannotBlockError);
  }
});

Deno.test("fromPromise(42) and other non-promises throw TypeError at the call", () => {
  assertThrows(() => fromPromise(untyped(42)), TypeError, "42 (a number)");
  assertThrows(() => fromPromise(untyped(null)), TypeError, "null");
  assertThrows(() => fromPromise(untyped({ then: 1 })), TypeError);
});

Deno.test("fromPromise(fn) whose fn returns no promise throws TypeError when driven", async () => {
  await assertRejects(
    () =>
      run(function* () {
        yield* fromPromise(untyped(() => 42));
      }),
    TypeError,
    "must return a promise",
  );
});

Deno.test("fromPromise's name labels the wait in the task tree and the task table", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  let answer!: (text: string) => void;
  const reply = new Promise<string>((resolve) => answer = resolve);
  const task = loop.createTask(fromPromise(reply, { name: "fetch /api" }), { name: "loader" });
  loop.runOnce();
  assertEquals(formatTaskTree(loop), "loader — waiting on fetch /api");
  assertEquals(formatTaskTable(loop).split("\n")[1], "1   loader  waiting  fetch /api");
  answer("ok");
  assertEquals(await loop.runUntilComplete(task), "ok");
  loop.close();
});

Deno.test("fromPromise given a named function labels the wait with its name; otherwise 'a Promise'", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  const pending: ((value: string) => void)[] = [];
  const later = () => new Promise<string>((resolve) => pending.push(resolve));
  function loadUser(_signal: AbortSignal): Promise<string> {
    return later();
  }
  const tasks = [
    loop.createTask(fromPromise(loadUser), { name: "named" }),
    loop.createTask(fromPromise(later()), { name: "bare" }),
    loop.createTask(fromPromise(loadUser, { name: "the user" }), { name: "overridden" }),
  ];
  loop.runOnce();
  assertEquals(formatTaskTree(loop).split("\n"), [
    "named — waiting on loadUser()",
    "bare — waiting on a Promise",
    "overridden — waiting on the user",
  ]);
  for (const resolve of pending) resolve("done");
  assertEquals(await loop.runUntilComplete(gather(tasks)), ["done", "done", "done"]);
  loop.close();
});

Deno.test("fromPromise refuses options that are not an object, and a name that is not a string", () => {
  const promise = Promise.resolve(1);
  assertThrows(() => fromPromise(promise, untyped(5)), TypeError, "options object, got 5 (a number)");
  assertThrows(() => fromPromise(promise, { name: untyped(5) }), TypeError, "name as a string, got 5 (a number)");
});
