// deno-lint-ignore-file require-yield -- coroutines that finish in their first step are part of what is tested
/**
 * run / runSync (asyncio.run): a fresh loop per call, main's value or error,
 * the shutdown that cancels leftover tasks and lets their `finally` blocks
 * run, the closed loop afterwards, and clear errors for misuse; then Runner
 * (asyncio.Runner): one loop and one context for several runs.
 */

import {
  assert,
  assertEquals,
  assertGreaterOrEqual,
  assertInstanceOf,
  assertRejects,
  assertStrictEquals,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import {
  allTasks,
  AtomicsIdle,
  CancelledError,
  CannotBlockError,
  ContextVar,
  type Coro,
  createTask,
  currentTask,
  DeadlockError,
  Event,
  EventLoop,
  type ExceptionContext,
  fromPromise,
  getRunningLoop,
  InvalidStateError,
  run,
  Runner,
  runSync,
  SetTimeoutIdle,
  sleep,
  type Task,
} from "../../mod.ts";
import { blockingRefusal } from "../../lib/loop/idle/atomics.ts";
import { untyped } from "./_helpers.ts";

const virtual = { clock: "virtual" } as const;

Deno.test("run() accepts a generator function and returns main's value", async () => {
  assertEquals(
    await run(function* () {
      yield* sleep(10);
      return "value";
    }, virtual),
    "value",
  );
});

Deno.test("run() accepts a coroutine object as well", async () => {
  function* main(n: number): Coro<number> {
    yield* sleep(1);
    return n * 2;
  }
  assertEquals(await run(main(21), virtual), 42);
});

Deno.test("run() rejects with main's error", async () => {
  const boom = new Error("main failed");
  const error = await assertRejects(() =>
    run(function* () {
      yield* sleep(1);
      throw boom;
    }, virtual)
  );
  assertStrictEquals(error, boom);
});

Deno.test("run() runs main as a task on a fresh running loop that is closed afterwards", async () => {
  let loop: EventLoop | null = null;
  const out = await run(function* () {
    loop = getRunningLoop();
    return [loop.isRunning(), loop.isClosed(), [...allTasks()].map((t) => t === currentTask())];
  }, virtual);
  assertEquals(out, [true, false, [true]]);
  const used = loop as unknown as EventLoop;
  assertEquals([used.isRunning(), used.isClosed()], [false, true]);
  assertThrows(() => getRunningLoop(), InvalidStateError);
});

Deno.test("the loop is closed after run() even when main fails", async () => {
  let loop: EventLoop | null = null;
  await assertRejects(() =>
    run(function* () {
      loop = getRunningLoop();
      throw new RangeError("bad");
    }, virtual), RangeError);
  assertEquals((loop as unknown as EventLoop).isClosed(), true);
});

Deno.test("each run() gets a new loop", async () => {
  const a = await run(function* () {
    return getRunningLoop();
  }, virtual);
  const b = await run(function* () {
    return getRunningLoop();
  }, virtual);
  assert(a !== b);
});

Deno.test("run() cancels leftover tasks and their finally blocks run before run() settles", async () => {
  const log: [string, number][] = [];
  const value = await run(function* () {
    const loop = getRunningLoop();
    for (const name of ["left-a", "left-b"]) {
      createTask((function* () {
        try {
          yield* sleep(1000);
          log.push([`${name} slept to the end`, loop.time()]);
        } catch (e) {
          log.push([`${name} got ${(e as Error).name}`, loop.time()]);
          throw e;
        } finally {
          log.push([`${name} finally`, loop.time()]);
        }
      })());
    }
    yield* sleep(10);
    log.push(["main returns", loop.time()]);
    return "main's value";
  }, virtual);
  assertEquals(value, "main's value");
  assertEquals(log, [
    ["main returns", 10],
    ["left-a got CancelledError", 10],
    ["left-a finally", 10],
    ["left-b got CancelledError", 10],
    ["left-b finally", 10],
  ]);
});

Deno.test("run() waits for leftover tasks that await cleanup work after being cancelled", async () => {
  const log: [string, number][] = [];
  await run(function* () {
    const loop = getRunningLoop();
    createTask((function* () {
      try {
        yield* sleep(1000);
      } finally {
        yield* sleep(5); // asynchronous cleanup
        log.push(["cleanup done", loop.time()]);
      }
    })());
    yield* sleep(10);
  }, virtual);
  assertEquals(log, [["cleanup done", 15]]);
});

Deno.test("run() leaves no 'Task was destroyed but it is pending!' report: leftovers end before the loop closes", async () => {
  const seen: ExceptionContext[] = [];
  await run(function* () {
    getRunningLoop().setExceptionHandler((_l, ctx) => seen.push(ctx));
    createTask(sleep(1000));
    const never = getRunningLoop().createFuture<void>();
    createTask((function* () {
      yield* never;
    })());
    yield;
  }, virtual);
  assertEquals(seen.map((c) => c.message), []);
});

Deno.test("a leftover task that raises a non-cancel error during shutdown is reported to the exception handler", async () => {
  const seen: ExceptionContext[] = [];
  const boom = new Error("error while shutting down");
  let leftover: Task<void> | null = null;
  const value = await run(function* () {
    getRunningLoop().setExceptionHandler((_l, ctx) => seen.push(ctx));
    leftover = createTask(
      (function* () {
        try {
          yield* sleep(1000);
        } catch (e) {
          if (e instanceof CancelledError) throw boom;
          throw e;
        }
      })(),
      { name: "leftover" },
    );
    yield;
    return "main done";
  }, virtual);
  assertEquals(value, "main done");
  assertEquals(seen.map((c) => c.message), ["unhandled exception during run() shutdown"]);
  assertStrictEquals(seen[0].exception, boom);
  assertStrictEquals(seen[0].task, leftover);
});

Deno.test("when main fails and its leftovers then deadlock on shutdown, main's error wins; the deadlock is reported", async () => {
  const seen: ExceptionContext[] = [];
  const boom = new Error("main failed");
  const error = await assertRejects(() =>
    run(function* () {
      getRunningLoop().setExceptionHandler((_l, ctx) => seen.push(ctx));
      const never = getRunningLoop().createFuture<void>();
      createTask(
        (function* () {
          try {
            yield* sleep(1000);
          } finally {
            yield* never; // a cleanup that never ends: the shutdown deadlocks
          }
        })(),
        { name: "stubborn" },
      );
      yield;
      throw boom;
    }, virtual)
  );
  assertStrictEquals(error, boom);
  // Then the loop closes with the stubborn task still pending, and says so, as asyncio does.
  assertEquals(seen.map((c) => c.message), [
    "shutdown failed after main failed",
    "Task was destroyed but it is pending!",
  ]);
  assertInstanceOf(seen[0].exception, DeadlockError);
  assertEquals((seen[1].task as Task<unknown>).getName(), "stubborn");
});

Deno.test("run(non-coroutine) rejects with a TypeError naming the value", async () => {
  await assertRejects(() => run(untyped(42)), TypeError, "42 (a number)");
  await assertRejects(() => run(untyped(() => 42)), TypeError, "42 (a number)");
  await assertRejects(() => run(untyped(Promise.resolve(1))), TypeError, "fromPromise");
  await assertRejects(() => run(untyped(null)), TypeError, "null");
});

Deno.test("run() inside a running loop rejects with InvalidStateError; runSync() throws it", async () => {
  const out = await run(function* () {
    let nested: unknown = null;
    try {
      yield* fromPromise(run(function* () {
        return "must not run";
      }));
    } catch (e) {
      nested = e;
    }
    const sync = assertThrows(() => runSync(function* () {}), InvalidStateError);
    return [nested, sync];
  }, virtual);
  assertInstanceOf(out[0], InvalidStateError);
  assertStringIncludes((out[0] as Error).message, "running");
  assertInstanceOf(out[1], InvalidStateError);
});

Deno.test("a DeadlockError from run() names the pending tasks in .tasks and in its message", async () => {
  let names: string[] = [];
  const error = await assertRejects(() =>
    run(function* () {
      const loop = getRunningLoop();
      const worker = createTask(
        (function* () {
          yield* loop.createFuture<void>();
        })(),
        { name: "stuck-worker" },
      );
      names = [(currentTask() as Task<unknown>).getName(), worker.getName()];
      yield* worker;
    }, virtual), DeadlockError);
  const tasks = error.tasks as Task<unknown>[];
  assertEquals(tasks.map((t) => t.getName()), names);
  // The tree numbers an unnamed task per loop (main is the loop's first task), not by getName()'s thread-wide count.
  assertEquals(error.tree, "main — waiting on task stuck-worker\nstuck-worker — waiting on <Future pending>");
  assertStringIncludes(error.message, error.tree);
});

Deno.test("runSync() returns main's value where the thread may block, else throws CannotBlockError", () => {
  function* main(): Coro<string> {
    yield* sleep(5);
    return "slept for real";
  }
  if (blockingRefusal() === null) {
    const started = performance.now();
    assertEquals(runSync(main), "slept for real");
    const took = performance.now() - started;
    assertGreaterOrEqual(took, 4, `runSync returned after ${took} ms`);
    assert(took < 5_000, `runSync took ${took} ms`);
  } else {
    assertThrows(() => runSync(main), CannotBlockError);
  }
});

Deno.test("runSync() on a virtual clock gives exact times (or throws CannotBlockError)", () => {
  const main = function* () {
    yield* sleep(250);
    return getRunningLoop().time();
  };
  if (blockingRefusal() === null) {
    assertEquals(runSync(main, virtual), 250);
  } else {
    assertThrows(() => runSync(main, virtual), CannotBlockError);
  }
});

Deno.test("runSync() throws main's error and closes the loop (or throws CannotBlockError)", () => {
  const boom = new Error("sync main failed");
  let loop: EventLoop | null = null;
  const main = function* () {
    loop = getRunningLoop();
    yield* sleep(1);
    throw boom;
  };
  if (blockingRefusal() === null) {
    assertStrictEquals(assertThrows(() => runSync(main, virtual)), boom);
    assertEquals((loop as unknown as EventLoop).isClosed(), true);
  } else {
    assertThrows(() => runSync(main, virtual), CannotBlockError);
  }
});

Deno.test("runSync() cancels leftover tasks and runs their finally blocks (or throws CannotBlockError)", () => {
  const log: [string, number][] = [];
  const main = function* () {
    const loop = getRunningLoop();
    createTask((function* () {
      try {
        yield* sleep(1000);
      } finally {
        log.push(["leftover finally", loop.time()]);
      }
    })());
    yield* sleep(20);
    return "done";
  };
  if (blockingRefusal() === null) {
    assertEquals(runSync(main, virtual), "done");
    assertEquals(log, [["leftover finally", 20]]);
  } else {
    assertThrows(() => runSync(main, virtual), CannotBlockError);
    assertEquals(log, []);
  }
});

Deno.test("runSync() on a virtual clock reports a deadlock instead of blocking forever (or throws CannotBlockError)", () => {
  const main = function* () {
    yield* getRunningLoop().createFuture<void>();
  };
  if (blockingRefusal() === null) {
    assertThrows(() => runSync(main, virtual), DeadlockError);
  } else {
    assertThrows(() => runSync(main, virtual), CannotBlockError);
  }
});

Deno.test("runSync() that cannot start its blocking driver throws at once and reports nothing about its own main task", () => {
  // A host-driven adapter cannot drive a blocking loop: the same early failure
  // as CannotBlockError on a browser window's main thread, reproducible everywhere.
  const logged: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => logged.push(String(args[0]).split("\n")[0]);
  let bodyRan = false;
  try {
    assertThrows(
      () =>
        runSync(function* () {
          bodyRan = true;
        }, { idle: new SetTimeoutIdle() }),
      InvalidStateError,
      "host-driven",
    );
  } finally {
    console.error = original;
  }
  assertEquals([bodyRan, logged], [false, []]);
});

Deno.test("run() that cannot start its host driver rejects and reports nothing about its own main task", async () => {
  if (blockingRefusal() !== null) {
    // Here even the blocking adapter cannot be made; that refusal is the whole story.
    assertThrows(() => new AtomicsIdle(), CannotBlockError);
    return;
  }
  const logged: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => logged.push(String(args[0]).split("\n")[0]);
  let bodyRan = false;
  try {
    await assertRejects(
      () =>
        run(function* () {
          bodyRan = true;
        }, { idle: new AtomicsIdle() }),
      InvalidStateError,
      "blocking idle adapter",
    );
  } finally {
    console.error = original;
  }
  assertEquals([bodyRan, logged], [false, []]);
});

// ------------------------------------------------------------------ Runner

Deno.test("Runner: several runs on one loop and one context; a task a run leaves goes on in the next", async () => {
  const visits = new ContextVar("visits", { default: 0 });
  const runner = new Runner({ clock: "virtual" });
  const log: string[] = [];
  function* first() {
    visits.set(1);
    createTask(
      (function* () {
        yield* sleep(50);
        log.push(`background at ${getRunningLoop().time()}`);
      })(),
      { name: "background" },
    );
    yield* sleep(10);
    return getRunningLoop();
  }
  function* second() {
    yield* sleep(100);
    return [visits.get(), getRunningLoop().time(), currentTask()!.getName()];
  }
  try {
    const loop = await runner.run(first);
    assertEquals(await runner.run(second), [1, 110, "second"]);
    assertEquals(log, ["background at 50"]);
    assertStrictEquals(runner.getLoop(), loop);
    assertEquals(loop.isClosed(), false);
  } finally {
    await runner.close();
  }
  assertThrows(() => runner.getLoop(), InvalidStateError, "this Runner is closed");
  await assertRejects(() => runner.run(second), InvalidStateError, "Runner.run(): this Runner is closed");
  await runner.close(); // idempotent
});

Deno.test("Runner.close() cancels the tasks runs left and lets their finally blocks run", async () => {
  const runner = new Runner({ clock: "virtual" });
  const log: string[] = [];
  await runner.run(function* () {
    createTask((function* () {
      try {
        yield* sleep(1_000);
      } finally {
        log.push("cleaned up");
      }
    })());
    yield* sleep(1);
  });
  assertEquals(log, []);
  const loop = runner.getLoop();
  await runner.close();
  assertEquals([log, loop.isClosed()], [["cleaned up"], true]);
});

Deno.test("Runner.runSync and closeSync drive the same loop blocking, where the thread may block", () => {
  if (blockingRefusal() !== null) return void assertThrows(() => new Runner().runSync(sleep(1)), CannotBlockError);
  const runner = new Runner({ clock: "virtual" });
  assertEquals(runner.runSync(sleep(5, "a")), "a");
  assertEquals(
    runner.runSync(function* () {
      yield* sleep(5);
      return getRunningLoop().time();
    }),
    10,
  );
  runner.closeSync();
  assertThrows(() => runner.runSync(sleep(1)), InvalidStateError, "this Runner is closed");
});

Deno.test("run(main, { loopFactory }) runs on the loop the factory makes; a factory that makes none is refused", async () => {
  const made: EventLoop[] = [];
  const time = await run(function* () {
    yield* sleep(250);
    return getRunningLoop().time();
  }, {
    loopFactory: () => {
      const loop = new EventLoop({ clock: "virtual" });
      made.push(loop);
      return loop;
    },
  });
  assertEquals([time, made.length, made[0].isClosed()], [250, 1, true]);
  await assertRejects(() => run(sleep(1), { loopFactory: untyped(() => 42) }), TypeError, "got 42 (a number)");
  assertThrows(() => new Runner({ loopFactory: untyped("no") }), TypeError, 'got "no" (a string)');
});

Deno.test("run()'s main task is named after its generator function, else main, or as Runner.run is told", async () => {
  function* crawl() {
    return currentTask()!.getName();
  }
  assertEquals(await run(crawl), "crawl");
  assertEquals(
    await run(function* () {
      return currentTask()!.getName();
    }),
    "main",
  );
  const runner = new Runner();
  try {
    assertEquals(await runner.run(crawl, { name: "nightly" }), "nightly");
  } finally {
    await runner.close();
  }
});

Deno.test("a main task cancelled by a deadlock gets a CancelledError that says why, caused by the DeadlockError", async () => {
  let seen: unknown = null;
  const error = await assertRejects(() =>
    run(function* () {
      try {
        yield* new Event().wait();
      } catch (e) {
        seen = e;
        throw e;
      }
    }, { clock: "virtual" }), DeadlockError);
  assertInstanceOf(seen, CancelledError);
  const cancelled = seen as CancelledError;
  assertStringIncludes(cancelled.message, "the loop stopped: deadlock: nothing is ready");
  assertStrictEquals(cancelled.cause, error);
});
