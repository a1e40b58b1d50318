/**
 * Scenario 8, in the runtime that runs this script (Deno as is, Node as an
 * esbuild bundle): prints one JSON object.
 *
 * - **jobs/s**: N trivial jobs (`add`) through a pool of one worker per core,
 *   all submitted at once, from a host-driven loop (`run`) and from a blocking
 *   one (`runSync`); the pool is warmed up first (workers started, module
 *   loaded), so this is the steady cost of a job: two structured clones, two
 *   port messages and the loop hand-off.
 * - **wake-up round trip**: one number sent through a `Channel` to a loop in
 *   a worker and back, one at a time; both loops blocking (`runSync`, woken
 *   by `Atomics.notify`) or both host-driven (woken by port messages). One way
 *   is about half of it (research/idle-wait.md §8.5 item 4).
 *
 * usage: threads_probe.ts [--quick] [echo-module-url]
 *
 * @module
 */

import { gather, run, runSync } from "../../mod.ts";
import { Channel, workerFunction, WorkerPool } from "../../lib/threads/mod.ts";
import { type Distribution, distribution } from "../_stats.ts";

const host = globalThis as unknown as {
  Deno?: { args: string[]; version: { deno: string } };
  process?: { argv: string[]; versions: { node: string } };
  navigator?: { hardwareConcurrency?: number };
};
const args = host.Deno?.args ?? host.process?.argv.slice(2) ?? [];
const quick = args.includes("--quick");
const echoUrl = args.find((a) => !a.startsWith("--")) ?? new URL("./threads_echo.ts", import.meta.url).href;

const JOBS = "data:text/javascript," + encodeURIComponent("export const add = (a, b) => a + b;");
const add = workerFunction<(a: number, b: number) => number>(JOBS, "add");
const echoBlocking = workerFunction<(end: unknown) => string>(echoUrl, "echoBlocking");
const echoHost = workerFunction<(end: unknown) => string>(echoUrl, "echoHost");

const JOBS_N = quick ? 2_000 : 20_000;
const PINGS = quick ? 300 : 3_000;

function* jobsPerSecond() {
  const pool = new WorkerPool();
  yield* gather(Array.from({ length: pool.stats().size * 2 }, () => pool.submit(add, 1, 1))); // warm-up
  const start = performance.now();
  yield* gather(Array.from({ length: JOBS_N }, (_, i) => pool.submit(add, i, 1)));
  return JOBS_N / (performance.now() - start) * 1000;
}

function* roundTrips(echo: typeof echoBlocking) {
  const [mine, theirs] = Channel.pair<number, number>();
  const pool = new WorkerPool({ size: 1 });
  const job = pool.submit(echo, theirs);
  const channel = new Channel(mine);
  for (let i = 0; i < 50; i++) { // warm-up: handshake, JIT
    channel.putNowait(i);
    yield* channel.get();
  }
  const samples: number[] = [];
  for (let i = 0; i < PINGS; i++) {
    const start = performance.now();
    channel.putNowait(i);
    yield* channel.get();
    samples.push(performance.now() - start);
  }
  channel.putNowait(-1);
  yield* job;
  return distribution(samples);
}

const report: {
  runtime: string;
  jobs: number;
  pings: number;
  jobsPerSecond: { run: number; runSync: number };
  roundTrip: { blocking: Distribution; host: Distribution };
} = {
  runtime: host.Deno ? `Deno ${host.Deno.version.deno}` : `Node ${host.process?.versions.node}`,
  jobs: JOBS_N,
  pings: PINGS,
  jobsPerSecond: { run: await run(jobsPerSecond), runSync: runSync(jobsPerSecond) },
  roundTrip: { blocking: runSync(() => roundTrips(echoBlocking)), host: await run(() => roundTrips(echoHost)) },
};
console.log(JSON.stringify(report));
