/**
 * Seed scenario, yieldio: N tasks, each one coroutine that sleeps its seeded
 * delay; main joins them in creation order (there is no gather yet).
 *
 * `--driver=run` (default) drives the loop host-driven (`run`, setImmediate
 * slices); `--driver=runSync` blocks the thread between timers (`runSync`,
 * Atomics.wait), the seed's `while (!stopped) run_once()`.
 *
 * @module
 */

import { createTask, run, runSync, sleep, type Task } from "../../mod.ts";
import { parseArgs, prepare, reportHeapAndExit, reportTiming } from "./_seed_common.ts";

const args = parseArgs();
const prep = prepare(args);
const peer = args.driver === "runSync" ? "yieldio-runSync" : "yieldio";

function* worker(ms: number) {
  yield* sleep(ms);
}

function* main() {
  const { delays } = prep;
  const tasks: Task<void>[] = new Array(delays.length);
  for (let i = 0; i < delays.length; i++) tasks[i] = createTask(worker(delays[i]));
  if (args.heap) {
    // One iteration later every task has run its first step and armed its sleep.
    yield* sleep(0);
    reportHeapAndExit(peer, args, prep);
  }
  for (const task of tasks) yield* task;
}

const start = performance.now();
if (args.driver === "runSync") runSync(main);
else await run(main);
reportTiming(peer, args, prep, performance.now() - start);
