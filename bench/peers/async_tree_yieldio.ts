/**
 * async_tree, yieldio: pyperformance's `bm_async_tree` with generator
 * coroutines and `gather`, one `run()` (a fresh loop) per iteration, timed
 * from inside the loop as pyperf's `bench_async_func` times it. `--eager`
 * installs {@linkcode eagerTaskFactory} at the start of each iteration, as the
 * original's `EagerMixin` installs `asyncio.eager_task_factory`.
 *
 * Deno runs this file; Node runs its esbuild bundle.
 *
 * @module
 */

import { type Coro, eagerTaskFactory, gather, getRunningLoop, run, sleep } from "../../mod.ts";
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

const args = parseTreeArgs();

function* mockIoCall(): Coro<void> {
  tree.sleeps++;
  yield* sleep(IO_SLEEP_MS);
}

// deno-lint-ignore require-yield -- the "none" workload does no async work, as in the original
function* noneWorkload(): Coro<void> {
  return;
}

function* ioWorkload(): Coro<void> {
  yield* mockIoCall();
}

function* memoizationWorkload(): Coro<number> {
  const data = tree.random.randint(1, 100);
  if (data <= MEMOIZABLE_PERCENTAGE && tree.cached(data)) return data;
  yield* mockIoCall();
  return data;
}

function* cpuIoMixedWorkload(): Coro<unknown> {
  if (tree.random.random() < CPU_PROBABILITY) return factorial(FACTORIAL_N);
  return yield* memoizationWorkload();
}

const workloadFunc = {
  none: noneWorkload,
  io: ioWorkload,
  memoization: memoizationWorkload,
  cpu_io_mixed: cpuIoMixedWorkload,
}[args.variant];

function* recurseWithGather(recurseLevel: number): Coro<void> {
  if (recurseLevel === 0) {
    yield* workloadFunc();
    return;
  }
  const children: Coro<void>[] = [];
  for (let i = 0; i < NUM_RECURSE_BRANCHES; i++) children.push(recurseWithGather(recurseLevel - 1));
  yield* gather(children);
}

await measureTree(args.eager ? "yieldio-eager" : "yieldio", args, () =>
  run(function* () {
    const start = performance.now();
    if (args.eager) getRunningLoop().setTaskFactory(eagerTaskFactory);
    yield* recurseWithGather(args.levels);
    return performance.now() - start;
  }));
