/**
 * Where a seed comes from: YIELDIO_SEED / YIELDIO_SHUFFLE / YIELDIO_SEEDS in
 * Deno and Node, `?yieldio_seed=…` in a page. The query form is tested
 * directly here; reading real environment variables is tested in
 * tests/deno/seed_environment.test.ts (it needs a child process).
 */

import { assert, assertEquals, assertThrows } from "@std/assert";
import { seedSettings, seedSettingsFromQuery, seedsToExplore } from "../../lib/testing/mod.ts";

Deno.test("a page's query string gives the seed, the shuffle mode and the sweep size", () => {
  assertEquals(seedSettingsFromQuery("?yieldio_seed=42&yieldio_shuffle=timers&yieldio_seeds=500"), {
    seed: 42,
    shuffle: "timers",
    seeds: 500,
  });
  assertEquals(seedSettingsFromQuery("?other=1&yieldio_seed=-7"), { seed: -7, shuffle: null, seeds: null });
  assertEquals(seedSettingsFromQuery(""), { seed: null, shuffle: null, seeds: null });
  assertEquals(seedSettingsFromQuery("?yieldio_seed=&yieldio_shuffle=%20"), { seed: null, shuffle: null, seeds: null });
  assertEquals(seedSettingsFromQuery("yieldio_seed=+3").seed, 3);
});

Deno.test("malformed settings are RangeErrors naming the setting and the value", () => {
  assertThrows(
    () => seedSettingsFromQuery("?yieldio_seed=abc"),
    RangeError,
    '?yieldio_seed= must be an integer, got "abc"',
  );
  assertThrows(() => seedSettingsFromQuery("?yieldio_seed=1.5"), RangeError, '"1.5"');
  assertThrows(() => seedSettingsFromQuery("?yieldio_seed=99999999999999999999"), RangeError, "99999999999999999999");
  assertThrows(
    () => seedSettingsFromQuery("?yieldio_shuffle=some"),
    RangeError,
    '?yieldio_shuffle= must be "timers", "tasks" or "all", got "some"',
  );
  assertThrows(() => seedSettingsFromQuery("?yieldio_seeds=-1"), RangeError, "a non-negative integer");
  assertThrows(() => seedSettingsFromQuery(5 as unknown as string), TypeError, "5 (a number)");
});

Deno.test("seedSettings reads this run's host (nothing set, or well-formed values)", () => {
  const { seed, shuffle, seeds } = seedSettings();
  assert(seed === null || Number.isSafeInteger(seed));
  assert(shuffle === null || ["timers", "tasks", "all"].includes(shuffle));
  assert(seeds === null || Number.isSafeInteger(seeds));
});

Deno.test("seedsToExplore: the environment's one seed, else 1..YIELDIO_SEEDS, else 1..count", () => {
  const { seed, seeds } = seedSettings();
  const expected = seed !== null ? [seed] : Array.from({ length: seeds ?? 4 }, (_, i) => i + 1);
  assertEquals(seedsToExplore(4), expected);
  assertThrows(() => seedsToExplore(-1), RangeError, "-1");
  assertThrows(() => seedsToExplore("4" as unknown as number), TypeError, '"4" (a string)');
});
