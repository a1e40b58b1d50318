/**
 * The errors the testing kit fails a test with. Each sets `name` and takes
 * `cause`; a failure under a seeded schedule carries its seed and shuffle
 * mode, and says in its message how to replay it.
 *
 * @module
 */

import type { ShuffleMode } from "../loop/schedule.ts";
import { describeSchedule, replayHint } from "./_options.ts";

/** What {@linkcode SanitizerError} found left behind. */
export interface Leak {
  /**
   * `"task"` still pending; `"timer"` still armed; `"undriven"`: a coroutine
   * created and never driven (a missing `yield*`); `"ref"`: host wake-ups still
   * owed (`loop.ref()`); `"exception"`: a report to the exception handler —
   * an exception never retrieved, or an error thrown by a callback.
   */
  kind: "task" | "timer" | "undriven" | "ref" | "exception";
  /** One line naming it, e.g. `task "sleeper" is still pending: <Task pending name=sleeper …>`. */
  description: string;
}

/**
 * Thrown by `runTest` (and recorded by `exploreSeeds`) when a test body
 * returned but left something behind; the message lists every leak, one per
 * line.
 *
 * @example A sanitizer failure lists each leak
 * ```ts
 * import { assertEquals, assertStringIncludes } from "@std/assert";
 * import { SanitizerError } from "yieldio/testing";
 * const error = new SanitizerError([{ kind: "timer", description: "<TimerHandle when=10 tick()> is still armed" }]);
 * assertEquals([error.name, error.seed, error.leaks.length], ["SanitizerError", null, 1]);
 * assertStringIncludes(error.message, "<TimerHandle when=10 tick()> is still armed");
 * ```
 */
export class SanitizerError extends Error {
  /** Everything found, in the order tasks, timers, host waits, undriven coroutines, exceptions. */
  readonly leaks: readonly Leak[];
  /** The seed of the schedule the run used, or null for FIFO order. */
  readonly seed: number | null;
  /** What that schedule permuted, or null for FIFO order. */
  readonly shuffle: ShuffleMode | null;

  /**
   * @param leaks What was left behind (at least one).
   * @param schedule The seeded schedule of the run, if any.
   * @param options `cause`, as for `Error`.
   */
  constructor(
    leaks: readonly Leak[],
    schedule?: { seed: number; shuffle: ShuffleMode } | null,
    options?: ErrorOptions,
  ) {
    const where = schedule == null ? "" : ` under ${describeSchedule(schedule.seed, schedule.shuffle)}`;
    const lines = leaks.map((leak) => `  - ${leak.description}`);
    if (schedule != null) lines.push(`  ${replayHint(schedule.seed, schedule.shuffle)}`);
    super(`the test left ${count(leaks.length)} behind${where}:\n${lines.join("\n")}`, options);
    this.name = "SanitizerError";
    this.leaks = Object.freeze([...leaks]);
    this.seed = schedule?.seed ?? null;
    this.shuffle = schedule?.shuffle ?? null;
  }
}

/**
 * What `runTest` throws when a program run under a seeded schedule fails:
 * the program's own error is the `cause`; the message names the seed and how
 * to replay it.
 *
 * @example The seed and the original error travel together
 * ```ts
 * import { assertEquals, assertStringIncludes } from "@std/assert";
 * import { SeededError } from "yieldio/testing";
 * const error = new SeededError(42, "all", new RangeError("balance went negative"));
 * assertEquals([error.seed, error.shuffle, (error.cause as Error).message], [42, "all", "balance went negative"]);
 * assertStringIncludes(error.message, 'seed 42 (shuffle "all")');
 * ```
 */
export class SeededError extends Error {
  /** The seed that replays the failure. */
  readonly seed: number;
  /** What the schedule permuted. */
  readonly shuffle: ShuffleMode;

  /**
   * @param seed The schedule's seed.
   * @param shuffle What it permuted.
   * @param cause What the program threw.
   */
  constructor(seed: number, shuffle: ShuffleMode, cause: unknown) {
    const what = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`failed under ${describeSchedule(seed, shuffle)}: ${what}\n  ${replayHint(seed, shuffle)}`, { cause });
    this.name = "SeededError";
    this.seed = seed;
    this.shuffle = shuffle;
  }
}

/**
 * Thrown by `assertCheckpoints` when its body never yielded to the loop, and
 * by `assertNoCheckpoints` when it did.
 *
 * @example
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { CheckpointError } from "yieldio/testing";
 * assertEquals(new CheckpointError("the body never yielded").name, "CheckpointError");
 * ```
 */
export class CheckpointError extends Error {
  /**
   * @param message What the body did, against what was expected.
   * @param options `cause`, as for `Error` (what the body threw, if anything).
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CheckpointError";
  }
}

function count(n: number): string {
  return n === 1 ? "1 thing" : `${n} things`;
}
