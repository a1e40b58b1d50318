/**
 * `runTest`: a test body on a fresh virtual loop, optionally under a seeded
 * schedule, failing on whatever the body leaves behind.
 *
 * @module
 */

import type { ShuffleMode } from "../loop/schedule.ts";
import type { Main } from "../task/run.ts";
import { describeValue } from "../_describe.ts";
import { checkFlag, checkOptions, checkSeed, checkShuffle } from "./_options.ts";
import { checkMain, runOneTest, type TestSettings } from "./_test_run.ts";
import { SanitizerError, SeededError } from "./errors.ts";
import { seedSettings } from "./seed_source.ts";

/** Options for {@linkcode runTest}. */
export interface RunTestOptions {
  /**
   * Run under a seeded schedule with this seed. Default: `YIELDIO_SEED` (or
   * `?yieldio_seed=` in a page) when set, else FIFO order. `null`: FIFO order
   * whatever the environment says.
   */
  seed?: number | null;
  /** What the schedule permutes. Default: `YIELDIO_SHUFFLE` when set, else `"all"`. */
  shuffle?: ShuffleMode;
  /** Always virtual: tests never wait on real time. */
  clock?: "virtual";
  /** Fail the test on anything left behind (default true). */
  sanitize?: boolean;
}

/**
 * Runs a test body on a fresh virtual loop and closes it. With a seed, the
 * loop's schedule permutes what FIFO order would fix (see `ShuffleMode`), the
 * same way on every run and in every runtime. With the sanitizer on (the
 * default), a body that returns but leaves something behind fails, each
 * thing named: tasks still pending, timers still armed, coroutines created
 * and never driven (`sleep(10)` without `yield*`), host waits still
 * referenced, and exceptions that reached the loop's exception handler
 * (never retrieved, or thrown by a callback) — which are collected, not
 * printed. After the check, leftover tasks are cancelled and awaited as
 * `run()` does.
 *
 * @param main The test body: a generator function (or a coroutine).
 * @param options Seed, shuffle mode, sanitizer.
 * @returns A promise of the body's return value.
 * @throws {SeededError} When the body fails under a seeded schedule: its error is the `cause`,
 *   the message names the seed and how to replay it. Without a seed the body's error comes out unchanged.
 * @throws {SanitizerError} When the body returned but left something behind (with the seed, if any).
 * @throws {TypeError} For a `main` that is not a generator function or coroutine, or an option of the wrong type.
 * @throws {RangeError} For a seed that is not a safe integer, an unknown shuffle mode or clock,
 *   or a malformed `YIELDIO_SEED`.
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
  const settings = testSettings(options);
  try {
    return await runOneTest(main, settings, "runTest()");
  } catch (error) {
    const schedule = settings.schedule;
    if (schedule === null || error instanceof SanitizerError) throw error;
    throw new SeededError(schedule.seed, schedule.shuffle, error);
  }
}

function testSettings(options: RunTestOptions | undefined): TestSettings {
  const caller = "runTest()";
  checkOptions(options, caller);
  const { seed, shuffle, clock, sanitize } = options ?? {};
  if (clock !== undefined && clock !== "virtual") {
    throw new (typeof clock === "string" ? RangeError : TypeError)(
      `${caller}: clock must be "virtual" (tests never wait on real time), got ${describeValue(clock)}`,
    );
  }
  const fromHost = seed === undefined || shuffle === undefined ? seedSettings() : null;
  const chosenSeed = seed === null ? null : seed === undefined ? fromHost!.seed : checkSeed(seed, caller);
  const mode = shuffle === undefined ? fromHost!.shuffle ?? "all" : checkShuffle(shuffle, caller);
  return {
    schedule: chosenSeed === null ? null : { seed: chosenSeed, shuffle: mode },
    sanitize: sanitize === undefined ? true : checkFlag(sanitize, "sanitize", caller),
  };
}
