/**
 * The checks every entry of the testing kit applies to its options, so a bad
 * seed or shuffle mode is refused at the call with one wording everywhere
 * (`runTest: seed expects a safe integer, got "x" (a string)`), and the one
 * wording of a replay hint.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import type { ShuffleMode } from "../loop/schedule.ts";

/** The shuffle modes a loop's schedule accepts (`lib/loop/schedule.ts` owns their meaning). */
export const SHUFFLE_MODES: readonly ShuffleMode[] = ["timers", "tasks", "all"];

/**
 * Which entry ran the failing program; it decides the replay call a message
 * shows, since `exploreSeeds` passes the seed to `main` and `runTest` does not.
 * Spelled out again in the public `ScheduleInfo.runBy`, as a public type may
 * not name this private one (deno doc --lint): change both together.
 */
export type RunBy = "runTest" | "exploreSeeds";

/**
 * @returns `seed`, checked.
 * @throws {TypeError} When it is not a number.
 * @throws {RangeError} When it is not a safe integer.
 */
export function checkSeed(seed: unknown, caller: string): number {
  if (typeof seed !== "number") throw new TypeError(`${caller}: seed expects an integer, got ${describeValue(seed)}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`${caller}: seed expects a safe integer, got ${seed}`);
  return seed;
}

/**
 * @returns `shuffle`, checked.
 * @throws {TypeError} When it is not a string.
 * @throws {RangeError} When it names no mode.
 */
export function checkShuffle(shuffle: unknown, caller: string): ShuffleMode {
  if (SHUFFLE_MODES.includes(shuffle as ShuffleMode)) return shuffle as ShuffleMode;
  throw new (typeof shuffle === "string" ? RangeError : TypeError)(
    `${caller}: shuffle expects "timers", "tasks" or "all", got ${describeValue(shuffle)}`,
  );
}

/**
 * @returns `value`, checked.
 * @throws {TypeError} When it is not a boolean.
 */
export function checkFlag(value: unknown, name: string, caller: string): boolean {
  if (typeof value !== "boolean") {
    throw new TypeError(`${caller}: ${name} expects a boolean, got ${describeValue(value)}`);
  }
  return value;
}

/**
 * @returns `maxSteps` checked, or null for no limit (undefined).
 * @throws {TypeError} When it is not a number.
 * @throws {RangeError} When it is not a positive integer.
 */
export function checkMaxSteps(maxSteps: unknown, caller: string): number | null {
  if (maxSteps === undefined) return null;
  if (typeof maxSteps !== "number") {
    throw new TypeError(`${caller}: maxSteps expects a number of task steps, got ${describeValue(maxSteps)}`);
  }
  if (!Number.isSafeInteger(maxSteps) || maxSteps < 1) {
    throw new RangeError(`${caller}: maxSteps expects a positive integer, got ${maxSteps}`);
  }
  return maxSteps;
}

/**
 * @returns `maxTime` checked, or null for no limit (undefined).
 * @throws {TypeError} When it is not a number.
 * @throws {RangeError} When it is negative or NaN.
 */
export function checkMaxTime(maxTime: unknown, caller: string): number | null {
  if (maxTime === undefined) return null;
  if (typeof maxTime !== "number") {
    throw new TypeError(`${caller}: maxTime expects virtual milliseconds (a number), got ${describeValue(maxTime)}`);
  }
  if (!(maxTime >= 0)) throw new RangeError(`${caller}: maxTime expects a non-negative number, got ${maxTime}`);
  return maxTime;
}

/**
 * @throws {TypeError} When `options` is neither undefined nor an object.
 */
export function checkOptions(options: unknown, caller: string): void {
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new TypeError(`${caller} expects an options object, got ${describeValue(options)}`);
  }
}

/** How a failure names its schedule, so it can be replayed: `seed 42 (shuffle "all")`. */
export function describeSchedule(seed: number, shuffle: ShuffleMode): string {
  return `seed ${seed} (shuffle "${shuffle}")`;
}

/**
 * The replay hint every seeded failure carries. A sweep's `main` takes the
 * seed (it may draw its own randomness from it), so its replay calls
 * `main(seed)`; the environment variables replay it only where the sweep's
 * seeds come from `seedsToExplore()`.
 */
export function replayHint(seed: number, shuffle: ShuffleMode, by: RunBy = "runTest"): string {
  const call = by === "runTest" ? "main" : `() => main(${seed})`;
  const env =
    `YIELDIO_SEED=${seed} YIELDIO_SHUFFLE=${shuffle} (?yieldio_seed=${seed}&yieldio_shuffle=${shuffle} in a page)`;
  return `replay it with runTest(${call}, { seed: ${seed}, shuffle: "${shuffle}" }), or ${env}` +
    (by === "runTest" ? "" : " if the sweep takes its seeds from seedsToExplore()");
}
