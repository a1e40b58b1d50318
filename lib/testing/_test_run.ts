/**
 * One test run, shared by `runTest` and `exploreSeeds`: a fresh virtual loop
 * (seeded or FIFO) driven by `run()` — so a test shuts down exactly as a
 * program does: leftover tasks cancelled and awaited, their `finally` blocks
 * run, the loop closed — with the sanitizer watching when asked.
 *
 * @module
 */

import type { ShuffleMode } from "../loop/schedule.ts";
import { checkCoroutine } from "../task/coroutine.ts";
import { type Main, run } from "../task/run.ts";
import { currentTask, getRunningLoop } from "../task/running_loop.ts";
import type { Coro } from "../task/yield_protocol.ts";
import { Sanitizer } from "./_sanitizer.ts";
import { SanitizerError } from "./errors.ts";

/** How to run one test. */
export interface TestSettings {
  /** The seeded schedule, or null for FIFO order. */
  schedule: { seed: number; shuffle: ShuffleMode } | null;
  /** Whether leaks fail the run. */
  sanitize: boolean;
}

/**
 * @throws {TypeError} When `main` is neither a coroutine nor a function.
 */
export function checkMain(main: unknown, caller: string): void {
  if (typeof main !== "function") checkCoroutine(main, caller);
}

/**
 * Runs `main` to completion on a fresh virtual loop.
 *
 * @returns main's result.
 * @throws What main threw, unchanged; else a {@linkcode SanitizerError} when it left something behind.
 */
export async function runOneTest<T>(main: Main<T>, settings: TestSettings, caller: string): Promise<T> {
  const { schedule } = settings;
  let sanitizer: Sanitizer | null = null;
  const value = await run(function* (): Coro<T> {
    if (settings.sanitize) sanitizer = new Sanitizer(getRunningLoop());
    const self = currentTask();
    try {
      const coro = typeof main === "function" ? main() : main;
      checkCoroutine(coro, caller);
      return yield* coro;
    } finally {
      (sanitizer as Sanitizer | null)?.snapshot(self);
    }
  }, schedule === null ? { clock: "virtual" } : { clock: "virtual", schedule });
  const leaks = (sanitizer as Sanitizer | null)?.leaks() ?? [];
  if (leaks.length > 0) throw new SanitizerError(leaks, schedule);
  return value;
}
