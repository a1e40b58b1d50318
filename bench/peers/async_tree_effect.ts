/**
 * async_tree, Effect 3: pyperformance's `bm_async_tree` with `Effect.gen`,
 * `Effect.all` with unbounded concurrency for the gather and `Effect.sleep`;
 * one `Effect.runPromise` per iteration, timed from inside it.
 *
 * @module
 */

import { type Effect, EFFECT_SPECIFIER, type EffectModule, importPeer } from "./_npm.ts";
import {
  CPU_PROBABILITY,
  factorial,
  FACTORIAL_N,
  IO_SLEEP_MS,
  measureTree,
  MEMOIZABLE_PERCENTAGE,
  NUM_RECURSE_BRANCHES,
  parseTreeArgs,
  tree,
} from "./_async_tree_common.ts";

const { Effect } = await importPeer<{ Effect: EffectModule }>(EFFECT_SPECIFIER);
const args = parseTreeArgs();

const mockIoCall = (): Effect<void> =>
  Effect.gen(function* () {
    tree.sleeps++;
    yield* Effect.sleep(IO_SLEEP_MS);
  });

const noneWorkload = (): Effect<void> => Effect.gen(function* () {});

const ioWorkload = (): Effect<void> =>
  Effect.gen(function* () {
    yield* mockIoCall();
  });

const memoizationWorkload = (): Effect<number> =>
  Effect.gen(function* () {
    const data = tree.random.randint(1, 100);
    if (data <= MEMOIZABLE_PERCENTAGE && tree.cached(data)) return data;
    yield* mockIoCall();
    return data;
  });

const cpuIoMixedWorkload = (): Effect<unknown> =>
  Effect.gen(function* () {
    if (tree.random.random() < CPU_PROBABILITY) return factorial(FACTORIAL_N);
    return yield* memoizationWorkload();
  });

const workloadFunc: () => Effect<unknown> = {
  none: noneWorkload,
  io: ioWorkload,
  memoization: memoizationWorkload,
  cpu_io_mixed: cpuIoMixedWorkload,
}[args.variant];

const recurseWithGather = (recurseLevel: number): Effect<void> =>
  Effect.gen(function* () {
    if (recurseLevel === 0) {
      yield* workloadFunc();
      return;
    }
    const children: Effect<void>[] = [];
    for (let i = 0; i < NUM_RECURSE_BRANCHES; i++) children.push(recurseWithGather(recurseLevel - 1));
    yield* Effect.all(children, { concurrency: "unbounded" });
  });

await measureTree("effect", args, () =>
  Effect.runPromise(Effect.gen(function* () {
    const start = performance.now();
    yield* recurseWithGather(args.levels);
    return performance.now() - start;
  })));
