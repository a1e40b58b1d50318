/**
 * runTest: a test body on a fresh virtual loop; the sanitizer names what the
 * body leaves behind; a seeded run's failure carries its seed.
 */

import { assertEquals, assertInstanceOf, assertMatch, assertRejects, assertStringIncludes } from "@std/assert";
import { type Coro, createTask, DeadlockError, Event, getRunningLoop, sleep } from "../../mod.ts";
import { runTest, SanitizerError, SeededError } from "../../lib/testing/mod.ts";
import { subscribe, type Subscription } from "../../lib/io/mod.ts";

/** The leaks a body leaves, as `kind: description` lines (FIFO order, so the environment's seed cannot matter). */
async function leaksOf(body: () => Coro<unknown>): Promise<string[]> {
  const error = await assertRejects(() => runTest(body, { seed: null }), SanitizerError);
  assertEquals(error.seed, null);
  return error.leaks.map((leak) => `${leak.kind}: ${leak.description}`);
}

Deno.test("runTest runs the body on virtual time and returns its value", async () => {
  const value = await runTest(function* () {
    yield* sleep(60_000);
    return getRunningLoop().time();
  }, { seed: null });
  assertEquals(value, 60_000);
});

Deno.test("a leaked sleep(10) task fails runTest, naming the task and what it sleeps on", async () => {
  assertEquals(
    await leaksOf(function* () {
      createTask(sleep(10), { name: "sleeper" });
      yield* sleep(1);
    }),
    ['task: task "sleeper" is still pending: <Task pending name=sleeper waiting=<sleep until t=10>>'],
  );
});

Deno.test("a sleep(10) created without yield* fails runTest by name and creation site", async () => {
  const [leak, ...rest] = await leaksOf(function* () {
    sleep(10); // the bug: nothing drives it
    yield* sleep(1);
  });
  assertEquals(rest, []);
  assertMatch(
    leak,
    /^undriven: sleep\(10\) was created at (?:\S+ \()?\S+:\d+:\d+\)? but never driven: did you forget `yield\*`\?$/,
  );
});

Deno.test("a timer still armed, a host wait still referenced, and reports to the exception handler each fail it", async () => {
  const leaks = await leaksOf(function* () {
    const loop = getRunningLoop();
    loop.callLater(50, function tick() {});
    loop.callSoon(function explode() {
      throw new Error("from a callback");
    });
    loop.createFuture().setException(new RangeError("never looked at"));
    yield* sleep(1);
    loop.ref(); // last: while a host wake-up is owed, virtual time stands still
  });
  assertEquals(leaks, [
    "timer: <TimerHandle when=50 tick()> is still armed",
    "ref: 1 host wait is still referenced (loop.ref() without unref(): a fromPromise() or worker job still in flight)",
    "exception: Exception in callback <Handle explode()>: Error: from a callback (<Handle explode()>)",
    "exception: Future exception was never retrieved: RangeError: never looked at " +
    "(<Future finished exception=RangeError: never looked at>)",
  ]);
});

Deno.test("an I/O resource left open fails runTest by name; one closed in time does not", async () => {
  const target = new EventTarget();
  let left: Subscription<Event> | null = null;
  const leaks = await leaksOf(function* () {
    const closed = subscribe(target, "closed in time");
    closed.close();
    left = subscribe(target, "left open");
    yield* sleep(1);
  });
  left!.close();
  assertEquals(leaks, ['resource: <Subscription to "left open" events queued=0 dropped=0> is still open']);
});

Deno.test("a clean body passes, and leftovers are cancelled afterwards so their finally blocks run", async () => {
  let cleanedUp = false;
  await runTest(function* () {
    const child = createTask(sleep(5));
    yield* child;
  }, { seed: null });
  const error = await assertRejects(() =>
    runTest(function* () {
      createTask(
        (function* () {
          try {
            yield* sleep(1000);
          } finally {
            cleanedUp = true;
          }
        })(),
        { name: "left" },
      );
      yield* sleep(0);
    }, { seed: null }), SanitizerError);
  assertEquals(error.leaks.map((leak) => leak.kind), ["task"]);
  assertEquals(cleanedUp, true);
});

Deno.test("sanitize: false lets leaks pass", async () => {
  await runTest(function* () {
    createTask(sleep(10));
    yield* sleep(1);
  }, { seed: null, sanitize: false });
});

Deno.test("without a seed the body's error comes out unchanged", async () => {
  const error = await assertRejects(() =>
    runTest(function* () {
      yield* sleep(1);
      throw new RangeError("plain");
    }, { seed: null }), RangeError);
  assertEquals(error.message, "plain");
});

