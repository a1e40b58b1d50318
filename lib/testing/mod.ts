/**
 * yieldio/testing: deterministic tests for concurrent code — seeded
 * schedules that find and replay races, a sanitizer for what a test leaves
 * behind, and Trio's testing tools (`waitAllTasksBlocked`, `Sequencer`,
 * checkpoint assertions). A second entry, kept out of the core bundle.
 *
 * @example A race found by a sweep of seeds, then replayed
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createTask, sleep } from "yieldio";
 * import { exploreSeeds, runTest } from "yieldio/testing";
 * function* twoWithdrawals() {
 *   let balance = 100;
 *   function* withdraw(amount: number) {
 *     if (balance >= amount) {
 *       yield* sleep(0); // another task may run between the check and the act
 *       balance -= amount;
 *     }
 *   }
 *   const first = createTask(withdraw(80));
 *   yield* sleep(0);
 *   const second = createTask(withdraw(80));
 *   yield* first;
 *   yield* second;
 *   if (balance < 0) throw new Error(`overdrawn: ${balance}`);
 * }
 * await runTest(twoWithdrawals, { seed: null }); // passes in FIFO order
 * const { failures } = await exploreSeeds(twoWithdrawals, { seeds: 20 });
 * const seed = failures[0].seed;
 * const replayed = await runTest(twoWithdrawals, { seed, shuffle: "all" }).catch((error) => error);
 * assertEquals([replayed.seed, replayed.cause.message], [seed, "overdrawn: -60"]);
 * assertEquals(replayed.cause.message, (failures[0].error.cause as Error).message);
 * ```
 *
 * @module
 */

export { runTest, type RunTestOptions } from "./run_test.ts";
export { type ExploreOptions, type ExploreResult, exploreSeeds, type SeedFailure } from "./explore_seeds.ts";
export { type SeedSettings, seedSettings, seedSettingsFromQuery, seedsToExplore } from "./seed_settings.ts";
export { waitAllTasksBlocked } from "./wait_all_tasks_blocked.ts";
export { Sequencer } from "./sequencer.ts";
export { assertCheckpoints, assertNoCheckpoints } from "./checkpoints.ts";
export {
  CheckpointError,
  type Leak,
  SanitizerError,
  type SanitizerErrorOptions,
  type ScheduleInfo,
  SeededError,
  type SeededErrorOptions,
  TimeLimitError,
  type TimeLimitErrorOptions,
} from "./errors.ts";
