/**
 * mod.ts as the suite sees it under `deno task test:timers`: the same
 * exports, except that every loop made without a schedule — by
 * `new EventLoop()`, `run()` or `runSync()` — gets a seeded
 * `{ seed, shuffle: "timers" }` one (the seed from `YIELDIO_SEED`, default 1).
 * `import_map.json` beside this file maps the repository's mod.ts here for
 * every module but this one, so the test files run unchanged; nothing global
 * is patched and the core reads no setting. Loops given a schedule keep
 * theirs, and `runTest` reads `YIELDIO_SEED`/`YIELDIO_SHUFFLE` itself.
 *
 * @module
 */

import * as core from "../../../mod.ts";
import { seedSettings } from "../../../lib/testing/mod.ts";

export * from "../../../mod.ts";

/** The schedule forced on every loop that was given none. */
const FORCED: { seed: number; shuffle: "timers" } = { seed: seedSettings().seed ?? 1, shuffle: "timers" };

/** Options that are not an object go through untouched, so the core's own refusal is what a test sees. */
function scheduled<O extends core.EventLoopOptions>(options: O | undefined): O | undefined {
  if (options === undefined) return { schedule: FORCED } as O;
  if (typeof options !== "object" || options === null || options.schedule !== undefined) return options;
  return { ...options, schedule: FORCED };
}

/** `EventLoop`, seeded unless given a schedule. */
export class EventLoop extends core.EventLoop {
  /** @param options As for the core's loop. */
  constructor(options?: core.EventLoopOptions) {
    super(scheduled(options));
  }
}

/** `run`, on a loop seeded unless given a schedule. */
export function run<T>(main: core.Main<T>, options?: core.RunOptions): Promise<T> {
  return core.run(main, scheduled(options));
}

/** `runSync`, on a loop seeded unless given a schedule. */
export function runSync<T>(main: core.Main<T>, options?: core.RunOptions): T {
  return core.runSync(main, scheduled(options));
}
