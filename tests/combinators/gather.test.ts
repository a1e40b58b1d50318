/**
 * gather (asyncio's tasks.gather and test_tasks.py's gather cases): argument
 * order, one wrapper per distinct awaitable, the first error at once, and the
 * rules of asyncio finding 6 — a gather never ends cancelled, it ends with a
 * CancelledError exception.
 */

import { assert, assertEquals, assertFalse, assertInstanceOf, assertStrictEquals, assertThrows } from "@std/assert";
import {
  allTasks,
  CancelledError,
  type Coro,
  createTask,
  eagerTaskFactory,
  EventLoop,
  type ExceptionContext,
  type Future,
  gather,
  getRunningLoop,
  run,
  sleep,
  type Task,
} from "../../mod.ts";
import { caught, recordExceptions, untyped } from "../task/_helpers.ts";
import { now } from "./_helpers.ts";

const virtual = { clock: "virtual" } as const;

/** Sleeps `ms`, logs, returns `value`. */
function* after<T>(ms: number, value: T, log?: unknown[]): Coro<T> {
  yield* sleep(ms);
  log?.push([value, now()]);
  return value;
}

/** Sleeps `ms`, then throws `error`. */
function* failAfter(ms: number, error: unknown): Coro<never> {
  yield* sleep(ms);
  throw error;
}

Deno.test("gather returns the results in argument order, not completion order, once the last child is done", async () => {
  const [results, log] = await run(function* () {
    const log: unknown[] = [];
    const fut = getRunningLoop().createFuture<string>();
    getRunningLoop().callLater(20, () => fut.setResult("future"));
    const results = yield* gather([after(30, "coroutine", log), createTask(after(10, "task", log)), fut]);
    log.push(["gathered", now()]);
    return [results, log];
  }, virtual);
  assertEquals(results, ["coroutine", "task", "future"]);
  assertEquals(log, [["task", 10], ["coroutine", 30], ["gathered", 30]]);
});

Deno.test("gather wraps a promise and keeps its place", async () => {
  const results = await run(function* () {
    return yield* gather([sleep(5, 1), Promise.resolve("promised")]);
  }, virtual);
  assertEquals(results, [1, "promised"]);
});

Deno.test("the same coroutine passed twice is run once and its result appears in both places", async () => {
  const [results, starts] = await run(function* () {
    let starts = 0;
    const coro = (function* () {
      starts++;
      yield* sleep(10);
      return "once";
    })();
    const task = createTask(sleep(5, "task"));
    const results = yield* gather([coro, task, coro, task]);
    return [results, starts];
  }, virtual);
  assertEquals(results, ["once", "task", "once", "task"]);
  assertEquals(starts, 1);
});

Deno.test("gather of nothing is a future already finished with an empty array", async () => {
  await run(function* () {
    const outer = gather([]);
    assertEquals([outer.done(), outer.result()], [true, []]);
    yield* sleep(0);
  }, virtual);
});

Deno.test("gather of futures that are all done is done when gather returns, without an iteration", async () => {
  await run(function* () {
    const loop = getRunningLoop();
    const a = loop.createFuture<number>(), b = loop.createFuture<string>();
    a.setResult(1);
    b.setResult("b");
    const outer = gather([a, b]);
    assert(outer.done());
    assertEquals(outer.result(), [1, "b"]);
    yield* sleep(0);
  }, virtual);
});

Deno.test("gather of eager tasks that finish at once is done when gather returns", async () => {
  await run(function* () {
    // deno-lint-ignore require-yield -- finishes in its eager first step
    function* quick(value: number) {
      return value;
    }
    const outer = gather([createTask(quick(1), { eager: true }), createTask(quick(2), { eager: true })]);
    assertEquals([outer.done(), outer.result(), now()], [true, [1, 2], 0]);
    yield* sleep(0);
  }, virtual);
});

