/**
 * Scenario 1, the seed's program at scale: N tasks each sleeping a seeded
 * random 0–1000 ms, for N = 1k, 100k, 1M, in two shapes (`direct`: each
 * task is a sleep; `coroutine`: each task awaits one — see `SHAPES`). Every
 * (peer, shape, N, round) is a fresh child process (`peers/seed_scale_*`), so
 * each peak RSS (VmHWM) belongs to one peer in one shape at one N; peers
 * alternate within a round, in a rotating order. At each N both shapes run,
 * direct first, before the next N: the two tables' figures for one N are then
 * minutes apart rather than the whole scenario apart, so a change in the
 * shared machine's load hits both shapes alike.
 *
 * Budget: a peer is skipped at an N when its median at the previous N
 * extrapolates (linearly in overhead) past 120 s, or when its memory growth
 * extrapolates past what the child could hold — V8's heap limit (4 GiB by
 * default) or half the machine's RAM — since such a run ends in an
 * out-of-memory crash after minutes. Native and asyncio are always attempted
 * at 1M: they are the issue's reference points. The rules apply per shape: a
 * peer skipped in one shape may still run in the other.
 *
 * @module
 */

import v8 from "node:v8";
import { MAX_DELAY_MS } from "../_prng.ts";
import { fmtBytes, fmtCount, fmtMs, fmtRatio, median } from "../_stats.ts";
import { markdownTable } from "../_table.ts";
import { type Shape, SHAPES } from "../peers/_seed_common.ts";

export { type Shape, SHAPES };

const SEED = 42;
const BUDGET_MS = 120_000;
const CHILD_TIMEOUT_MS = 10 * 60_000;
const MIB = 1024 * 1024;

/** The issue's yieldio targets at 1M tasks. */
export const SEED_TARGETS = { overheadMs: 1000, peakRssBytes: 400 * MIB };

/** Each shape's section title (after "shape —") and how each peer writes a task in it. */
const SHAPE_NOTES: Record<Shape, { title: string; how: string }> = {
  direct: {
    title: "N tasks, each one a sleep of a seeded random 0–1000 ms",
    how: "yieldio `createTask(sleep(d))`; native `new Promise((r) => setTimeout(r, d))`; Effection " +
      "`spawn(() => sleep(d))`; Effect `Effect.sleep(d)` per fiber; asyncio `create_task(asyncio.sleep(d / 1000))`.",
  },
  coroutine: {
    title: "N tasks, each a coroutine that awaits a sleep of a seeded random 0–1000 ms",
    how: "yieldio `createTask(worker(d))` with `function* worker(ms) { yield* sleep(ms); }`; native an `async` " +
      "function awaiting a `setTimeout` promise; Effection a spawned generator doing `yield* sleep(d)`; Effect " +
      "`Effect.gen(function* () { yield* Effect.sleep(d); })` per fiber; asyncio an `async def` awaiting " +
      "`asyncio.sleep`.",
  },
};

/** How every shape joins: unchanged from before shapes existed, so the shape is the only difference. */
const JOIN_NOTE = "Main joins the tasks the same way in both shapes: yieldio, Effection and asyncio `yield*`/`await` " +
  "each task in creation order, native `Promise.all`, Effect `Effect.forEach` with unbounded concurrency.";

interface PeerSpec {
  id: string;
  /** The row label in each shape's table: native's differs, as its direct shape has no async function. */
  label: Record<Shape, string>;
  /** Command line for one run; `heap` selects the heap-per-task mode (JS peers only). */
  command(n: number, shape: Shape, heap: boolean): string[];
  heapMode: boolean;
  mustAttempt: boolean;
  /** The issue's reference figures, by N. */
  reference: Record<number, string>;
  /** The shape the issue measured `reference` in; unset when it does not say, so both tables show it. */
  referenceShape?: Shape;
}

/** A label that reads the same in both shapes. */
const sameLabel = (label: string): Record<Shape, string> => ({ direct: label, coroutine: label });

