/**
 * `runTest`: a test body on a fresh virtual loop, optionally under a seeded
 * schedule, failing on whatever the body leaves behind.
 *
 * Errors: without a seed, or with one taken from the environment, the body's
 * own error comes out unchanged — a file rerun under `YIELDIO_SEED` keeps its
 * `assertRejects(…, RangeError)` tests working; the seed is then printed once
 * instead (whoever set the variable knows it, but a CI log should show it).
 * A seed chosen in code wraps the error in a `SeededError` that carries it.
 * Nothing another task reported is lost when the body fails: it travels in
 * the `SeededError`, or is printed through the default exception handler as
 * it would be without the sanitizer.
 *
 * @module
 */

import { defaultExceptionHandler } from "../loop/exception_context.ts";
import type { ShuffleMode } from "../loop/schedule.ts";
import type { Main } from "../task/runner.ts";
import { describeValue } from "../_describe.ts";
import {
  checkFlag,
  checkMaxSteps,
  checkMaxTime,
  checkOptions,
  checkSeed,
  checkShuffle,
  describeSchedule,
} from "./_options.ts";
import { checkMain, runOneTest, type TestSettings } from "./_test_run.ts";
import { SeededError } from "./errors.ts";
import { _hostSetting } from "./seed_settings.ts";

/** Options for {@linkcode runTest}. */
export interface RunTestOptions {
  /**
   * Run under a seeded schedule with this seed. Default: `YIELDIO_SEED` (or
   * `?yieldio_seed=` in a page) when set, else FIFO order. `null`: FIFO order
   * whatever the environment says.
   */
  seed?: number | null;
  /**
   * What the schedule permutes. Default: `YIELDIO_SHUFFLE` when set, else
   * `"all"`. Without a seed (from the option or the environment) there is no
   * schedule to permute: the run is FIFO.
   */
  shuffle?: ShuffleMode;
  /** Always virtual: tests never wait on real time. */
  clock?: "virtual";
  /** Fail the test on anything left behind (default true). */
  sanitize?: boolean;
  /**
   * Fail with a `TimeLimitError` when the virtual clock would jump past this
   * many ms — a livelock or a periodic task nobody stops, which keep a timer
   * armed and so never deadlock. Default: no bound.
   */
  maxTime?: number;
  /**
   * Fail with a `TimeLimitError` after this many task steps — a livelock
   * that never lets virtual time pass (a task spinning on `sleep(0)` until a
   * flag nobody sets), which `maxTime` cannot see. Default: no bound.
   */
  maxSteps?: number;
}

/**
 * Runs a test body on a fresh virtual loop and closes it. With a seed, the
 * loop's schedule permutes what FIFO order would fix (see `ShuffleMode`), the
 * same way on every run and in every runtime. With the sanitizer on (the
 * default), a body that returns but leaves something behind fails, each
 * thing named: tasks still pending, timers still armed, yieldio's coroutines
 * created and never driven (`sleep(10)` without `yield*`), host waits still
 * referenced, and exceptions that reached the loop's exception handler
 * (never retrieved, or thrown by a callback) — which are collected, not
 * printed, unless the body fails anyway. After the check, leftover tasks are
 * cancelled and awaited as `run()` does.
 *
 * @param main The test body: a generator function (or a coroutine).
 * @param options Seed, shuffle mode, sanitizer, time bound.
 * @returns A promise of the body's return value.
 * @throws {SeededError} When the body fails under a seed given in `options`: its error is the `cause`,
 *   the message names the seed, how to replay it, and what other tasks reported meanwhile.
 * @throws What the body threw, unchanged, without a seed or with one from the environment (printed
 *   once); what other tasks reported meanwhile is printed through the default exception handler.
 * @throws {SanitizerError} When the body returned but left something behind (with the seed, if any).
 * @throws {TimeLimitError} When virtual time would pass `maxTime`, or the tasks ran more than `maxSteps`
 *   steps (with the seed, if any, and the task tree).
 * @throws {TypeError} For a `main` that is not a generator function or coroutine, or an option of the wrong type.
 * @throws {RangeError} For a seed that is not a safe integer, an unknown shuffle mode or clock, a negative
 *   `maxTime`, or a malformed `YIELDIO_SEED`/`YIELDIO_SHUFFLE` that the options leave to the environment.
 *
 * @example A test on virtual time, checked for leaks
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createTask, getRunningLoop, sleep } from "yieldio";
 * import { runTest } from "yieldio/testing";
 * await runTest(function* () {
 *   const child = createTask(sleep(1000, "late"));
 *   assertEquals(yield* child, "late");
 *   assertEquals(getRunningLoop().time(), 1000);
 * });
 * ```
 *
 * @example A leaked timer fails the test, by name
 * ```ts
 * import { assertRejects, assertStringIncludes } from "@std/assert";
 * import { createTask, sleep } from "yieldio";
 * import { runTest, SanitizerError } from "yieldio/testing";
 * const error = await assertRejects(
 *   () =>
 *     runTest(function* () {
 *       createTask(sleep(10), { name: "forgotten" }); // nobody waits for it
 *     }),
 *   SanitizerError,
 * );
 * assertStringIncludes(error.message, 'task "forgotten" is still pending');
 * ```
 */
