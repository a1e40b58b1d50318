/**
 * examples/find_race.ts behaves as the README says: the racy program passes
 * in FIFO order, fails for some seed in 1..200, that seed replays the same
 * failure, and the Lock fixes it for every seed.
 */

import { assert, assertEquals, assertInstanceOf, assertRejects, assertStringIncludes } from "@std/assert";
import { fixed, Overdrawn, racy, SEEDS, sweep } from "../../examples/find_race.ts";
import { runTest, SeededError } from "../../lib/testing/mod.ts";

Deno.test("the racy program passes in FIFO order", async () => {
  assertEquals(await runTest(racy, { seed: null }), 20);
});

Deno.test("exploreSeeds finds it failing for some seed in 1..200, and that seed replays the failure", async () => {
  const failures = await sweep(racy);
  assert(failures.length > 0, `no seed in 1..${SEEDS} found the race`);
  for (const { seed, error } of failures) {
    assertInstanceOf(error, SeededError);
    assertInstanceOf(error.cause, Overdrawn);
    assertEquals(error.seed, seed);
  }
  const { seed, error } = failures[0];
  const replayed = await assertRejects(() => runTest(racy, { seed, shuffle: "all" }), SeededError);
  assertEquals([replayed.seed, replayed.shuffle, String(replayed.cause)], [seed, "all", String(error.cause)]);
  assertStringIncludes(replayed.message, `YIELDIO_SEED=${seed}`);
});

Deno.test("with a Lock around check-and-act no seed fails", async () => {
  assertEquals(await sweep(fixed), []);
});