Deno.test("under a seed the error carries the seed, the original as its cause, and how to replay it", async () => {
  const error = await assertRejects(() =>
    runTest(function* () {
      yield* sleep(1);
      throw new RangeError("seeded");
    }, { seed: 7, shuffle: "tasks" }), SeededError);
  assertEquals([error.seed, error.shuffle], [7, "tasks"]);
  assertInstanceOf(error.cause, RangeError);
  assertStringIncludes(error.message, 'failed under seed 7 (shuffle "tasks"): RangeError: seeded');
  assertStringIncludes(error.message, "YIELDIO_SEED=7 YIELDIO_SHUFFLE=tasks");
  const leak = await assertRejects(() =>
    runTest(function* () {
      createTask(sleep(10), { name: "leak" });
      yield* sleep(0);
    }, { seed: 8, shuffle: "all" }), SanitizerError);
  assertEquals([leak.seed, leak.shuffle], [8, "all"]);
  assertStringIncludes(leak.message, 'under seed 8 (shuffle "all")');
  assertStringIncludes(leak.message, 'runTest(main, { seed: 8, shuffle: "all" })');
  assertEquals(error.reports, []);
});

Deno.test("the seed is the loop's schedule; seed: null means FIFO whatever the environment says", async () => {
  assertEquals(await runTest(() => schedule(), { seed: 42, shuffle: "timers" }), { seed: 42, shuffle: "timers" });
  assertEquals(await runTest(() => schedule(), { seed: 5 }).then((s) => s?.seed), 5);
  assertEquals(await runTest(() => schedule(), { seed: null }), null);
});

// deno-lint-ignore require-yield
function* schedule() {
  return getRunningLoop().getSchedule();
}

/** A worker dies on an assertion; main then waits forever for the event the worker would have set. */
function* workerDiesMainWaits(): Coro<void> {
  const done = new Event();
  createTask(
    (function* () {
      yield* sleep(1);
      throw new Error("ROOT CAUSE: invariant broken");
    })(),
    { name: "worker" },
  );
  yield* done.wait();
}

/** What `body` printed with console.error, one entry per call. */
async function consoleErrorsDuring(body: () => Promise<void>): Promise<string[]> {
  const printed: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => printed.push(args.map(String).join(" "));
  try {
    await body();
  } finally {
    console.error = original;
  }
  return printed;
}

Deno.test("a failing body still reports the exceptions other tasks raised", async () => {
  // Without a seed the body's error comes out unchanged, and what the sanitizer collected is printed
  // through the default exception handler first, as it would be without the sanitizer.
  const printed = await consoleErrorsDuring(async () => {
    const error = await assertRejects(() => runTest(workerDiesMainWaits, { seed: null }), DeadlockError);
    assertStringIncludes(error.message, "Event");
  });
  assertEquals(printed.map((text) => text.split("\n")[0]), ["Task exception was never retrieved"]);
  assertStringIncludes(printed[0], "exception: Error: ROOT CAUSE: invariant broken");
  // Under a seed chosen in code they travel in the SeededError instead, and nothing is printed.
  const quiet = await consoleErrorsDuring(async () => {
    const error = await assertRejects(() => runTest(workerDiesMainWaits, { seed: 3 }), SeededError);
    assertInstanceOf(error.cause, DeadlockError);
    assertEquals(error.reports.map((report) => report.kind), ["exception"]);
    assertMatch(
      error.reports[0].description,
      /^Task exception was never retrieved: Error: ROOT CAUSE: invariant broken \(<Task finished name=worker /,
    );
    assertStringIncludes(error.message, "reported to the exception handler during the run:\n  - Task exception");
  });
  assertEquals(quiet, []);
});

Deno.test("a main that makes no coroutine is a TypeError at the call, even under a seed", async () => {
  const notACoroutine = (() => 42) as unknown as () => Coro<void>;
  await assertRejects(() => runTest(notACoroutine, { seed: 4 }), TypeError, "42 (a number)");
  await assertRejects(() => runTest(notACoroutine, { seed: null }), TypeError, "42 (a number)");
});

Deno.test("bad options are typed errors naming the value", async () => {
  const main = function* () {};
  await assertRejects(() => runTest(main, { seed: "x" as unknown as number }), TypeError, '"x" (a string)');
  await assertRejects(() => runTest(main, { seed: 1.5 }), RangeError, "1.5");
  await assertRejects(() => runTest(main, { seed: 1, shuffle: "some" as "all" }), RangeError, '"some" (a string)');
  await assertRejects(() => runTest(main, { seed: 1, shuffle: 3 as unknown as "all" }), TypeError, "3 (a number)");
  await assertRejects(() => runTest(main, { clock: "real" as "virtual" }), RangeError, '"real" (a string)');
  await assertRejects(() => runTest(main, { sanitize: "yes" as unknown as boolean }), TypeError, '"yes"');
  await assertRejects(() => runTest(main, { seed: null, shuffle: "some" as "all" }), RangeError, '"some" (a string)');
  await assertRejects(() => runTest(main, { maxTime: "10" as unknown as number }), TypeError, '"10" (a string)');
  await assertRejects(() => runTest(main, { maxTime: -1 }), RangeError, "-1");
  await assertRejects(() => runTest(main, { maxTime: NaN }), RangeError, "NaN");
  await assertRejects(() => runTest(main, 5 as unknown as undefined), TypeError, "5 (a number)");
  await assertRejects(() => runTest(42 as unknown as typeof main), TypeError, "42 (a number)");
});
