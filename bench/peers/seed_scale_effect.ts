/**
 * Seed scenario, Effect 3, as its docs write it: `Effect.forEach` over the
 * delays with `{ concurrency: "unbounded" }` (one fiber per item), each
 * `Effect.sleep(ms)`, run with `Effect.runPromise`. `discard: true` because
 * the results are not needed.
 *
 * @module
 */

import { EFFECT_SPECIFIER, type EffectModule, importPeer } from "./_npm.ts";
import { parseArgs, prepare, reportHeapAndExit, reportTiming } from "./_seed_common.ts";

const { Effect } = await importPeer<{ Effect: EffectModule }>(EFFECT_SPECIFIER);
const args = parseArgs();
const prep = prepare(args);

const worker = (ms: number) => Effect.sleep(ms);
const all = Effect.forEach(prep.delays, worker, { concurrency: "unbounded", discard: true });

const start = performance.now();
if (args.heap) {
  // Fork the same program, give every fiber time to reach its sleep (no
  // delay is below 60 s in this mode), then measure.
  await Effect.runPromise(
    Effect.zipRight(
      Effect.fork(all),
      Effect.zipRight(Effect.sleep(50), Effect.sync(() => reportHeapAndExit("effect", args, prep))),
    ),
  );
}
await Effect.runPromise(all);
reportTiming("effect", args, prep, performance.now() - start);
