/**
 * Seed scenario, native. `--shape=direct`: each task is a promise that a
 * `setTimeout` resolves, `new Promise((r) => setTimeout(r, d))`, no async
 * function — the shape of the reference figures. `--shape=coroutine`
 * (default): each task is an `async function` awaiting such a promise. Either
 * way `Promise.all` joins them (the idiomatic form, kept from the first
 * version of this peer so the shape is the only difference).
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
if (args.shape === "direct") {
  for (let i = 0; i < delays.length; i++) pending[i] = new Promise<void>((resolve) => setTimeout(resolve, delays[i]));
} else {
  for (let i = 0; i < delays.length; i++) pending[i] = worker(delays[i]);
}
// Promise executors and async functions run synchronously up to their first
// `await`: all N timers are armed now.
if (args.heap) reportHeapAndExit("native", args, prep);
await Promise.all(pending);
reportTiming("native", args, prep, performance.now() - start);