Deno.test("the first child error fails the gather at once; the other children keep running", async () => {
  const log = await run(function* () {
    const log: unknown[] = [];
    const slow = createTask(after(30, "slow", log));
    const error = yield* caught(gather([slow, failAfter(10, new RangeError("boom"))]));
    log.push([(error as Error).message, now(), slow.done()]);
    log.push([yield* slow, now()]);
    return log;
  }, virtual);
  assertEquals(log, [["boom", 10, false], ["slow", 30], ["slow", 30]]);
});

Deno.test("with returnExceptions every child's error, or CancelledError, takes its place in the results", async () => {
  const results = await run(function* () {
    const doomed = createTask(after(50, "never"));
    getRunningLoop().callLater(10, () => doomed.cancel("dropped"));
    return yield* gather([after(20, "ok"), failAfter(5, new TypeError("bad")), doomed], { returnExceptions: true });
  }, virtual);
  assertEquals(results.slice(0, 2), ["ok", new TypeError("bad")]);
  assertInstanceOf(results[2], CancelledError);
  assertEquals((results[2] as Error).message, "dropped");
});

Deno.test("cancelling the gather cancels every child and ends it with a CancelledError exception, not in the cancelled state", async () => {
  const log = await run(function* () {
    const log: unknown[] = [];
    function* child(name: string) {
      try {
        yield* sleep(100);
      } catch (e) {
        log.push([`${name} got ${(e as Error).name}: ${(e as Error).message}`, now()]);
        throw e;
      }
    }
    const a = createTask(child("a")), b = createTask(child("b"));
    const outer = gather([a, b]);
    yield* sleep(10);
    log.push(["cancel() returned", outer.cancel("enough")]);
    const error = yield* caught(outer);
    log.push([outer.cancelled(), outer.done(), (error as Error).name, (error as Error).message, now()]);
    assertStrictEquals(outer.exception(), error);
    log.push([a.cancelled(), b.cancelled()]);
    return log;
  }, virtual);
  assertEquals(log, [
    ["cancel() returned", true],
    ["a got CancelledError: enough", 10],
    ["b got CancelledError: enough", 10],
    [false, true, "CancelledError", "enough", 10],
    [true, true],
  ]);
});

Deno.test("cancelling the task that awaits a gather cancels the children and ends that task cancelled", async () => {
  const [waiterCancelled, children] = await run(function* () {
    const a = createTask(sleep(100)), b = createTask(sleep(200));
    const waiter = createTask((function* () {
      yield* gather([a, b]);
    })());
    yield* sleep(10);
    waiter.cancel();
    yield* caught(waiter);
    return [waiter.cancelled(), [a.cancelled(), b.cancelled(), now()]];
  }, virtual);
  assertEquals([waiterCancelled, children], [true, [true, true, 10]]);
});

Deno.test("a child cancelled on its own ends the gather with a CancelledError exception", async () => {
  const out = await run(function* () {
    const a = createTask(sleep(100, "a"));
    const other = createTask(sleep(30, "other"));
    const outer = gather([a, other]);
    getRunningLoop().callLater(10, () => a.cancel("just a"));
    const error = yield* caught(outer);
    return [outer.cancelled(), (error as Error).name, (error as Error).message, now(), other.done()];
  }, virtual);
  assertEquals(out, [false, "CancelledError", "just a", 10, false]);
});

Deno.test("with returnExceptions, cancelling the gather still ends it with CancelledError (asyncio issue 32684)", async () => {
  const out = await run(function* () {
    const outer = gather([after(100, 1), after(200, 2)], { returnExceptions: true });
    yield* sleep(10);
    outer.cancel();
    const error = yield* caught(outer);
    return [error instanceof CancelledError, outer.cancelled(), now()];
  }, virtual);
  assertEquals(out, [true, false, 10]);
});

