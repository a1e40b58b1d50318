/**
 * async_tree, native: pyperformance's `bm_async_tree` with async functions,
 * `Promise.all` and a `setTimeout` promise for the sleep. Async functions
 * start at once (run to their first `await`), so there is no lazy flavour.
 *
 * Deno runs this file; Node runs its esbuild bundle.
 *
 * @module
 */

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

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function mockIoCall(): Promise<void> {
  tree.sleeps++;
  await sleep(IO_SLEEP_MS);
}

// deno-lint-ignore require-await -- the "none" workload does no async work, as in the original
async function noneWorkload(): Promise<void> {
  return;
}

async function ioWorkload(): Promise<void> {
  await mockIoCall();
}

async function memoizationWorkload(): Promise<number> {
  const data = tree.random.randint(1, 100);
  if (data <= MEMOIZABLE_PERCENTAGE && tree.cached(data)) return data;
  await mockIoCall();
  return data;
}

async function cpuIoMixedWorkload(): Promise<unknown> {
  if (tree.random.random() < CPU_PROBABILITY) return factorial(FACTORIAL_N);
  return await memoizationWorkload();
}

const workloadFunc = {
  none: noneWorkload,
  io: ioWorkload,
  memoization: memoizationWorkload,
  cpu_io_mixed: cpuIoMixedWorkload,
}[args.variant];

async function recurseWithGather(recurseLevel: number): Promise<void> {
  if (recurseLevel === 0) {
    await workloadFunc();
    return;
  }
  const children: Promise<void>[] = [];
  for (let i = 0; i < NUM_RECURSE_BRANCHES; i++) children.push(recurseWithGather(recurseLevel - 1));
  await Promise.all(children);
}

await measureTree("native", args, async () => {
  const start = performance.now();
  await recurseWithGather(args.levels);
  return performance.now() - start;
});
