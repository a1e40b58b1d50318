/**
 * Seed scenario, native: N `async function`s, each awaiting a promise that a
 * `setTimeout` resolves; `Promise.all` joins them (the idiomatic form).
 *
 * @module
 */

import { parseArgs, prepare, reportHeapAndExit, reportTiming } from "./_seed_common.ts";

const args = parseArgs();
const prep = prepare(args);

async function worker(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

const start = performance.now();
const { delays } = prep;
const pending: Promise<void>[] = new Array(delays.length);
for (let i = 0; i < delays.length; i++) pending[i] = worker(delays[i]);
// Each worker ran synchronously up to its `await`: all N timers are armed now.
if (args.heap) reportHeapAndExit("native", args, prep);
await Promise.all(pending);
reportTiming("native", args, prep, performance.now() - start);