Deno.test("cancel() in the iteration a child's timer fires wins: the child is cancelled before it returns", async () => {
  const out = await run(function* () {
    const a = createTask(after(10, "a"));
    const outer = gather([a]);
    // Same deadline, scheduled later: runs in the iteration a's sleep fires, before a's step.
    getRunningLoop().callLater(10, () => outer.cancel());
    const error = yield* caught(outer);
    return [(error as Error).name, a.cancelled(), now()];
  }, virtual);
  assertEquals(out, ["CancelledError", true, 10]);
});

Deno.test("cancel() after the last child finished but before the gather heard of it returns false, and the results stand", async () => {
  const out = await run(function* () {
    let outer: Future<string[]> | null = null;
    const seen = { cancelReturned: null as boolean | null };
    const a = createTask((function* () {
      yield* sleep(10);
      // Queued before a's own done-callbacks: runs after a finished, before the gather's callback.
      getRunningLoop().callSoon(() => seen.cancelReturned = outer!.cancel());
      return "a";
    })());
    outer = gather([a]);
    const results = yield* outer;
    return [results, seen.cancelReturned, now()];
  }, virtual);
  assertEquals(out, [["a"], false, 10]);
});

Deno.test("a second child failure after the gather failed is marked retrieved, not reported", async () => {
  let reports: ExceptionContext[] = [];
  const error = await run(function* () {
    reports = recordExceptions(getRunningLoop());
    const outer = gather([failAfter(10, new Error("first")), failAfter(20, new Error("second"))]);
    const error = yield* caught(outer);
    yield* sleep(50); // the second child fails meanwhile
    return error;
  }, virtual);
  assertEquals((error as Error).message, "first");
  assertEquals(reports, []);
});

Deno.test("a failed gather that nobody awaits is reported once, for the gather, not for the child", async () => {
  let reports: ExceptionContext[] = [];
  let child: Task<never> | null = null;
  await run(function* () {
    reports = recordExceptions(getRunningLoop());
    child = createTask(failAfter(10, new Error("lost")));
    gather([child]);
    yield* sleep(20);
  }, virtual);
  assertEquals(reports.map((r) => [r.message, (r.exception as Error).message]), [
    ["Future exception was never retrieved", "lost"],
  ]);
  assertFalse(reports[0].future === child);
});

Deno.test("gather refuses bad input at the call, before starting anything", async () => {
  await run(function* () {
    const coro = after(10, "never started");
    assertThrows(() => gather(untyped(42)), TypeError, "42 (a number)");
    assertThrows(() => gather(untyped(getRunningLoop().createFuture())), TypeError, "wrap it in an array");
    assertThrows(() => gather(untyped(coro)), TypeError, "wrap it in an array");
    assertThrows(() => gather([coro, untyped("x")]), TypeError, 'at index 1, got "x" (a string)');
    assertThrows(() => gather([coro], untyped({ returnExceptions: "yes" })), TypeError, "boolean");
    const other = new EventLoop({ clock: "virtual" });
    try {
      assertThrows(() => gather([coro, other.createFuture()]), TypeError, "another event loop");
    } finally {
      other.close();
    }
    assertEquals(allTasks().size, 1); // only main: nothing was wrapped
    yield* sleep(0);
  }, virtual);
});

Deno.test("a gather prints its state and how many children it has", async () => {
  await run(function* () {
    const outer = gather([sleep(5, 1), sleep(5, 2)]);
    assertEquals(String(outer), "<GatheringFuture pending children=2>");
    yield* outer;
    assertEquals(String(outer), "<GatheringFuture finished result=[array(2)] children=2>");
  }, virtual);
});

Deno.test("an eager child that changes the caller's array cannot change what gather waits for", async () => {
  const [results, args] = await run(function* () {
    getRunningLoop().setTaskFactory(eagerTaskFactory);
    const args: Coro<string>[] = [];
    // deno-lint-ignore require-yield -- finishes in its eager first step, inside gather
    function* meddler(): Coro<string> {
      args[1] = untyped("not an awaitable");
      args.push(untyped(42));
      return "meddler";
    }
    args.push(meddler(), after(10, "original"));
    const results = yield* gather(args);
    return [results, args];
  }, virtual);
  assertEquals(results, ["meddler", "original"]);
  assertEquals(args.slice(1) as unknown[], ["not an awaitable", 42]);
});

