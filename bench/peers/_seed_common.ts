/**
 * Shared plumbing for the seed-scenario children (`seed_scale_*.ts`): argument
 * parsing, the seeded delays, `/proc/self/status` readings and the one JSON
 * line each child prints. The Python twin (`seed_scale_asyncio.py`) prints the
 * same fields.
 *
 * Each (peer, N) runs in a fresh process so that VmHWM — the kernel's peak
 * resident set — belongs to that peer and that N alone.
 *
 * Two modes:
 * - timing (default): wall time from just before the first task is created to
 *   just after the last one finished; overhead = wall − longest sleep.
 * - `--heap`: every delay is pushed 60 s out so nothing can fire, the child
 *   waits until all N tasks are pending, forces a GC, reads `heapUsed`, prints
 *   and exits without waiting. (heapUsed at pending − heapUsed before) / N is
 *   the bytes one pending task keeps alive.
 *
 * `--shape=direct|coroutine` picks how a task is written (see {@link SHAPES});
 * every peer implements both, so the shape is the only thing that changes
 * between the two tables.
 *
 * @module
 */

import { MAX_DELAY_MS, seededDelays } from "../_prng.ts";

/** In `--heap` mode every delay is offset by this, so no timer fires before the measurement. */
export const HEAP_MODE_OFFSET_MS = 60_000;

/**
 * How each of the N tasks is written. `direct`: the task is the sleep itself
 * (yieldio `createTask(sleep(d))`, a bare `setTimeout` promise) — the shape of
 * the native reference figures. `coroutine`: the task is a coroutine
 * (generator, async function, `Effect.gen`) that awaits the sleep — one more
 * frame per task. Both are idiomatic, and they cost differently. Direct first:
 * the orchestrator runs and prints them in this order.
 */
export const SHAPES = ["direct", "coroutine"] as const;
/** One of {@link SHAPES}. */
export type Shape = typeof SHAPES[number];

/** What the orchestrator passes: `<n> <seed> [--shape=...] [--heap] [--driver=...]`. */
export interface SeedArgs {
  n: number;
  seed: number;
  /** Defaults to `coroutine`, what these children ran before shapes existed, so older command lines mean the same. */
  shape: Shape;
  heap: boolean;
  /** Peer-specific variant, e.g. `run` or `runSync` for yieldio. */
  driver: string | undefined;
}

/** The seeded inputs plus the baseline readings taken before any task exists. */
export interface Prepared {
  delays: Int32Array;
  longestSleepMs: number;
  delaySum: number;
  baselineRssBytes: number;
  baselineHeapBytes: number;
  cpuMsBefore: number;
}

declare const gc: (() => void) | undefined;

/** @returns The parsed command line; exits with a usage message when malformed. */
export function parseArgs(): SeedArgs {
  const [n, seed] = Deno.args.filter((a) => !a.startsWith("--")).map(Number);
  const shape = Deno.args.find((a) => a.startsWith("--shape="))?.slice("--shape=".length) ?? "coroutine";
  if (!Number.isInteger(n) || n <= 0 || !Number.isInteger(seed) || !(SHAPES as readonly string[]).includes(shape)) {
    console.error(`usage: seed_scale_<peer>.ts <n> <seed> [--shape=${SHAPES.join("|")}] [--heap] [--driver=<variant>]`);
    Deno.exit(2);
  }
  const driver = Deno.args.find((a) => a.startsWith("--driver="))?.slice("--driver=".length);
  return { n, seed, shape: shape as Shape, heap: Deno.args.includes("--heap"), driver };
}

/** @returns The seeded delays and the baseline RSS/heap, read after a GC. */
export function prepare(args: SeedArgs): Prepared {
  const delays = seededDelays(args.n, args.seed);
  let longest = 0, sum = 0;
  for (const d of delays) {
    if (d > longest) longest = d;
    sum += d;
  }
  if (args.heap) { for (let i = 0; i < delays.length; i++) delays[i] += HEAP_MODE_OFFSET_MS; }
  collect();
  return {
    delays,
    longestSleepMs: Math.min(longest, MAX_DELAY_MS),
    delaySum: sum,
    baselineRssBytes: procStatus().VmRSS,
    baselineHeapBytes: Deno.memoryUsage().heapUsed,
    cpuMsBefore: cpuMs(),
  };
}

/** Forces a full GC when the child runs with `--expose-gc`. */
export function collect(): void {
  if (typeof gc === "function") {
    gc();
    gc(); // a second pass collects what the first one's finalization freed
  }
}

/** @returns `VmRSS` and `VmHWM` (peak RSS) in bytes, from `/proc/self/status`. */
export function procStatus(): { VmRSS: number; VmHWM: number } {
  const text = Deno.readTextFileSync("/proc/self/status");
  const field = (name: string) => {
    const m = text.match(new RegExp(`^${name}:\\s+(\\d+) kB`, "m"));
    return m === null ? NaN : Number(m[1]) * 1024;
  };
  return { VmRSS: field("VmRSS"), VmHWM: field("VmHWM") };
}

/**
 * @returns CPU time (user + system, all threads) this process used so far, in
 *   ms, from `/proc/self/stat` (10 ms ticks). Beside wall time it shows how
 *   much of the overhead was this process's own work and how much was waiting
 *   for a busy machine.
 */
export function cpuMs(): number {
  const fields = Deno.readTextFileSync("/proc/self/stat").split(") ")[1].split(" ");
  // After "pid (comm) ": state is field 3, utime 14 and stime 15 (1-based).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Prints the timing result as one JSON line; `shape` lets the orchestrator check the child honoured `--shape`. */
export function reportTiming(peer: string, args: SeedArgs, prep: Prepared, wallMs: number): void {
  const { VmHWM } = procStatus();
  const cpu = cpuMs() - prep.cpuMsBefore;
  console.log(JSON.stringify({
    peer,
    shape: args.shape,
    n: args.n,
    seed: args.seed,
    delaySum: prep.delaySum,
    wallMs,
    longestSleepMs: prep.longestSleepMs,
    overheadMs: wallMs - prep.longestSleepMs,
    cpuMs: cpu,
    peakRssBytes: VmHWM,
    baselineRssBytes: prep.baselineRssBytes,
    rssPerTaskBytes: (VmHWM - prep.baselineRssBytes) / args.n,
  }));
}

/** At the all-pending point: GC, read the heap, print, and exit without waiting for the sleeps. */
export function reportHeapAndExit(peer: string, args: SeedArgs, prep: Prepared): never {
  collect();
  const heapPendingBytes = Deno.memoryUsage().heapUsed;
  console.log(JSON.stringify({
    peer,
    shape: args.shape,
    n: args.n,
    seed: args.seed,
    delaySum: prep.delaySum,
    heapBeforeBytes: prep.baselineHeapBytes,
    heapPendingBytes,
    heapPerTaskBytes: (heapPendingBytes - prep.baselineHeapBytes) / args.n,
    rssPendingBytes: procStatus().VmRSS,
  }));
  Deno.exit(0);
}