/** One timing run as a child reports it. */
export interface SeedRun {
  wallMs: number;
  longestSleepMs: number;
  overheadMs: number;
  /** User + system CPU time of the child over the same span (all threads, GC helpers included). */
  cpuMs: number;
  peakRssBytes: number;
  baselineRssBytes: number;
  rssPerTaskBytes: number;
  delaySum: number;
}

/** One peer in one shape at one N. */
export interface SeedCell {
  peer: string;
  shape: Shape;
  label: string;
  n: number;
  status: "ok" | "skipped" | "failed";
  note?: string;
  runs: SeedRun[];
  overheadMedianMs?: number;
  wallMedianMs?: number;
  cpuMedianMs?: number;
  peakRssMedianBytes?: number;
  rssPerTaskMedianBytes?: number;
  heapPerTaskBytes?: number;
}

/** The scenario's outcome: every cell plus the rendered markdown. */
export interface SeedResult {
  seed: number;
  /** The shapes run, in order; every cell names its own. */
  shapes: Shape[];
  ns: number[];
  roundsByN: Record<number, number>;
  cells: SeedCell[];
  targets: TargetCheck[];
  markdown: string;
}

/** One target verdict. */
export interface TargetCheck {
  target: string;
  value: string;
  met: boolean;
  verdict: string;
}

function denoChild(script: string, extra: string[] = []) {
  return (n: number, shape: Shape, heap: boolean): string[] => [
    Deno.execPath(),
    "run",
    "-A",
    "--no-lock",
    // deno.json's nodeModulesDir is "manual" (the library has no npm deps);
    // the npm peers load through Deno's global cache instead.
    "--node-modules-dir=none",
    "--v8-flags=--expose-gc",
    new URL(`../peers/${script}`, import.meta.url).pathname,
    String(n),
    String(SEED),
    `--shape=${shape}`,
    ...extra,
    ...(heap ? ["--heap"] : []),
  ];
}

function peers(python: boolean): PeerSpec[] {
  const list: PeerSpec[] = [
    {
      id: "yieldio",
      label: sameLabel("yieldio run()"),
      command: denoChild("seed_scale_yieldio.ts", ["--driver=run"]),
      heapMode: true,
      mustAttempt: true,
      reference: { 1_000_000: "target ≤ 1 s, ≤ 400 MiB" },
    },
    {
      id: "yieldio-runSync",
      label: sameLabel("yieldio runSync()"),
      command: denoChild("seed_scale_yieldio.ts", ["--driver=runSync"]),
      heapMode: false, // the same objects as run(); only the driver differs
      mustAttempt: true,
      reference: {},
    },
    {
      id: "native",
      label: { direct: "native Promise + setTimeout", coroutine: "native async/await + setTimeout" },
      command: denoChild("seed_scale_native.ts"),
      heapMode: true,
      mustAttempt: true,
      reference: { 1_000_000: "≈ 11 s, ≈ 925 MiB" },
      // "native Promise+setTimeout": a bare setTimeout promise per task.
      referenceShape: "direct",
    },
    {
      id: "effection",
      label: sameLabel("Effection 4"),
      command: denoChild("seed_scale_effection.ts"),
      heapMode: true,
      mustAttempt: false,
      reference: { 100_000: "≈ 30 s" },
    },
    {
      id: "effect",
      label: sameLabel("Effect 3"),
      command: denoChild("seed_scale_effect.ts"),
      heapMode: true,
      mustAttempt: false,
      reference: { 100_000: "≈ 12 s" },
    },
  ];
  if (python) {
    list.push({
      id: "asyncio",
      label: sameLabel("Python asyncio"),
      command: (n, shape) => [
        "python3",
        new URL("../peers/seed_scale_asyncio.py", import.meta.url).pathname,
        String(n),
        String(SEED),
        `--shape=${shape}`,
      ],
      heapMode: false,
      mustAttempt: true,
      reference: { 1_000_000: "≈ 46 s" },
    });
  }
  return list;
}

