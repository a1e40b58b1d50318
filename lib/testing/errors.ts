/**
 * The errors the testing kit fails a test with. Each sets `name` and takes
 * `cause`; a failure under a seeded schedule carries its seed and shuffle
 * mode, and says in its message how to replay it. Constructors take what the
 * error is about, then one options object (the seeded schedule, the entry
 * that ran it, `cause`).
 *
 * @module
 */

import { describeThrown } from "../_describe.ts";
import type { ShuffleMode } from "../loop/schedule.ts";
import { describeSchedule, replayHint } from "./_options.ts";

/** What {@linkcode SanitizerError} found left behind. */
export interface Leak {
  /**
   * `"task"` still pending; `"timer"` still armed; `"undriven"`: a coroutine
   * created and never driven (a missing `yield*`); `"ref"`: host wake-ups still
   * owed (`loop.ref()`); `"resource"`: an I/O resource of `yieldio/io` still
   * open (a socket, a server, a child process, an event listener, a wrapped
   * stream); `"exception"`: a report to the exception handler — an exception
   * never retrieved, or an error thrown by a callback.
   */
  kind: "task" | "timer" | "undriven" | "ref" | "resource" | "exception";
  /** One line naming it, e.g. `task "sleeper" is still pending: <Task pending name=sleeper …>`. */
  description: string;
}

/** The schedule a failing run used, and who ran it: what a replay hint needs. */
export interface ScheduleInfo {
  /** The seed of the run's schedule; null or absent for FIFO order. */
  seed?: number | null;
  /** What that schedule permuted (default `"all"` when there is a seed). */
  shuffle?: ShuffleMode | null;
  /** `"exploreSeeds"` when a sweep ran it: the replay then calls `main(seed)` (default `"runTest"`). */
  runBy?: "runTest" | "exploreSeeds";
}

/** Options for {@linkcode SanitizerError}. */
export interface SanitizerErrorOptions extends ScheduleInfo, ErrorOptions {}

/** Options for {@linkcode SeededError}: the seed is required. */
export interface SeededErrorOptions extends ScheduleInfo {
  /** The seed that replays the failure. */
  seed: number;
  /** Reports that reached the loop's exception handler during the run, e.g. other tasks' exceptions. */
  reports?: readonly Leak[];
}

/** Options for {@linkcode TimeLimitError}. */
export interface TimeLimitErrorOptions extends ScheduleInfo {
  /** The bound on virtual time in ms, or null for none. */
  maxTime: number | null;
  /** The bound on task steps, or null for none. */
  maxSteps?: number | null;
  /** The virtual time when the loop went to jump past `maxTime`, or ran a step past `maxSteps`. */
  time: number;
  /** The deadline it would have jumped to; null when `maxSteps` was reached. */
  next: number | null;
  /** The pending tasks and what each waits on, as `formatTaskTree()` draws them at that moment. */
  tree: string;
  /** Reports that reached the loop's exception handler during the run. */
  reports?: readonly Leak[];
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
 * const seeded = new SanitizerError(error.leaks, { seed: 3, runBy: "exploreSeeds" });
 * assertStringIncludes(seeded.message, 'runTest(() => main(3), { seed: 3, shuffle: "all" })');
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
   * The error for a test that left `leaks` behind; the message lists them,
   * with the replay call when the run was seeded.
   *
   * @param leaks What was left behind (at least one).
   * @param options The run's seeded schedule, if any, who ran it, and `cause`.
   */
  constructor(leaks: readonly Leak[], options?: SanitizerErrorOptions) {
    const { seed, shuffle, where, hint } = scheduleParts(options);
    const lines = leaks.map((leak) => `  - ${leak.description}`);
    if (hint !== "") lines.push(`  ${hint}`);
    super(`the test left ${count(leaks.length)} behind${where}:\n${lines.join("\n")}`, options);
    this.name = "SanitizerError";
    this.leaks = Object.freeze([...leaks]);
    this.seed = seed;
    this.shuffle = shuffle;
  }
}

/**
 * What a program run under a seeded schedule fails with, when the seed was
 * chosen in code (`runTest(main, { seed })`, every run of `exploreSeeds`):
 * the program's own error is the `cause`; the message names the seed and how
 * to replay it, and lists what reached the exception handler meanwhile —
 * often the root cause, such as a worker's assertion behind a deadlock.
 *
 * @example The seed and the original error travel together
 * ```ts
 * import { assertEquals, assertStringIncludes } from "@std/assert";
 * import { SeededError } from "yieldio/testing";
 * const error = new SeededError(new RangeError("balance went negative"), { seed: 42 });
 * assertEquals([error.seed, error.shuffle, (error.cause as Error).message], [42, "all", "balance went negative"]);
 * assertStringIncludes(error.message, 'seed 42 (shuffle "all")');
 * assertStringIncludes(error.message, 'runTest(main, { seed: 42, shuffle: "all" })');
 * ```
 */
export class SeededError extends Error {
  /** The seed that replays the failure. */
  readonly seed: number;
  /** What the schedule permuted. */
  readonly shuffle: ShuffleMode;
  /** What reached the loop's exception handler during the run (empty when nothing did). */
  readonly reports: readonly Leak[];

