/**
 * One test run, shared by `runTest` and `exploreSeeds`: a fresh virtual loop
 * (seeded or FIFO) driven by `run()` — so a test shuts down exactly as a
 * program does: leftover tasks cancelled and awaited, their `finally` blocks
 * run, the loop closed — with the sanitizer and the time limit watching when
 * asked. Signals are left to the test runner (`handleSignals: false`,
 * `dumpOnSigquit: false`): the kit must not exit the process ahead of the
 * runner's own report, nor turn the Ctrl-\ that kills a hung runner into a
 * dump that leaves it running.
 *
 * @module
 */

import type { ExceptionContext } from "../loop/exception_context.ts";
import type { ShuffleMode } from "../loop/schedule.ts";
import { checkCoroutine } from "../task/coroutine.ts";
import { type Main, run } from "../task/runner.ts";
import { currentTask, getRunningLoop } from "../task/running_loop.ts";
import type { Coro } from "../task/yield_protocol.ts";
import type { RunBy } from "./_options.ts";
import { Sanitizer } from "./_sanitizer.ts";
import { TimeLimit } from "./_time_limit.ts";
import { type Leak, SanitizerError, TimeLimitError } from "./errors.ts";

/**
 * What a stop past the bound makes the loop report: each task still pending
 * at close (`EventLoop.close()`), and `run()` failing to finish cancelling
 * them (the bound stops that too). Both are consequences of the stop.
 */
const CONSEQUENCES_OF_THE_STOP = ["Task was destroyed but it is pending!", "shutdown failed after main failed"];

/** How to run one test. */
export interface TestSettings {
  /** The seeded schedule, or null for FIFO order. */
  schedule: { seed: number; shuffle: ShuffleMode } | null;
  /** Whether leaks fail the run. */
  sanitize: boolean;
  /** The bound on virtual time, in ms, or null for none. */
  maxTime: number | null;
  /** The bound on task steps, or null for none. */
  maxSteps: number | null;
  /** Who runs it: picks the replay call the kit's errors show. */
  runBy: RunBy;
}

/**
 * How a run ended: main's value; or what main threw, unchanged, with what
 * reached the exception handler meanwhile (`reports` for messages, `contexts`
 * to forward); or one of the kit's own errors, complete.
 */
export type TestOutcome<T> =
  | { ok: true; value: T }
  | { ok: false; kit: false; error: unknown; reports: Leak[]; contexts: ExceptionContext[] }
  | { ok: false; kit: true; error: SanitizerError | TimeLimitError };

/**
 * @throws {TypeError} When `main` is neither a coroutine nor a function.
 */
export function checkMain(main: unknown, caller: string): void {
  if (typeof main !== "function") checkCoroutine(main, caller);
}

/** What the run's main task installs; a holder, since a closure's assignments to a `let` do not narrow it. */
interface Watchers {
  sanitizer: Sanitizer | null;
  limit: TimeLimit | null;
  /** A `main` that made no coroutine: a misuse, thrown at the call rather than counted as a failure. */
  misuse: TypeError | null;
}

/**
 * Runs `main` to completion on a fresh virtual loop.
 *
 * @returns How it ended.
 * @throws {TypeError} When `main` is a function that returns no coroutine.
 */
export async function runOneTest<T>(main: Main<T>, settings: TestSettings, caller: string): Promise<TestOutcome<T>> {
  const { schedule, runBy } = settings;
  const watch: Watchers = { sanitizer: null, limit: null, misuse: null };
  let outcome: TestOutcome<T>;
  try {
    const value = await run(function* (): Coro<T> {
      const loop = getRunningLoop();
      if (settings.sanitize) watch.sanitizer = new Sanitizer(loop);
      if (settings.maxTime !== null || settings.maxSteps !== null) {
        watch.limit = new TimeLimit(loop, settings.maxTime, settings.maxSteps);
      }
      const self = currentTask();
      try {
        const coro = typeof main === "function" ? main() : main;
        try {
          checkCoroutine(coro, caller);
        } catch (error) {
          watch.misuse = error as TypeError;
          throw error;
        }
        return yield* coro;
      } finally {
        watch.sanitizer?.snapshot(self);
      }
    }, { clock: "virtual", handleSignals: false, dumpOnSigquit: false, ...(schedule === null ? {} : { schedule }) });
    const leaks = watch.sanitizer?.leaks() ?? [];
    outcome = leaks.length > 0
      ? { ok: false, kit: true, error: new SanitizerError(leaks, { ...schedule, runBy }) }
      : { ok: true, value };
  } catch (error) {
    if (watch.misuse !== null) throw watch.misuse;
    const sanitizer = watch.sanitizer;
    outcome = {
      ok: false,
      kit: false,
      error,
      reports: sanitizer?.reports() ?? [],
      contexts: sanitizer?.contexts() ?? [],
    };
  }
  // Past the bound, whatever came out is a consequence of the stop (or ran past it): the bound is the failure.
  const hit = watch.limit?.hit;
  if (hit != null) {
    // The stop can leave tasks pending at close; the tree names them already.
    const reports = (watch.sanitizer?.reports() ?? []).filter(({ description }) =>
      !CONSEQUENCES_OF_THE_STOP.some((message) => description.startsWith(message))
    );
    const { maxTime, maxSteps } = settings;
    const error = new TimeLimitError({ ...hit, maxTime, maxSteps, ...schedule, runBy, reports });
    return { ok: false, kit: true, error };
  }
  return outcome;
}
