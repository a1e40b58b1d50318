/**
 * Seed scenario, Effect 3, as its docs write it: `Effect.forEach` over the
 * delays with `{ concurrency: "unbounded" }` (one fiber per item), run with
 * `Effect.runPromise`. `discard: true` because the results are not needed.
 *
 * `--shape=direct`: each fiber runs `Effect.sleep(ms)` itself (what this peer
 * ran before shapes existed). `--shape=coroutine` (default): each fiber runs
 * an `Effect.gen` generator that does `yield* Effect.sleep(ms)`, Effect's
 * counterpart of an async function awaiting the sleep.
 *
 * @module
 */

import { EFFECT_SPECIFIER, type EffectModule, importPeer } from "./_npm.ts";
import { parseArgs, prepare, reportHeapAndExit, reportTiming } from "./_seed_common.ts";

const { Effect } = await importPeer<{ Effect: EffectModule }>(EFFECT_SPECIFIER);
const args = parseArgs();
const prep = prepare(args);

const worker = args.shape === "direct" ? (ms: number) => Effect.sleep(ms) : (ms: number) =>
  Effect.gen(function* () {
    yield* Effect.sleep(ms);
  });
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