  /**
   * The error for a seeded run that failed with `cause`; the message names
   * the seed and the call that replays it.
   *
   * @param cause What the program threw.
   * @param options The seed (required), what it permuted, who ran it, reports.
   */
  constructor(cause: unknown, options: SeededErrorOptions) {
    const { where, hint } = scheduleParts(options);
    const what = describeThrown(cause);
    const reports = options.reports ?? [];
    super(`failed${where}: ${what}${reportLines(reports)}\n  ${hint}`, { cause });
    this.name = "SeededError";
    this.seed = options.seed;
    this.shuffle = options.shuffle ?? "all";
    this.reports = Object.freeze([...reports]);
  }
}

/**
 * What `runTest` and `exploreSeeds` fail with when a run given `maxTime`
 * would jump its virtual clock past it — a livelock, a retry loop that never
 * gives up, or a periodic task nobody stops: the hangs a deadlock check
 * cannot see, since a timer is always armed — or, given `maxSteps`, runs more
 * task steps than that (a spin on `sleep(0)` that never lets time pass).
 * Carries the seed (if any), which bound was reached, and the task tree at
 * that moment.
 *
 * @example The tree names what was still running
 * ```ts
 * import { assertEquals, assertStringIncludes } from "@std/assert";
 * import { TimeLimitError } from "yieldio/testing";
 * const error = new TimeLimitError({ maxTime: 1000, time: 999, next: 1002, tree: "└── heartbeat", seed: 5 });
 * assertEquals([error.name, error.seed, error.time], ["TimeLimitError", 5, 999]);
 * assertStringIncludes(error.message, "maxTime 1000");
 * assertStringIncludes(error.message, "└── heartbeat");
 * ```
 */
export class TimeLimitError extends Error {
  /** The seed of the run's schedule, or null for FIFO order. */
  readonly seed: number | null;
  /** What that schedule permuted, or null for FIFO order. */
  readonly shuffle: ShuffleMode | null;
  /** The bound on virtual time in ms, or null for none. */
  readonly maxTime: number | null;
  /** The bound on task steps, or null for none. */
  readonly maxSteps: number | null;
  /** Which bound was reached: `"time"` or `"steps"`. */
  readonly bound: "time" | "steps";
  /** The virtual time when the loop went to jump past `maxTime`, or ran a step past `maxSteps`. */
  readonly time: number;
  /** The pending tasks, and what each waited on, at that time. */
  readonly tree: string;
  /** What reached the loop's exception handler during the run. */
  readonly reports: readonly Leak[];

  /**
   * The error for a run that reached its `maxTime` or `maxSteps` bound; the
   * message says which, and shows the task tree.
   *
   * @param options The bound, where the clock stood, the task tree, the seeded schedule, reports.
   */
  constructor(options: TimeLimitErrorOptions) {
    const { seed, shuffle, where, hint } = scheduleParts(options);
    const { maxTime, time, next, tree } = options;
    const maxSteps = options.maxSteps ?? null;
    const reports = options.reports ?? [];
    const what = next === null
      ? `the test was still running at t=${time} after maxSteps ${maxSteps} task steps${where}: a livelock that ` +
        "never lets virtual time pass (a task spinning on sleep(0) or a bare yield)"
      : `the test was still running at t=${time}, and its next deadline t=${next} is past maxTime ${maxTime}${where}: ` +
        "a livelock, or a timer-driven task that never stops";
    super(`${what}. Pending tasks:\n${tree}${reportLines(reports)}` + (hint === "" ? "" : `\n  ${hint}`));
    this.name = "TimeLimitError";
    this.seed = seed;
    this.shuffle = shuffle;
    this.maxTime = maxTime;
    this.maxSteps = maxSteps;
    this.bound = next === null ? "steps" : "time";
    this.time = time;
    this.tree = tree;
    this.reports = Object.freeze([...reports]);
  }
}

/**
 * Thrown by `assertCheckpoints` when its body never yielded to the loop, and
 * by `assertNoCheckpoints` when it did.
 *
 * @example What the body did travels as the cause
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { CheckpointError } from "yieldio/testing";
 * const error = new CheckpointError("the body never yielded", { cause: "returned 3" });
 * assertEquals([error.name, error.message, error.cause], ["CheckpointError", "the body never yielded", "returned 3"]);
 * assertEquals(error instanceof Error, true);
 * ```
 */
export class CheckpointError extends Error {
  /**
   * The error for a body that yielded to the loop when it should not have, or the other way round.
   *
   * @param message What the body did, against what was expected.
   * @param options `cause`, as for `Error` (what the body threw, if anything).
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CheckpointError";
  }
}

/** The seed and shuffle a failure records, and the parts of its message that name them. */
function scheduleParts(info: ScheduleInfo | undefined): {
  seed: number | null;
  shuffle: ShuffleMode | null;
  where: string;
  hint: string;
} {
  const seed = info?.seed ?? null;
  if (seed === null) return { seed, shuffle: null, where: "", hint: "" };
  const shuffle = info?.shuffle ?? "all";
  return {
    seed,
    shuffle,
    where: ` under ${describeSchedule(seed, shuffle)}`,
    hint: replayHint(seed, shuffle, info?.runBy),
  };
}

function reportLines(reports: readonly Leak[]): string {
  if (reports.length === 0) return "";
  return `\n  reported to the exception handler during the run:\n${
    reports.map((report) => `  - ${report.description}`).join("\n")
  }`;
}

function count(n: number): string {
  return n === 1 ? "1 thing" : `${n} things`;
}
