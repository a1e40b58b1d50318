/**
 * Seed scenario, yieldio: N tasks, each sleeping its seeded delay; main joins
 * them in creation order (there is no gather yet).
 *
 * `--shape=direct`: each task is the sleep itself, `createTask(sleep(d))`.
 * `--shape=coroutine` (default): each task is a coroutine that does
 * `yield* sleep(d)`, one generator more per task.
 *
 * `--driver=run` (default) drives the loop host-driven (`run`, setImmediate
 * slices); `--driver=runSync` blocks the thread between timers (`runSync`,
 * Atomics.wait), the seed's `while (!stopped) run_once()`.
 *
 * `--join=gather` joins the tasks with one `gather(tasks)` instead of one
 * `yield*` each (scenario "gather": the two joins side by side).
 *
 * @module
 */

import { createTask, gather, run, runSync, sleep, type Task } from "../../mod.ts";
import { parseArgs, prepare, reportHeapAndExit, reportTiming } from "./_seed_common.ts";

const args = parseArgs();
const prep = prepare(args);
const byGather = Deno.args.includes("--join=gather");
const peer = `${args.driver === "runSync" ? "yieldio-runSync" : "yieldio"}${byGather ? "-gather" : ""}`;

function* worker(ms: number) {
  yield* sleep(ms);
}

function* main() {
  const { delays } = prep;
  const tasks: Task<unknown>[] = new Array(delays.length);
  // One loop per shape rather than a branch per task: each stays the tight
  // loop the single-shape peer had.
  if (args.shape === "direct") {
    for (let i = 0; i < delays.length; i++) tasks[i] = createTask(sleep(delays[i]));
  } else {
    for (let i = 0; i < delays.length; i++) tasks[i] = createTask(worker(delays[i]));
  }
  if (args.heap) {
    // One iteration later every task has run its first step and armed its sleep.
    yield* sleep(0);
    reportHeapAndExit(peer, args, prep);
  }
  if (byGather) yield* gather(tasks);
  else for (const task of tasks) yield* task;
}

const start = performance.now();
if (args.driver === "runSync") runSync(main);
else await run(main);
reportTiming(peer, args, prep, performance.now() - start);