async function runChild(argv: string[], shape: Shape): Promise<Record<string, number>> {
  const out = await new Deno.Command(argv[0], {
    args: argv.slice(1),
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(CHILD_TIMEOUT_MS),
  }).output();
  const stdout = new TextDecoder().decode(out.stdout).trim();
  if (!out.success) {
    const stderr = new TextDecoder().decode(out.stderr).trim().split("\n").slice(-3).join(" / ");
    throw new Error(`exit ${out.code}${out.signal ? ` (${out.signal})` : ""}: ${stderr}`);
  }
  const result = JSON.parse(stdout.split("\n").at(-1) as string);
  // A peer that ignored --shape would put one shape's figures in the other's table.
  if (result.shape !== shape) throw new Error(`asked for shape ${shape}, the child reports ${result.shape}`);
  return result;
}

/** The most a child may be predicted to grow by: V8's heap limit, or half the RAM if smaller. */
function memoryBudgetBytes(): number {
  let ram = Infinity;
  try {
    ram = Number(Deno.readTextFileSync("/proc/meminfo").match(/^MemTotal:\s+(\d+) kB/m)?.[1]) * 1024;
  } catch {
    // not Linux: the heap limit alone
  }
  return Math.min(v8.getHeapStatistics().heap_size_limit, ram / 2);
}

function humanDuration(ms: number): string {
  return ms >= 90_000 ? `~${(ms / 60_000).toFixed(1)} min` : `~${Math.round(ms / 1000)} s`;
}

/**
 * Runs scenario 1.
 *
 * @param options `quick`: N = 1k and 10k, one round. `rounds`: overrides the
 *   rounds at every N (1M gets at most 3: a median of three, not the mean of
 *   two, since one slow round moved a verdict). `shapes`: which shapes,
 *   run in {@link SHAPES}' order whatever the order given. `python`: run
 *   asyncio. `log`: progress lines.
 */