Deno.test("an eager child that empties the caller's array of 40 cannot change what gather waits for", async () => {
  const results = await run(function* () {
    getRunningLoop().setTaskFactory(eagerTaskFactory);
    const args: Coro<number>[] = [];
    // deno-lint-ignore require-yield -- finishes in its eager first step, inside gather
    function* meddler(): Coro<number> {
      args.length = 0;
      return -1;
    }
    args.push(meddler());
    for (let i = 1; i < 40; i++) args.push(after(i, i));
    return yield* gather(args);
  }, virtual);
  assertEquals(results, [-1, ...Array.from({ length: 39 }, (_, i) => i + 1)]);
});

Deno.test("gather leaves the caller's array as it was: the futures are its own", async () => {
  await run(function* () {
    const args = [after(5, "a"), after(10, "b")];
    const copy = [...args];
    yield* gather(args);
    assertEquals(args.length, 2);
    assert(args.every((arg, i) => arg === copy[i]));
  }, virtual);
});

for (const size of [3, 40]) {
  Deno.test(`a gather of ${size} runs a repeated coroutine once and repeated tasks in place, in argument order`, async () => {
    const [results, starts] = await run(function* () {
      let starts = 0;
      const shared = (function* () {
        starts++;
        yield* sleep(7);
        return "shared";
      })();
      const task = createTask(sleep(3, "task"));
      const args: (Coro<unknown> | Task<unknown>)[] = [];
      for (let i = 0; i < size; i++) args.push(i % 3 === 0 ? shared : i % 3 === 1 ? task : after(size - i, i));
      return [yield* gather(args), starts];
    }, virtual);
    assertEquals(starts, 1);
    assertEquals(results, Array.from({ length: size }, (_, i) => i % 3 === 0 ? "shared" : i % 3 === 1 ? "task" : i));
  });

  Deno.test(`a gather of ${size} fails at the first child error, and a later one is retrieved, not reported`, async () => {
    let reports: ExceptionContext[] = [];
    const out = await run(function* () {
      reports = recordExceptions(getRunningLoop());
      const args: Coro<unknown>[] = [];
      for (let i = 0; i < size - 2; i++) args.push(after(100, i));
      args.push(failAfter(20, new Error("second")), failAfter(10, new Error("first")));
      const error = yield* caught(gather(args));
      const at = now();
      yield* sleep(200);
      return [(error as Error).message, at];
    }, virtual);
    assertEquals(out, ["first", 10]);
    assertEquals(reports, []);
  });

  Deno.test(`cancelling a gather of ${size} cancels every child that is not done`, async () => {
    const out = await run(function* () {
      const loop = getRunningLoop();
      const done = loop.createFuture<string>();
      done.setResult("done");
      const pending = Array.from({ length: size - 1 }, () => loop.createFuture<string>());
      const outer = gather([done, ...pending]);
      const returned = outer.cancel("stop");
      const error = yield* caught(outer);
      return [returned, pending.every((f) => f.cancelled()), done.cancelled(), (error as Error).message];
    }, virtual);
    assertEquals(out, [true, true, false, "stop"]);
  });

  Deno.test(`a future passed twice into a gather of ${size} completes it once it is done, in the same iteration`, async () => {
    const out = await run(function* () {
      const loop = getRunningLoop();
      const twice = loop.createFuture<string>();
      const others = Array.from({ length: size - 2 }, () => loop.createFuture<number>());
      others.forEach((f, i) => f.setResult(i));
      const outer = gather([twice, ...others, twice]);
      loop.callLater(10, () => twice.setResult("twice"));
      const results = yield* outer;
      return [results[0], results.at(-1), results.length, now()];
    }, virtual);
    assertEquals(out, ["twice", "twice", size, 10]);
  });
}
