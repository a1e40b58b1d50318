/**
 * `maxTime` and `maxSteps`: bounds on virtual time and on task steps for runTest and exploreSeeds. A livelock
 * keeps a timer armed, so it never deadlocks; past the bound the run fails
 * with a TimeLimitError that names the seed and the pending tasks, instead of
 * ticking virtual time forever.
 */

import { assertEquals, assertInstanceOf, assertRejects, assertStringIncludes } from "@std/assert";
import { CancelledError, type Coro, createTask, DeadlockError, Event, sleep } from "../../mod.ts";
import { exploreSeeds, runTest, TimeLimitError } from "../../lib/testing/mod.ts";

/** A heartbeat every 30 ms that nobody stops, awaited by main; `log` records its cleanup. */
function heartbeatForever(log: string[], refuseCancel = false): () => Coro<void> {
  return function* () {
    const beat = createTask(
      (function* () {
        try {
          for (;;) {
            try {
              yield* sleep(30);
            } catch (error) {
              if (!(refuseCancel && error instanceof CancelledError)) throw error;
              log.push("refused a cancel");
            }
          }
        } finally {
          log.push("cleaned up");
        }
      })(),
      { name: "heartbeat" },
    );
    yield* beat;
  };
}

Deno.test("maxTime fails a livelock at the first jump past it, with the task tree of that moment", async () => {
  const log: string[] = [];
  const error = await assertRejects(
    () => runTest(heartbeatForever(log), { seed: null, maxTime: 100 }),
    TimeLimitError,
  );
  // Jumps to 30, 60, 90 stay within the bound; the one from 90 to 120 would not.
  assertEquals([error.seed, error.shuffle, error.bound, error.maxTime, error.maxSteps, error.time], [
    null,
    null,
    "time",
    100,
    null,
    90,
  ]);
  assertStringIncludes(
    error.message,
    "the test was still running at t=90, and its next deadline t=120 is past maxTime 100",
  );
  assertStringIncludes(error.tree, "heartbeat");
  assertStringIncludes(error.tree, "sleep until t=120");
  assertEquals(log, ["cleaned up"]); // run()'s shutdown still cancelled it, and its finally ran
});

Deno.test("a run that ends within maxTime passes, and the bound leaves a seed's schedule unchanged", async () => {
  const traced = (order: string[]) =>
    function* () {
      const step = (name: string) =>
        (function* () {
          for (let i = 0; i < 3; i++) {
            order.push(name);
            yield* sleep(i === 1 ? 10 : 0);
          }
        })();
      const tasks = ["a", "b", "c"].map((name) => createTask(step(name)));
      for (const task of tasks) yield* task;
    };
  const free: string[] = [], bounded: string[] = [];
  await runTest(traced(free), { seed: 42 });
  await runTest(traced(bounded), { seed: 42, maxTime: 10 }); // ends at t=10: exactly the bound is allowed
  assertEquals(bounded.join(""), free.join(""));
});

Deno.test("a task that refuses cancellation cannot hang the shutdown either", async () => {
  const log: string[] = [];
  const error = await assertRejects(
    () => runTest(heartbeatForever(log, true), { seed: 6, shuffle: "tasks", maxTime: 50 }),
    TimeLimitError,
  );
  assertEquals([error.seed, error.shuffle, error.time], [6, "tasks", 30]);
  assertStringIncludes(error.message, 'replay it with runTest(main, { seed: 6, shuffle: "tasks" })');
  assertEquals(log, ["refused a cancel"]); // the loop stopped at its next jump and was closed
  assertEquals(error.reports, []); // the tasks the stop left pending are in the tree, not reported again
});

Deno.test("a deadlock is still a DeadlockError under maxTime: nothing armed means nothing to bound", async () => {
  await assertRejects(
    () =>
      runTest(function* () {
        yield* new Event().wait();
      }, { seed: null, maxTime: 1000 }),
    DeadlockError,
  );
});

Deno.test("exploreSeeds records a TimeLimitError for each livelocking seed, with its seed, and goes on", async () => {
  const { failures, runs } = await exploreSeeds(() => heartbeatForever([])(), { seeds: [1, 2], maxTime: 40 });
  assertEquals(runs, 2);
  assertEquals(failures.map(({ seed, error }) => [seed, error.name, error.seed, (error as TimeLimitError).time]), [
    [1, "TimeLimitError", 1, 30],
    [2, "TimeLimitError", 2, 30],
  ]);
  assertInstanceOf(failures[0].error, TimeLimitError);
  assertStringIncludes(failures[0].error.message, 'runTest(() => main(1), { seed: 1, shuffle: "all" })');
});

Deno.test("bad maxTime values are typed errors naming the value", async () => {
  const main = function* () {};
  await assertRejects(() => exploreSeeds(main, { seeds: 1, maxTime: "1" as never }), TypeError, '"1" (a string)');
  await assertRejects(() => exploreSeeds(main, { seeds: 1, maxTime: -5 }), RangeError, "-5");
});

/** A waiter spinning on sleep(0) for a flag nobody sets: virtual time never moves, so maxTime cannot see it. */
function spinForever(log: string[]): () => Coro<void> {
  return function* () {
    const flag = { set: false };
    const spinner = createTask(
      (function* () {
        try {
          while (!flag.set) yield* sleep(0);
        } finally {
          log.push("spinner cleaned up");
        }
      })(),
      { name: "spinner" },
    );
    yield* spinner;
  };
}

Deno.test("maxSteps fails a spin that never lets virtual time pass, with the task tree; its finally still runs", async () => {
  const log: string[] = [];
  const error = await assertRejects(
    () => runTest(spinForever(log), { seed: null, maxSteps: 1000, maxTime: 10 }),
    TimeLimitError,
  );
  assertEquals([error.bound, error.maxSteps, error.maxTime, error.time, error.seed], ["steps", 1000, 10, 0, null]);
  assertStringIncludes(error.message, "the test was still running at t=0 after maxSteps 1000 task steps");
  assertStringIncludes(error.tree, "spinner");
  assertEquals(log, ["spinner cleaned up"]); // the shutdown had a step budget of its own
});

Deno.test("a run within maxSteps passes; exploreSeeds records a step-bound failure per seed", async () => {
  assertEquals(
    await runTest(function* () {
      for (let i = 0; i < 50; i++) yield* sleep(0);
      return "done";
    }, { seed: null, maxSteps: 60 }),
    "done",
  );
  const { failures } = await exploreSeeds(() => spinForever([])(), { seeds: [3], maxSteps: 200 });
  assertEquals(failures.map(({ seed, error }) => [seed, (error as TimeLimitError).bound]), [[3, "steps"]]);
});

Deno.test("bad maxSteps values are typed errors naming the value", async () => {
  const main = function* () {};
  await assertRejects(() => runTest(main, { maxSteps: "9" as never }), TypeError, '"9" (a string)');
  await assertRejects(() => runTest(main, { maxSteps: 0 }), RangeError, "0");
  await assertRejects(() => exploreSeeds(main, { seeds: 1, maxSteps: 2.5 }), RangeError, "2.5");
});
