/**
 * `exploreSeeds`: one program under many seeded schedules, to find the
 * orders in which it fails. Each run is a `runTest` run, so each failure
 * replays exactly from its seed — for programs that do not wait on the host
 * (`fromPromise`, `toThread`, `Channel`): a host wake-up arrives between
 * host slices, which end on real time, so where it lands can differ by run.
 * Every failure carries its seed, whatever prints it.
 *
 * @module
 */

import { describeValue, uninspectable } from "../_describe.ts";
import type { ShuffleMode } from "../loop/schedule.ts";
import type { Coro } from "../task/yield_protocol.ts";
import { checkFlag, checkMaxSteps, checkMaxTime, checkOptions, checkSeed, checkShuffle } from "./_options.ts";
import { runOneTest } from "./_test_run.ts";
import { type SanitizerError, SeededError, type TimeLimitError } from "./errors.ts";

/** Options for {@linkcode exploreSeeds}. */
export interface ExploreOptions {
  /** The seeds to try: `n` means `1..n`; or any list of integers (see `seedsToExplore`). */
  seeds: number | Iterable<number>;
  /** What each schedule permutes (default `"all"`). */
  shuffle?: ShuffleMode;
  /** Count leaks as failures, as `runTest` does (default true). */
  sanitize?: boolean;
  /**
   * Fail a seed with a `TimeLimitError` when its virtual clock would jump
   * past this many ms, as `runTest` does, so a livelocking seed ends the run
   * named instead of hanging the sweep. Default: no bound.
   */
  maxTime?: number;
  /** Fail a seed with a `TimeLimitError` after this many task steps, as `runTest` does. Default: no bound. */
  maxSteps?: number;
}

/** A seed under which the program failed. */
export interface SeedFailure {
  /** The seed: `runTest(() => main(seed), { seed, shuffle })` replays the failure. */
  seed: number;
  /**
   * Why, with the seed and its replay call in the message: a `SeededError`
   * whose `cause` is what the program threw (and whose `reports` list what
   * other tasks reported meanwhile), a `SanitizerError` listing what it left
   * behind, or a `TimeLimitError` when it ran past `maxTime` or `maxSteps`.
   */
  error: SeededError | SanitizerError | TimeLimitError;
}

/** What {@linkcode exploreSeeds} found. */
export interface ExploreResult {
  /** The failing seeds, in the order they were tried; empty when every run passed. */
  failures: SeedFailure[];
  /** How many seeds were tried. */
  runs: number;
  /** What the schedules permuted. */
  shuffle: ShuffleMode;
}

/**
 * Runs `main` once per seed, each time on a fresh virtual loop whose seeded
 * schedule permutes what FIFO order would fix, and collects the failures. The
 * same seed gives the same order on every run and in every runtime (for a
 * program that does not wait on the host), so a failure found here replays
 * with `runTest(() => main(seed), { seed, shuffle })` — the hint each
 * failure's message ends with.
 *
 * @param main Makes the program for one seed (called with the seed, which it may use for its own randomness).
 * @param options The seeds, the shuffle mode, the sanitizer, the time bound.
 * @returns A promise of the failures with their seeds.
 * @throws {TypeError} When `main` is not a function or returns no coroutine (thrown at once, not
 *   counted once per seed), or an option has the wrong type.
 * @throws {RangeError} For a seed that is not a safe integer, a negative count or `maxTime`, or an
 *   unknown shuffle mode.
 *
 * @example A check-then-act race that FIFO order hides
 * ```ts
 * import { assert, assertEquals } from "@std/assert";
 * import { createTask, sleep } from "yieldio";
 * import { exploreSeeds, runTest } from "yieldio/testing";
 * function* program() {
 *   let balance = 100;
 *   function* withdraw(amount: number) {
 *     if (balance < amount) return;
 *     yield* sleep(0); // an await between the check and the act
 *     balance -= amount;
 *   }
 *   const a = createTask(withdraw(80));
 *   yield* sleep(0); // the second customer comes one iteration later
 *   const b = createTask(withdraw(80));
 *   yield* a;
 *   yield* b;
 *   if (balance < 0) throw new RangeError(`balance went negative: ${balance}`);
 * }
 * await runTest(program, { seed: null }); // FIFO order: the first withdrawal always acts first
 * const { failures } = await exploreSeeds(program, { seeds: 50, shuffle: "tasks" });
 * assert(failures.length > 0);
 * const [{ seed, error }] = failures;
 * assertEquals([error.seed, String(error.cause)], [seed, "RangeError: balance went negative: -60"]);
 * const replay = await runTest(program, { seed, shuffle: "tasks" }).catch((e) => e.cause);
 * assertEquals(String(replay), String(error.cause));
 * ```
 */
export async function exploreSeeds(
  main: (seed: number) => Coro<unknown>,
  options: ExploreOptions,
): Promise<ExploreResult> {
  const caller = "exploreSeeds()";
  if (typeof main !== "function") {
    throw new TypeError(
      `${caller} expects a function that makes the program for one seed, got ${describeValue(main)}`,
    );
  }
  if (options === undefined) throw new TypeError(`${caller} expects options with the seeds to try, got undefined`);
  checkOptions(options, caller);
  const seeds = seedList(options.seeds, caller);
  const shuffle = options.shuffle === undefined ? "all" : checkShuffle(options.shuffle, caller);
  const sanitize = options.sanitize === undefined ? true : checkFlag(options.sanitize, "sanitize", caller);
  const maxTime = checkMaxTime(options.maxTime, caller);
  const maxSteps = checkMaxSteps(options.maxSteps, caller);
  const failures: SeedFailure[] = [];
  for (const seed of seeds) {
    const schedule = { seed, shuffle };
    const outcome = await runOneTest(
      () => main(seed),
      { schedule, sanitize, maxTime, maxSteps, runBy: "exploreSeeds" },
      caller,
    );
    if (outcome.ok) continue;
    const error = outcome.kit
      ? outcome.error
      : new SeededError(outcome.error, { ...schedule, runBy: "exploreSeeds", reports: outcome.reports });
    failures.push({ seed, error });
  }
  return { failures, runs: seeds.length, shuffle };
}

/** The seeds, checked before any run: `n` is `1..n`. */
function seedList(seeds: unknown, caller: string): number[] {
  if (typeof seeds === "number") {
    if (!Number.isSafeInteger(seeds) || seeds < 0) {
      throw new RangeError(`${caller}: seeds expects a count (a non-negative integer) or a list, got ${seeds}`);
    }
    return Array.from({ length: seeds }, (_, i) => i + 1);
  }
  let iterable: boolean;
  try {
    iterable = typeof seeds !== "string" &&
      typeof (seeds as Iterable<unknown> | null)?.[Symbol.iterator] === "function";
  } catch (error) {
    throw uninspectable(`${caller}: seeds`, "a count or an iterable of integers", seeds, error);
  }
  if (!iterable) {
    throw new TypeError(`${caller}: seeds expects a count or an iterable of integers, got ${describeValue(seeds)}`);
  }
  return [...seeds as Iterable<unknown>].map((seed) => checkSeed(seed, caller));
}
