/**
 * Shared plumbing for the async_tree children (`async_tree_*.ts`), a port of
 * pyperformance's `bm_async_tree` (`peers/vendor/pyperformance/`, run as is
 * by `async_tree_asyncio.py`): its constants, the seeded draws and memo cache
 * its leaves consult, the leaf counters, and the pyperf-style measurement
 * each child runs and prints as one JSON line.
 *
 * The tree: `recurse(level)` gathers NUM_RECURSE_BRANCHES calls of
 * `recurse(level - 1)`; at level 0 it awaits the variant's workload. Every
 * side writes the recursion and the workloads in its own idiom and draws from
 * the one {@linkcode tree} state here, in the order its leaves run. Each leaf
 * makes its draws before its first await, so the draw sequence — and with it
 * the number of sleeps and factorials — is the Python original's whatever
 * order a side runs its leaves in; the orchestrator checks it.
 *
 * Runs in Deno and, bundled by esbuild, in Node (node:fs and node:process
 * only).
 *
 * @module
 */

import { readFileSync } from "node:fs";
import process from "node:process";
import { PythonRandom } from "../_mt19937.ts";

/** pyperformance's constants (`IO_SLEEP_TIME` 0.05 s is 50 ms here). */
export const NUM_RECURSE_LEVELS = 6;
export const NUM_RECURSE_BRANCHES = 6;
export const RANDOM_SEED = 0;
export const IO_SLEEP_MS = 50;
export const MEMOIZABLE_PERCENTAGE = 90;
export const CPU_PROBABILITY = 0.5;
export const FACTORIAL_N = 500;

/** The workload variants; each has an eager flavour (`--eager`) where the side has one. */
export const VARIANTS = ["none", "io", "memoization", "cpu_io_mixed"] as const;
/** One of {@linkcode VARIANTS}. */
export type Variant = typeof VARIANTS[number];

/** What the orchestrator passes: `<variant> [--eager] [--levels=N] [--values=N] [--warmups=N] [--alloc]`. */
export interface TreeArgs {
  variant: Variant;
  eager: boolean;
  levels: number;
  /** Timed iterations (pyperf's default: 3 values per process). */
  values: number;
  /** Untimed iterations first (pyperf's default: 1). */
  warmups: number;
  /**
   * Also measure the bytes each iteration allocates: a full GC before it, V8's
   * `heapUsed` growth across it. Needs `--expose-gc` and a young generation
   * large enough that no scavenge runs inside an iteration (the A/B tool
   * passes `--min-semi-space-size` and `--max-semi-space-size`); a report
   * whose growth shrank between iterations says so in `allocBytes`.
   */
  alloc: boolean;
}

/** @returns The parsed command line; exits with a usage message when malformed. */
export function parseTreeArgs(): TreeArgs {
  const args = process.argv.slice(2);
  const flag = (name: string, fallback: number) => {
    const arg = args.find((a) => a.startsWith(`--${name}=`));
    return arg === undefined ? fallback : Number(arg.slice(name.length + 3));
  };
  const variant = args.find((a) => !a.startsWith("--")) as Variant;
  const parsed = {
    variant,
    eager: args.includes("--eager"),
    levels: flag("levels", NUM_RECURSE_LEVELS),
    values: flag("values", 3),
    warmups: flag("warmups", 1),
    alloc: args.includes("--alloc"),
  };
  const counts = [parsed.levels, parsed.values, parsed.warmups];
  if (!VARIANTS.includes(variant) || counts.some((n) => !Number.isInteger(n) || n < 0) || parsed.values < 1) {
    console.error(
      `usage: async_tree_<side> <${VARIANTS.join("|")}> [--eager] [--levels=N] [--values=N] [--warmups=N] [--alloc]`,
    );
    process.exit(2);
  }
  return parsed;
}

/**
 * The state pyperformance's `AsyncTree` keeps: `random.seed(0)` once per
 * process (so later iterations continue the sequence, as under pyperf) and
 * the memo cache (kept across iterations too, as `self.cache` is). Plus the
 * counters the orchestrator compares across sides.
 */
