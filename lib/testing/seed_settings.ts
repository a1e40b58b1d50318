/**
 * Where a seed comes from when the code does not say: the environment
 * (`YIELDIO_SEED`, `YIELDIO_SHUFFLE`, `YIELDIO_SEEDS` in Deno and Node) or the
 * page's URL (`?yieldio_seed=42&yieldio_shuffle=all&yieldio_seeds=500`). Only
 * the testing kit reads them — the loop core never looks at its host's
 * settings — and it feature-tests each source: `Deno.env` (read only where
 * the permission is already granted, so a missing `--allow-env` neither fails
 * nor prompts), then `process.env`, then `location.search`.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import type { ShuffleMode } from "../loop/schedule.ts";
import { SHUFFLE_MODES } from "./_options.ts";

/** Seed settings read from the environment or a page's URL; `null` where none is set. */
export interface SeedSettings {
  /** `YIELDIO_SEED` / `?yieldio_seed=`: the one seed to run (a replay). */
  seed: number | null;
  /** `YIELDIO_SHUFFLE` / `?yieldio_shuffle=`: what the schedule permutes. */
  shuffle: ShuffleMode | null;
  /** `YIELDIO_SEEDS` / `?yieldio_seeds=`: how many seeds a sweep tries. */
  seeds: number | null;
}

type Setting = "seed" | "shuffle" | "seeds";

/** Where settings are read: each setting's raw text, and its name as an error message shows it. */
interface Source {
  read(setting: Setting): string | undefined;
  nameOf(setting: Setting): string;
}

/**
 * Reads the seed settings of this run: environment variables in Deno (with
 * `--allow-env`) and Node, the query string in a page or worker.
 *
 * @returns What is set; `null` for each setting that is not (or cannot be read).
 * @throws {RangeError} When a setting is set to something malformed, naming it and its value.
 *
 * @example Each setting is a checked value, or null when not set
 * ```ts
 * import { assert, assertEquals } from "@std/assert";
 * import { seedSettings } from "yieldio/testing";
 * const settings = seedSettings(); // YIELDIO_SEED etc., if this run was given them
 * assertEquals(Object.keys(settings).sort(), ["seed", "seeds", "shuffle"]);
 * assert(settings.seed === null || Number.isSafeInteger(settings.seed));
 * assert(settings.seeds === null || (Number.isSafeInteger(settings.seeds) && settings.seeds >= 0));
 * assert(settings.shuffle === null || ["timers", "tasks", "all"].includes(settings.shuffle));
 * ```
 */
export function seedSettings(): SeedSettings {
  const source = hostSource();
  return source === null ? { seed: null, shuffle: null, seeds: null } : parseSettings(source);
}

/**
 * Parses the seed settings of a page's query string: what
 * {@linkcode seedSettings} reads in a browser, as a function of the string.
 *
 * @param search A query string such as `location.search` (`?yieldio_seed=42&yieldio_shuffle=timers`).
 * @returns The settings it holds; `null` for each one absent or empty.
 * @throws {TypeError} When `search` is not a string.
 * @throws {RangeError} When a setting is malformed, naming it and its value.
 *
 * @example A page's URL chooses the seed
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { seedSettingsFromQuery } from "yieldio/testing";
 * assertEquals(seedSettingsFromQuery("?yieldio_seed=42&yieldio_shuffle=timers"), {
 *   seed: 42,
 *   shuffle: "timers",
 *   seeds: null,
 * });
 * ```
 */
export function seedSettingsFromQuery(search: string): SeedSettings {
  if (typeof search !== "string") {
    throw new TypeError(`seedSettingsFromQuery expects a query string, got ${describeValue(search)}`);
  }
  return parseSettings(querySource(search));
}

/**
 * The seeds a sweep should try: the one in `YIELDIO_SEED` when set (to replay
 * a failure), else `1..YIELDIO_SEEDS`, else `1..count` — a bounded sweep in CI,
 * a longer one on demand.
 *
 * @param count How many seeds to try when the environment does not say.
 * @returns The seeds, in order.
 * @throws {TypeError} When `count` is not a number.
 * @throws {RangeError} When `count` is not a non-negative safe integer, or a setting is malformed.
 *
 * @example A sweep of 50 seeds unless the environment asks otherwise
 * ```ts
 * import { assert } from "@std/assert";
 * import { seedsToExplore } from "yieldio/testing";
 * const seeds = seedsToExplore(50);
 * assert(seeds.length > 0 && seeds.every(Number.isSafeInteger));
 * ```
 */
