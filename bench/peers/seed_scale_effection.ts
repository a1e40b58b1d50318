/**
 * Seed scenario, Effection 4, as its guides write it: `run` an operation that
 * `spawn`s one child per delay and then joins the spawned tasks with `yield*`,
 * in creation order — the same shape as the yieldio peer.
 *
 * `--shape=direct`: each child is the sleep operation itself,
 * `spawn(() => sleep(d))` (`spawn` takes a function returning an operation).
 * `--shape=coroutine` (default): each child is a generator that does
 * `yield* sleep(d)`.
 *
 * @module
 */

import { type Effection, EFFECTION_SPECIFIER, type EffectionTask, importPeer } from "./_npm.ts";
import { parseArgs, prepare, reportHeapAndExit, reportTiming } from "./_seed_common.ts";

const { run, spawn, sleep } = await importPeer<Effection>(EFFECTION_SPECIFIER);
const args = parseArgs();
const prep = prepare(args);

function* worker(ms: number) {
  yield* sleep(ms);
}

const start = performance.now();
await run(function* () {
  const { delays } = prep;
  const tasks: EffectionTask<void>[] = new Array(delays.length);
  if (args.shape === "direct") {
    for (let i = 0; i < delays.length; i++) {
      const ms = delays[i];
      tasks[i] = yield* spawn(() => sleep(ms));
    }
  } else {
    for (let i = 0; i < delays.length; i++) {
      const ms = delays[i];
      tasks[i] = yield* spawn(() => worker(ms));
    }
  }
  if (args.heap) {
    yield* sleep(0); // let every child reach its sleep
    reportHeapAndExit("effection", args, prep);
  }
  for (const task of tasks) yield* task;
});
reportTiming("effection", args, prep, performance.now() - start);
