/**
 * async_tree, Effection 4: pyperformance's `bm_async_tree` with generator
 * operations, `all()` for the gather and Effection's `sleep`; one `run()` per
 * iteration, timed from inside it.
 *
 * @module
 */

import { type Effection, EFFECTION_SPECIFIER, importPeer, type Operation } from "./_npm.ts";
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

const { all, run, sleep } = await importPeer<Effection>(EFFECTION_SPECIFIER);
const args = parseTreeArgs();

function* mockIoCall(): Generator<unknown, void> {
  tree.sleeps++;
  yield* sleep(IO_SLEEP_MS);
}

// deno-lint-ignore require-yield -- the "none" workload does no async work, as in the original
function* noneWorkload(): Generator<unknown, void> {
  return;
}

function* ioWorkload(): Generator<unknown, void> {
  yield* mockIoCall();
}

function* memoizationWorkload(): Generator<unknown, number> {
  const data = tree.random.randint(1, 100);
  if (data <= MEMOIZABLE_PERCENTAGE && tree.cached(data)) return data;
  yield* mockIoCall();
  return data;
}

function* cpuIoMixedWorkload(): Generator<unknown, unknown> {
  if (tree.random.random() < CPU_PROBABILITY) return factorial(FACTORIAL_N);
  return yield* memoizationWorkload();
}

const workloadFunc = {
  none: noneWorkload,
  io: ioWorkload,
  memoization: memoizationWorkload,
  cpu_io_mixed: cpuIoMixedWorkload,
}[args.variant];

function* recurseWithGather(recurseLevel: number): Generator<unknown, void> {
  if (recurseLevel === 0) {
    yield* workloadFunc();
    return;
  }
  const children: Operation<void>[] = [];
  for (let i = 0; i < NUM_RECURSE_BRANCHES; i++) children.push(recurseWithGather(recurseLevel - 1));
  yield* all(children);
}

await measureTree("effection", args, () =>
  run(function* () {
    const start = performance.now();
    yield* recurseWithGather(args.levels);
    return performance.now() - start;
  }));