export function seedsToExplore(count: number): number[] {
  if (typeof count !== "number") throw new TypeError(`seedsToExplore expects a count, got ${describeValue(count)}`);
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new RangeError(`seedsToExplore expects a non-negative integer count, got ${count}`);
  }
  const settings = seedSettings();
  if (settings.seed !== null) return [settings.seed];
  return Array.from({ length: settings.seeds ?? count }, (_, i) => i + 1);
}

function querySource(search: string): Source {
  const params = new URLSearchParams(search);
  return { read: (setting) => params.get(`yieldio_${setting}`) ?? undefined, nameOf: (s) => `?yieldio_${s}=` };
}

function parseSettings(source: Source): SeedSettings {
  return { seed: parseOne(source, "seed"), shuffle: parseOne(source, "shuffle"), seeds: parseOne(source, "seeds") };
}

/**
 * @internal One setting of this host, parsed alone: `runTest` reads only the
 * settings its options leave open, so a malformed one it does not need
 * (`YIELDIO_SEED=abc` beside `{ seed: 5 }`) cannot fail it.
 *
 * @returns The setting; null when it is not set (or cannot be read).
 * @throws {RangeError} When it is set to something malformed.
 */
export function _hostSetting<S extends Setting>(setting: S): SeedSettings[S] {
  const source = hostSource();
  return source === null ? null : parseOne(source, setting);
}

function parseOne<S extends Setting>(source: Source, setting: S): SeedSettings[S] {
  const raw = source.read(setting)?.trim();
  if (raw === undefined || raw === "") return null;
  const name = source.nameOf(setting);
  const value = setting === "shuffle"
    ? parseShuffle(name, raw)
    : parseInteger(name, raw, setting === "seed" ? Number.MIN_SAFE_INTEGER : 0);
  return value as SeedSettings[S];
}

function parseInteger(name: string, text: string, min: number): number {
  const value = Number(text);
  if (!/^[+-]?\d+$/.test(text) || !Number.isSafeInteger(value) || value < min) {
    const what = min === 0 ? "a non-negative integer" : "an integer";
    throw new RangeError(`${name} must be ${what}, got ${describeValue(text)}`);
  }
  return value;
}

function parseShuffle(name: string, text: string): ShuffleMode {
  if (SHUFFLE_MODES.includes(text as ShuffleMode)) return text as ShuffleMode;
  throw new RangeError(`${name} must be "timers", "tasks" or "all", got ${describeValue(text)}`);
}

interface HostGlobals {
  Deno?: {
    env?: { get?(name: string): string | undefined };
    permissions?: { querySync?(descriptor: { name: "env"; variable: string }): { state: string } };
  };
  process?: { env?: Record<string, string | undefined> };
  location?: { search?: string };
}

/** The first source this host has, by feature test; null when it has none. */
function hostSource(): Source | null {
  const host = globalThis as HostGlobals;
  const deno = host.Deno;
  const envSource = (get: (name: string) => string | undefined): Source => ({
    read: (setting) => get(`YIELDIO_${setting.toUpperCase()}`),
    nameOf: (setting) => `YIELDIO_${setting.toUpperCase()}`,
  });
  if (typeof deno?.env?.get === "function") return envSource((name) => readDenoEnv(deno, name));
  const env = host.process?.env;
  if (typeof env === "object" && env !== null) return envSource((name) => env[name]);
  const search = host.location?.search;
  return typeof search === "string" ? querySource(search) : null;
}

/** `Deno.env.get`, only where already allowed: asking would prompt or throw without `--allow-env`. */
function readDenoEnv(deno: NonNullable<HostGlobals["Deno"]>, name: string): string | undefined {
  const query = deno.permissions?.querySync;
  if (
    typeof query === "function" && query.call(deno.permissions, { name: "env", variable: name }).state !== "granted"
  ) {
    return undefined;
  }
  try {
    return deno.env!.get!(name);
  } catch (error) {
    // Deno 1 names a refusal PermissionDenied, Deno 2 NotCapable: either means "not set, as far as we may know".
    if (error instanceof Error && (error.name === "PermissionDenied" || error.name === "NotCapable")) return undefined;
    throw error;
  }
}
