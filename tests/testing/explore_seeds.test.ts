/**
 * exploreSeeds: one program under many seeded schedules. The same seed gives
 * the same trace on every run and in every runtime (this file runs in Deno,
 * Node and Chromium, against the same pinned strings); each failure replays
 * exactly from its seed.
 */

import {
  assert,
  assertEquals,
  assertGreaterOrEqual,
  assertInstanceOf,
  assertRejects,
  assertStringIncludes,
} from "@std/assert";
import { type Coro, createTask, DeadlockError, Event, getRunningLoop, sleep, type Task } from "../../mod.ts";
import { exploreSeeds, runTest, SanitizerError, SeededError } from "../../lib/testing/mod.ts";

/**
 * Three independent tasks, each taking four steps — two bare yields, then a
 * sleep to a deadline they share — traced as `(task, iteration)` pairs by an
 * instrument: each step of a task is one iteration after its last (bare
 * yields; the sleep's wake-up runs in the iteration its shared deadline is
 * reached), so `name@iteration` pins what ran when.
 */
function tracedProgram(trace: string[]): () => Coro<void> {
  return function* () {
    const loop = getRunningLoop();
    const steps = new Map<string, number>();
    const tracer = {
      beforeTaskStep(task: Task<unknown>) {
        const name = task.getName();
        if (name.length !== 1) return; // main
        steps.set(name, (steps.get(name) ?? 0) + 1);
        trace.push(`${name}@${steps.get(name)! - 1}`);
      },
    };
    loop.addInstrument(tracer);
    const worker = function* () {
      yield;
      yield;
      yield* sleep(10);
    };
    const tasks = ["a", "b", "c"].map((name) => createTask(worker(), { name }));
    for (const task of tasks) yield* task;
    loop.removeInstrument(tracer);
  };
}

async function traceOf(seed: number | null, shuffle: "timers" | "tasks" | "all" = "all"): Promise<string> {
  const trace: string[] = [];
  await runTest(tracedProgram(trace), { seed, shuffle });
  return trace.join(" ");
}

Deno.test("one seed gives an identical (task, iteration) trace twice, pinned so every runtime gives the same", async () => {
  assertEquals(await traceOf(42), await traceOf(42));
  assertEquals(await traceOf(42), "b@0 c@0 a@0 a@1 c@1 b@1 b@2 c@2 a@2 a@3 b@3 c@3");
  assertEquals(await traceOf(7, "tasks"), await traceOf(7, "tasks"));
  assertEquals(await traceOf(null), "a@0 b@0 c@0 a@1 b@1 c@1 a@2 b@2 c@2 a@3 b@3 c@3");
});

Deno.test("three independent tasks show at least two orders over 20 seeds", async () => {
  const orders = new Set<string>();
  for (let seed = 1; seed <= 20; seed++) orders.add(await traceOf(seed));
  assertGreaterOrEqual(orders.size, 2);
});

Deno.test("exploreSeeds runs the program once per seed and passes the seed to it", async () => {
  const seen: [number, number | undefined][] = [];
  const result = await exploreSeeds(function* (seed) {
    yield* sleep(1);
    seen.push([seed, getRunningLoop().getSchedule()?.seed]);
  }, { seeds: [3, 1, 4], shuffle: "tasks" });
  assertEquals(result, { failures: [], runs: 3, shuffle: "tasks" });
  assertEquals(seen, [[3, 3], [1, 1], [4, 4]]);
  assertEquals((await exploreSeeds(function* () {}, { seeds: 5 })).runs, 5);
});

/** Fails when two tasks interleave in an order FIFO never produces: b's step before a's in the same iteration. */
function* orderSensitive(): Coro<void> {
  const order: string[] = [];
  const step = (name: string) =>
    (function* () {
      yield;
      order.push(name);
    })();
  const a = createTask(step("a")), b = createTask(step("b"));
  yield* a;
  yield* b;
  if (order.join("") !== "ab") throw new Error(`ran ${order.join("")}`);
}