export async function runSeedScale(
  options: {
    quick: boolean;
    rounds: number | null;
    shapes: readonly Shape[];
    python: boolean;
    log: (line: string) => void;
  },
): Promise<SeedResult> {
  const { quick, log } = options;
  const shapes = SHAPES.filter((s) => options.shapes.includes(s));
  const ns = quick ? [1_000, 10_000] : [1_000, 100_000, 1_000_000];
  const roundsByN: Record<number, number> = {};
  for (const n of ns) {
    const base = options.rounds ?? (quick ? 1 : 3);
    roundsByN[n] = n >= 1_000_000 ? Math.min(base, 3) : base;
  }
  const specs = peers(options.python);
  const memoryBudget = memoryBudgetBytes();
  const cells: SeedCell[] = [];
  const cellOf = (peer: string, shape: Shape, n: number) =>
    cells.find((c) => c.peer === peer && c.shape === shape && c.n === n);

  for (const [ni, n] of ns.entries()) {
    for (const shape of shapes) {
      const active: PeerSpec[] = [];
      for (const spec of specs) {
        const cell: SeedCell = { peer: spec.id, shape, label: spec.label[shape], n, status: "ok", runs: [] };
        cells.push(cell);
        const prev = ni > 0 ? cellOf(spec.id, shape, ns[ni - 1]) : undefined;
        if (prev !== undefined && prev.status !== "ok") {
          cell.status = "skipped";
          cell.note = `skipped: ${prev.status} at ${fmtCount(prev.n)}`;
          continue;
        }
        if (prev?.overheadMedianMs !== undefined && !spec.mustAttempt) {
          const predicted = MAX_DELAY_MS + prev.overheadMedianMs * (n / prev.n);
          const growth = (prev.peakRssMedianBytes as number) - median(prev.runs.map((r) => r.baselineRssBytes));
          const predictedGrowth = growth * (n / prev.n);
          if (predicted > BUDGET_MS) {
            cell.note = `skipped: ${fmtCount(prev.n)} took ${fmtMs(prev.wallMedianMs as number)}, ` +
              `${fmtCount(n)} would take ${humanDuration(predicted)}`;
          } else if (predictedGrowth > memoryBudget) {
            cell.note = `skipped: ${fmtCount(prev.n)} grew RSS by ${fmtBytes(growth)}, ${fmtCount(n)} would need ` +
              `~${fmtBytes(predictedGrowth)} (more than ${fmtBytes(memoryBudget)}: V8's heap limit or half the RAM)`;
          }
          if (cell.note !== undefined) {
            cell.status = "skipped";
            log(`  ${spec.label[shape]} (${shape}) at ${fmtCount(n)}: ${cell.note}`);
            continue;
          }
        }
        active.push(spec);
      }
      for (let round = 0; round < roundsByN[n]; round++) {
        // Rotate the order each round so no peer always runs first (or right after the heaviest).
        const order = active.map((_, i) => active[(i + round) % active.length]);
        for (const spec of order) {
          const cell = cellOf(spec.id, shape, n) as SeedCell;
          if (cell.status !== "ok") continue;
          log(`  seed ${shape} ${fmtCount(n)} round ${round + 1}/${roundsByN[n]}: ${cell.label}`);
          try {
            const r = await runChild(spec.command(n, shape, false), shape);
            cell.runs.push(r as unknown as SeedRun);
            log(`    overhead ${fmtMs(r.overheadMs)}, peak RSS ${fmtBytes(r.peakRssBytes)}`);
          } catch (error) {
            cell.status = "failed";
            cell.note = `failed: ${(error as Error).message}`;
            log(`    ${cell.note}`);
          }
        }
      }
      for (const spec of active) {
        const cell = cellOf(spec.id, shape, n) as SeedCell;
        if (cell.runs.length === 0) continue;
        cell.overheadMedianMs = median(cell.runs.map((r) => r.overheadMs));
        cell.wallMedianMs = median(cell.runs.map((r) => r.wallMs));
        cell.cpuMedianMs = median(cell.runs.map((r) => r.cpuMs));
        cell.peakRssMedianBytes = median(cell.runs.map((r) => r.peakRssBytes));
        cell.rssPerTaskMedianBytes = median(cell.runs.map((r) => r.rssPerTaskBytes));
        if (spec.heapMode && cell.status === "ok") {
          log(`  seed ${shape} ${fmtCount(n)} heap per pending task: ${cell.label}`);
          try {
            cell.heapPerTaskBytes = (await runChild(spec.command(n, shape, true), shape)).heapPerTaskBytes;
          } catch (error) {
            log(`    heap mode failed: ${(error as Error).message}`);
          }
        }
      }
    }
    // Same inputs for all: every peer, in every shape, must have slept the same delays.
    const sums = new Set(cells.filter((c) => c.n === n).flatMap((c) => c.runs.map((r) => r.delaySum)));
    if (sums.size > 1) throw new Error(`peers disagree on the delays at N=${n}: checksums ${[...sums].join(", ")}`);
  }

  const targets = shapes.flatMap((shape) => checkTargets(cells, ns, shape));
  return {
    seed: SEED,
    shapes,
    ns,
    roundsByN,
    cells,
    targets,
    markdown: render(cells, ns, shapes, roundsByN, specs),
  };
}

/** The 1M targets for both yieldio drivers in one shape (at the largest N run, when that is below 1M). */
function checkTargets(cells: SeedCell[], ns: number[], shape: Shape): TargetCheck[] {
  const n = ns.at(-1) as number;
  const checks: TargetCheck[] = [];
  for (const peer of ["yieldio", "yieldio-runSync"]) {
    const cell = cells.find((c) => c.peer === peer && c.shape === shape && c.n === n);
    if (cell?.overheadMedianMs === undefined) continue;
    const o = cell.overheadMedianMs, rss = cell.peakRssMedianBytes as number;
    const scale = n === 1_000_000 ? "" : ` (at ${fmtCount(n)}; the target is for 1M)`;
    checks.push({
      target: `${cell.label}, ${shape} shape: ${fmtCount(n)} tasks overhead ≤ 1 s${scale}`,
      value: fmtMs(o),
      met: o <= SEED_TARGETS.overheadMs,
      verdict: o <= SEED_TARGETS.overheadMs ? "met" : `missed by ${fmtMs(o - SEED_TARGETS.overheadMs)}`,
    });
    checks.push({
      target: `${cell.label}, ${shape} shape: ${fmtCount(n)} tasks peak RSS ≤ 400 MiB${scale}`,
      value: fmtBytes(rss),
      met: rss <= SEED_TARGETS.peakRssBytes,
      verdict: rss <= SEED_TARGETS.peakRssBytes ? "met" : `missed by ${fmtBytes(rss - SEED_TARGETS.peakRssBytes)}`,
    });
  }
  return checks;
}

