/**
 * Scenario 10: one `gather` over N sleeping tasks against awaiting the same N
 * tasks one by one — the same child as scenario 1 (`peers/seed_scale_yieldio.ts`,
 * direct shape: each task is `createTask(sleep(d))` with scenario 1's seeded
 * delays), joined with `--join=gather` or with a `yield*` per task. Native
 * `Promise.all` over the same timers runs beside them for scale. One process
 * per sample (so each peak RSS belongs to one join), sides rotated each round.
 *
 * The issue's bar: the gather costs at most 1.2× the one-by-one join, in
 * overhead and in peak RSS.
 *
 * @module
 */

import { fmtBytes, fmtCount, fmtMs, fmtRatio, median } from "../_stats.ts";
import { markdownTable } from "../_table.ts";
import type { TargetCheck } from "./seed_scale.ts";

const SEED = 42;
const CHILD_TIMEOUT_MS = 10 * 60_000;
/** The bar: gather ÷ one-by-one join, in overhead and in peak RSS. */
export const GATHER_TARGET_RATIO = 1.2;

interface SideSpec {
  id: string;
  label: string;
  script: string;
  flags: string[];
  /** What the child must report as its peer. */
  peer: string;
}

const SIDES: SideSpec[] = [
  {
    id: "each",
    label: "yieldio, `yield*` each task",
    script: "seed_scale_yieldio.ts",
    flags: ["--driver=run"],
    peer: "yieldio",
  },
  {
    id: "gather",
    label: "yieldio, one `gather(tasks)`",
    script: "seed_scale_yieldio.ts",
    flags: ["--driver=run", "--join=gather"],
    peer: "yieldio-gather",
  },
  { id: "native", label: "native `Promise.all`", script: "seed_scale_native.ts", flags: [], peer: "native" },
];

/** One child's timing, as `_seed_common.ts` reports it. */
export interface GatherRun {
  peer: string;
  overheadMs: number;
  cpuMs: number;
  peakRssBytes: number;
  delaySum: number;
}

/** One side's samples and medians. */
export interface GatherRow {
  id: string;
  label: string;
  runs: GatherRun[];
  failure?: string;
  overheadMs?: number;
  cpuMs?: number;
  peakRssBytes?: number;
  /** This side ÷ the one-by-one join, the median of per-round ratios. */
  overheadRatio?: number;
  cpuRatio?: number;
  peakRssRatio?: number;
}

/** The scenario's outcome. */
export interface GatherResult {
  n: number;
  rounds: number;
  rows: GatherRow[];
  targets: TargetCheck[];
  markdown: string;
}

async function runChild(spec: SideSpec, n: number): Promise<GatherRun> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--no-lock",
      "--node-modules-dir=none",
      "--v8-flags=--expose-gc", // the flags scenario 1 starts the same children with
      new URL(`../peers/${spec.script}`, import.meta.url).pathname,
      String(n),
      String(SEED),
      "--shape=direct",
      ...spec.flags,
    ],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(CHILD_TIMEOUT_MS),
  }).output();
  if (!out.success) {
    throw new Error(new TextDecoder().decode(out.stderr).trim().split("\n").slice(-3).join(" / "));
  }
  const run: GatherRun = JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) as string);
  if (run.peer !== spec.peer) throw new Error(`asked for ${spec.peer}, the child ran ${run.peer}`);
  return run;
}

/**
 * Runs scenario 10.
 *
 * @param options `quick`: 10k tasks, 1 round. `rounds`: overrides the rounds (default 3). `log`: progress lines.
 */