Deno.test("failures come back with their seeds, and each replays exactly from its seed", async () => {
  await runTest(orderSensitive, { seed: null });
  const { failures, runs } = await exploreSeeds(orderSensitive, { seeds: 30, shuffle: "tasks" });
  assertEquals(runs, 30);
  assert(failures.length > 0 && failures.length < 30, `${failures.length} failures`);
  for (const { seed, error } of failures) {
    // Every failure carries its seed and the replay call of a seed-taking main, whatever prints it.
    assertInstanceOf(error, SeededError);
    assertEquals([error.seed, error.shuffle, String(error.cause)], [seed, "tasks", "Error: ran ba"]);
    assertStringIncludes(error.message, `failed under seed ${seed} (shuffle "tasks"): Error: ran ba`);
    assertStringIncludes(
      error.message,
      `replay it with runTest(() => main(${seed}), { seed: ${seed}, shuffle: "tasks" })`,
    );
    const replay = await assertRejects(() => runTest(orderSensitive, { seed, shuffle: "tasks" }), SeededError);
    assertEquals([replay.seed, String(replay.cause)], [seed, "Error: ran ba"]);
  }
  const failing = new Set(failures.map((failure) => failure.seed));
  const again = await exploreSeeds(orderSensitive, { seeds: 30, shuffle: "tasks" });
  assertEquals(again.failures.map((failure) => failure.seed), [...failing]);
});

Deno.test("exploreSeeds counts leaks as failures unless sanitize is false", async () => {
  const leaky = function* () {
    createTask(sleep(10), { name: "leak" });
    yield* sleep(0);
  };
  const { failures } = await exploreSeeds(leaky, { seeds: [9] });
  assertEquals(failures.length, 1);
  assertInstanceOf(failures[0].error, SanitizerError);
  assertEquals((failures[0].error as SanitizerError).seed, 9);
  assertStringIncludes(failures[0].error.message, 'replay it with runTest(() => main(9), { seed: 9, shuffle: "all" })');
  assertEquals((await exploreSeeds(leaky, { seeds: [9], sanitize: false })).failures, []);
});

Deno.test("a seed whose body fails keeps what other tasks reported in its SeededError", async () => {
  const { failures } = await exploreSeeds(function* () {
    createTask(
      (function* () {
        yield* sleep(1);
        throw new Error("ROOT CAUSE");
      })(),
      { name: "worker" },
    );
    yield* new Event().wait(); // the worker would have set it
  }, { seeds: [5] });
  const [{ error }] = failures;
  assertInstanceOf(error, SeededError);
  assertInstanceOf(error.cause, DeadlockError);
  assertEquals(error.reports.length, 1);
  assertStringIncludes(error.reports[0].description, "Task exception was never retrieved: Error: ROOT CAUSE");
  assertStringIncludes(error.message, "Error: ROOT CAUSE");
});

Deno.test("a main that makes no coroutine is one TypeError at the call, not a failure per seed", async () => {
  let calls = 0;
  const notACoroutine = (() => {
    calls++;
    return Promise.resolve();
  }) as unknown as () => Coro<void>;
  await assertRejects(() => exploreSeeds(notACoroutine, { seeds: 3 }), TypeError, "a Promise");
  assertEquals(calls, 1);
});

Deno.test("bad exploreSeeds arguments are typed errors naming the value", async () => {
  const main = function* () {};
  await assertRejects(() => exploreSeeds(main() as never, { seeds: 1 }), TypeError, "a generator object");
  await assertRejects(() => exploreSeeds(main, undefined as never), TypeError, "undefined");
  await assertRejects(() => exploreSeeds(main, { seeds: "x" as never }), TypeError, '"x" (a string)');
  await assertRejects(() => exploreSeeds(main, { seeds: [1, "x" as never] }), TypeError, '"x" (a string)');
  await assertRejects(() => exploreSeeds(main, { seeds: -1 }), RangeError, "-1");
  await assertRejects(() => exploreSeeds(main, { seeds: [1.5] }), RangeError, "1.5");
  await assertRejects(() => exploreSeeds(main, { seeds: 3, shuffle: "some" as "all" }), RangeError, '"some"');
  await assertRejects(() => exploreSeeds(main, { seeds: 3, sanitize: 1 as never }), TypeError, "1 (a number)");
});