export async function runTest<T>(main: Main<T>, options?: RunTestOptions): Promise<T> {
  checkMain(main, "runTest()");
  const { settings, seedFromHost } = testSettings(options);
  const outcome = await runOneTest(main, settings, "runTest()");
  if (outcome.ok) return outcome.value;
  if (outcome.kit) throw outcome.error;
  const schedule = settings.schedule;
  if (schedule !== null && !seedFromHost) {
    throw new SeededError(outcome.error, { ...schedule, reports: outcome.reports });
  }
  for (const context of outcome.contexts) defaultExceptionHandler(context);
  if (schedule !== null) noticeHostSeed(schedule.seed, schedule.shuffle);
  throw outcome.error;
}

function testSettings(options: RunTestOptions | undefined): { settings: TestSettings; seedFromHost: boolean } {
  const caller = "runTest()";
  checkOptions(options, caller);
  const { seed, shuffle, clock, sanitize, maxTime, maxSteps } = options ?? {};
  if (clock !== undefined && clock !== "virtual") {
    throw new (typeof clock === "string" ? RangeError : TypeError)(
      `${caller}: clock must be "virtual" (tests never wait on real time), got ${describeValue(clock)}`,
    );
  }
  // Each setting is read from the host only when the options leave it open.
  const chosenSeed = seed === null ? null : seed === undefined ? _hostSetting("seed") : checkSeed(seed, caller);
  const mode = shuffle !== undefined
    ? checkShuffle(shuffle, caller)
    : chosenSeed === null
    ? null
    : _hostSetting("shuffle") ?? "all";
  const settings: TestSettings = {
    schedule: chosenSeed === null ? null : { seed: chosenSeed, shuffle: mode! },
    sanitize: sanitize === undefined ? true : checkFlag(sanitize, "sanitize", caller),
    maxTime: checkMaxTime(maxTime, caller),
    maxSteps: checkMaxSteps(maxSteps, caller),
    runBy: "runTest",
  };
  return { settings, seedFromHost: seed === undefined && chosenSeed !== null };
}

/** Whether this thread printed the notice already: once is enough to say which seed a log's failures ran under. */
let noticed = false;

/** Prints, once per thread, that failures here ran under a seed from the environment. */
function noticeHostSeed(seed: number, shuffle: ShuffleMode): void {
  if (noticed) return;
  noticed = true;
  console.error(
    `yieldio/testing: a test failed under ${describeSchedule(seed, shuffle)}, set by YIELDIO_SEED ` +
      "(or ?yieldio_seed=); errors of tests run under it are rethrown unchanged",
  );
}