export async function runGatherScale(
  options: { quick: boolean; rounds: number | null; log: (line: string) => void },
): Promise<GatherResult> {
  const n = options.quick ? 10_000 : 1_000_000;
  const rounds = options.rounds ?? (options.quick ? 1 : 3);
  const rows: GatherRow[] = SIDES.map((s) => ({ id: s.id, label: s.label, runs: [] }));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < SIDES.length; i++) {
      const k = (i + round) % SIDES.length;
      if (rows[k].failure !== undefined) continue;
      try {
        const run = await runChild(SIDES[k], n);
        rows[k].runs.push(run);
        options.log(
          `  gather ${fmtCount(n)} round ${round + 1}/${rounds}: ${SIDES[k].label} overhead ${
            fmtMs(run.overheadMs)
          }, ` +
            `peak RSS ${fmtBytes(run.peakRssBytes)}`,
        );
      } catch (error) {
        rows[k].failure = (error as Error).message;
        options.log(`    ${SIDES[k].label} failed: ${rows[k].failure}`);
      }
    }
  }
  for (const row of rows) {
    if (row.runs.length === 0) continue;
    row.overheadMs = median(row.runs.map((r) => r.overheadMs));
    row.cpuMs = median(row.runs.map((r) => r.cpuMs));
    row.peakRssBytes = median(row.runs.map((r) => r.peakRssBytes));
  }
  const each = rows.find((r) => r.id === "each") as GatherRow;
  for (const row of rows) {
    if (row.runs.length === 0 || each.runs.length === 0) continue;
    // Paired by round: the two ran within a minute of each other, so a change in the machine's load hits both.
    const paired = (of: (run: GatherRun) => number) =>
      median(
        Array.from(
          { length: Math.min(row.runs.length, each.runs.length) },
          (_, r) => of(row.runs[r]) / of(each.runs[r]),
        ),
      );
    row.overheadRatio = paired((run) => run.overheadMs);
    row.cpuRatio = paired((run) => run.cpuMs);
    row.peakRssRatio = paired((run) => run.peakRssBytes);
  }
  const sums = new Set(rows.flatMap((r) => r.runs.map((run) => run.delaySum)));
  if (sums.size > 1) throw new Error(`the gather sides disagree on the delays: checksums ${[...sums].join(", ")}`);
  const targets = checkTargets(rows, n);
  return { n, rounds, rows, targets, markdown: render(rows, n, rounds, targets) };
}

function checkTargets(rows: GatherRow[], n: number): TargetCheck[] {
  const gather = rows.find((r) => r.id === "gather");
  if (gather?.overheadRatio === undefined) return [];
  const scale = n === 1_000_000 ? "" : ` (at ${fmtCount(n)}; the target is for 1M)`;
  const figures: [string, number][] = [
    ["overhead", gather.overheadRatio],
    ["peak RSS", gather.peakRssRatio as number],
  ];
  return figures.map(([what, ratio]) => {
    const met = ratio <= GATHER_TARGET_RATIO;
    return {
      target: `gather over ${
        fmtCount(n)
      } sleeping tasks: ${what} ≤ ${GATHER_TARGET_RATIO}× the one-by-one join${scale}`,
      value: fmtRatio(ratio),
      met,
      verdict: met ? "met" : `missed by ${fmtRatio(ratio - GATHER_TARGET_RATIO)}`,
    };
  });
}

function render(rows: GatherRow[], n: number, rounds: number, targets: TargetCheck[]): string {
  const parts = [
    `## 11. gather over ${fmtCount(n)} sleeping tasks against a \`yield*\` per task`,
    "",
    `${fmtCount(n)} tasks, each \`createTask(sleep(d))\` with scenario 1's seeded delays (0–1000 ms), joined by one ` +
    "`gather` or one `yield*` each, under `run()`; native `Promise.all` over the same `setTimeout` promises for scale. " +
    `One process per sample, ${rounds} round${
      rounds === 1 ? "" : "s"
    }, median. Overhead = wall time − longest sleep; ` +
    "× = this side ÷ the one-by-one join, the median of the per-round ratios.",
    "",
    markdownTable(
      ["side", "overhead", "min–max", "×", "CPU", "×", "peak RSS", "×"],
      rows.map((r) => {
        if (r.overheadMs === undefined) {
          return [r.label, r.failure ? `failed: ${r.failure}` : "—", "", "", "", "", "", ""];
        }
        const os = r.runs.map((run) => run.overheadMs);
        return [
          r.label,
          fmtMs(r.overheadMs),
          `${fmtMs(Math.min(...os))}–${fmtMs(Math.max(...os))}`,
          r.overheadRatio === undefined ? "—" : fmtRatio(r.overheadRatio),
          fmtMs(r.cpuMs as number),
          r.cpuRatio === undefined ? "—" : fmtRatio(r.cpuRatio),
          fmtBytes(r.peakRssBytes as number),
          r.peakRssRatio === undefined ? "—" : fmtRatio(r.peakRssRatio),
        ];
      }),
    ),
    "",
  ];
  for (const t of targets) parts.push(`- Target ${t.target}: **${t.value} — ${t.verdict}**`);
  parts.push("");
  return parts.join("\n");
}