class TreeState {
  readonly random: PythonRandom = new PythonRandom(RANDOM_SEED);
  /** `self.cache`: data values 1..100 already seen. */
  readonly #cache = new Uint8Array(101);
  sleeps = 0;
  factorials = 0;

  /** `if self.cache.get(data): return data` then `self.cache[data] = True`: whether `data` was cached. */
  cached(data: number): boolean {
    if (this.#cache[data] === 1) return true;
    this.#cache[data] = 1;
    return false;
  }
}

/** The one tree state of this process. */
export const tree: TreeState = new TreeState();

/** `math.factorial(n)` with BigInt multiplications (Python's is C); counted. */
export function factorial(n: number): bigint {
  tree.factorials++;
  const last = BigInt(n);
  let result = 1n;
  for (let i = 2n; i <= last; i++) result *= i;
  return result;
}

/** One child's report. */
export interface TreeReport {
  side: string;
  variant: Variant;
  eager: boolean;
  levels: number;
  /** Each timed iteration's wall time, from inside the loop (pyperf's `bench_async_func`). */
  valuesMs: number[];
  /** User + system CPU (every thread, GC helpers included) over the timed iterations, per iteration. */
  cpuMsPerValue: number;
  /** VmHWM at the end: the process's peak resident set. */
  peakRssBytes: number;
  /** [sleeps, factorials] of every iteration, warm-ups first. */
  leaves: [number, number][];
  /** With `--alloc`: each timed iteration's heapUsed growth from a collected heap, in bytes. */
  allocBytes?: number[];
}

declare const gc: (() => void) | undefined;

/** The tree's node count at `levels`: every recurse call, the root included. */
export function treeNodes(levels: number): number {
  return (NUM_RECURSE_BRANCHES ** (levels + 1) - 1) / (NUM_RECURSE_BRANCHES - 1);
}

/**
 * Runs `iteration` warm-up + value times and prints the report.
 *
 * @param side The side's name, echoed for the orchestrator.
 * @param iteration One pass over the whole tree; resolves to the ms it measured itself.
 */
export async function measureTree(
  side: string,
  args: TreeArgs,
  iteration: () => Promise<number> | number,
): Promise<void> {
  const leaves: [number, number][] = [];
  const counted = async () => {
    const before = [tree.sleeps, tree.factorials];
    const ms = await iteration();
    leaves.push([tree.sleeps - before[0], tree.factorials - before[1]]);
    return ms;
  };
  for (let i = 0; i < args.warmups; i++) await counted();
  const cpuBefore = process.cpuUsage();
  const valuesMs: number[] = [];
  const allocBytes: number[] = [];
  for (let i = 0; i < args.values; i++) {
    if (!args.alloc) {
      valuesMs.push(await counted());
      continue;
    }
    if (typeof gc !== "function") throw new Error("--alloc needs --expose-gc");
    gc();
    const before = process.memoryUsage().heapUsed;
    valuesMs.push(await counted());
    allocBytes.push(process.memoryUsage().heapUsed - before);
  }
  const cpu = process.cpuUsage(cpuBefore);
  const report: TreeReport = {
    side,
    variant: args.variant,
    eager: args.eager,
    levels: args.levels,
    valuesMs,
    cpuMsPerValue: (cpu.user + cpu.system) / 1000 / args.values,
    peakRssBytes: peakRss(),
    leaves,
    ...(args.alloc ? { allocBytes } : {}),
  };
  console.log(JSON.stringify(report));
}

/** @returns VmHWM in bytes, from `/proc/self/status` (NaN off Linux). */
export function peakRss(): number {
  try {
    const kb = readFileSync("/proc/self/status", "utf8").match(/^VmHWM:\s+(\d+) kB/m)?.[1];
    return kb === undefined ? NaN : Number(kb) * 1024;
  } catch {
    return NaN;
  }
}