/** One `##` section per shape, direct first, each with a table per N and that shape's targets. */
function render(
  cells: SeedCell[],
  ns: number[],
  shapes: Shape[],
  roundsByN: Record<number, number>,
  specs: PeerSpec[],
): string {
  const parts: string[] = [];
  const numbers = shapes.length === 1 ? ["1"] : shapes.map((_, i) => `1${"abc"[i]}`);
  for (const [si, shape] of shapes.entries()) {
    parts.push(
      `## ${numbers[si]}. The seed's scenario at scale, ${shape} shape — ${SHAPE_NOTES[shape].title}`,
      "",
      `${SHAPE_NOTES[shape].how} ${JOIN_NOTE}`,
      "",
    );
    // The column legend once, under the first shape; the later ones point back to it.
    if (si > 0) parts.push(`Columns as in ${numbers[0]}.`, "");
    else {
      parts.push(
        "Overhead = wall time − longest sleep. Peak RSS = VmHWM of the child process (one process per peer, shape, N " +
          "and round). CPU = user + system time of the child over the same span (GC helper threads included; it can " +
          "exceed the wall time). RSS/task = (peak − RSS before the first task) / N. Heap/task = V8 heapUsed after a GC " +
          "with all N tasks pending, minus before, / N (separate run). × = peer ÷ yieldio run() in the same shape " +
          "(> 1: yieldio is faster / smaller).",
        "",
      );
    }
    for (const n of ns) {
      const row = cells.filter((c) => c.shape === shape && c.n === n);
      const base = row.find((c) => c.peer === "yieldio");
      parts.push(
        `### N = ${fmtCount(n)}, ${shape} shape (${roundsByN[n]} round${roundsByN[n] === 1 ? "" : "s"}, median)`,
        "",
      );
      parts.push(markdownTable(
        [
          "peer",
          "overhead",
          "min–max",
          "×",
          "CPU",
          "peak RSS",
          "×",
          "RSS/task",
          "heap/task",
          "issue's figure / target",
        ],
        row.map((c) => {
          const spec = specs.find((s) => s.id === c.peer);
          const reference = spec?.referenceShape === undefined || spec.referenceShape === shape
            ? spec?.reference[n] ?? ""
            : "";
          if (c.overheadMedianMs === undefined) return [c.label, c.note ?? "—", "", "", "", "", "", "", "", reference];
          const os = c.runs.map((r) => r.overheadMs);
          return [
            c.label,
            fmtMs(c.overheadMedianMs),
            `${fmtMs(Math.min(...os))}–${fmtMs(Math.max(...os))}`,
            base?.overheadMedianMs ? fmtRatio(c.overheadMedianMs / base.overheadMedianMs) : "—",
            fmtMs(c.cpuMedianMs as number),
            fmtBytes(c.peakRssMedianBytes as number),
            base?.peakRssMedianBytes ? fmtRatio((c.peakRssMedianBytes as number) / base.peakRssMedianBytes) : "—",
            fmtBytes(c.rssPerTaskMedianBytes as number),
            c.heapPerTaskBytes === undefined ? "—" : fmtBytes(c.heapPerTaskBytes),
            c.status === "failed" ? `${reference} (${c.note})` : reference,
          ];
        }),
        "lrrrrrrrrl",
      ));
      parts.push("");
    }
    const own = checkTargets(cells, ns, shape);
    if (own.length > 0) {
      parts.push(`Targets, ${shape} shape:`, "");
      for (const t of own) parts.push(`- ${t.target}: **${t.value} — ${t.verdict}**`);
      parts.push("");
    }
  }
  return parts.join("\n");
}
