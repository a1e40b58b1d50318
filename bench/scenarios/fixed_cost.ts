/**
 * Scenario 11: the fixed cost of a loop — the first loop of a process and a
 * warm `run()` / `runSync()` of an empty coroutine — in Deno and in Node (an
 * esbuild bundle of the same probe, `fixed_cost_probe.ts`). One process per
 * sample, the runtimes alternating, so every first-loop figure is a real
 * first loop.
 *
 * The bar: `run()` of an empty coroutine in at most 50 µs warm, and a
 * first loop in at most 5 ms after import.
 *
 * @module
 */

import { fmtMs, median } from "../_stats.ts";
import { bundle, runJson } from "../_child.ts";
import { markdownTable } from "../_table.ts";
import type { TargetCheck } from "./seed_scale.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const PROBE = new URL("./fixed_cost_probe.ts", import.meta.url).pathname;
const BUNDLE = `${ROOT}.bench-out/fixed_cost_probe.mjs`;
const DEFAULT_ROUNDS = 10;
/** The bars, in ms. */
export const FIXED_COST_TARGETS = { runMs: 0.05, firstLoopMs: 5 };

/** One probe's report. */
export interface FixedCostSample {
  runtime: string;
  firstLoopMs: number;
  runUs: number;
  runSyncUs: number;
}

/** One runtime's samples and medians. */
export interface FixedCostRow {
  runtime: string;
  samples: FixedCostSample[];
  firstLoopMs: number;
  runUs: number;
  runSyncUs: number;
}

/** The scenario's outcome. */
export interface FixedCostResult {
  rounds: number;
  rows: FixedCostRow[];
  skipped: string[];
  targets: TargetCheck[];
  markdown: string;
}

/**
 * Runs scenario 11.
 *
 * @param options `quick`: fewer runs per probe, 2 rounds. `rounds`: overrides
 *   the rounds (default 10). `node`: whether Node is installed. `log`: progress lines.
 */
export async function runFixedCost(
  options: { quick: boolean; rounds: number | null; node: boolean; log: (line: string) => void },
): Promise<FixedCostResult> {
  const rounds = options.rounds ?? (options.quick ? 2 : DEFAULT_ROUNDS);
  const flags = options.quick ? ["--quick"] : [];
  const skipped: string[] = [];
  const commands: [string, string[]][] = [[Deno.execPath(), ["run", "-A", "--no-lock", PROBE, ...flags]]];
  if (options.node) {
    const failed = await bundle(PROBE, BUNDLE, "node");
    if (failed === null) commands.push(["node", [BUNDLE, ...flags]]);
    else skipped.push(`Node: esbuild bundle failed (${failed})`);
  } else {
    skipped.push("Node: `node` not found");
  }
  const samples = commands.map((): FixedCostSample[] => []);
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < commands.length; i++) {
      const k = (i + round) % commands.length;
      const sample = await runJson<FixedCostSample>(...commands[k]);
      samples[k].push(sample);
      options.log(
        `  fixed cost round ${round + 1}/${rounds}: ${sample.runtime} first loop ${fmtMs(sample.firstLoopMs)}, ` +
          `run() ${fmtMs(sample.runUs / 1000)}`,
      );
    }
  }
  const rows = samples.map((s): FixedCostRow => ({
    runtime: s[0].runtime,
    samples: s,
    firstLoopMs: median(s.map((x) => x.firstLoopMs)),
    runUs: median(s.map((x) => x.runUs)),
    runSyncUs: median(s.map((x) => x.runSyncUs)),
  }));
  const targets = rows.flatMap((r): TargetCheck[] => {
    const runMs = r.runUs / 1000;
    return [
      {
        target: `${r.runtime}: run() of an empty coroutine ≤ 50 µs warm`,
        value: fmtMs(runMs),
        met: runMs <= FIXED_COST_TARGETS.runMs,
        verdict: runMs <= FIXED_COST_TARGETS.runMs ? "met" : `missed by ${fmtMs(runMs - FIXED_COST_TARGETS.runMs)}`,
      },
      {
        target: `${r.runtime}: first loop ≤ 5 ms after import`,
        value: fmtMs(r.firstLoopMs),
        met: r.firstLoopMs <= FIXED_COST_TARGETS.firstLoopMs,
        verdict: r.firstLoopMs <= FIXED_COST_TARGETS.firstLoopMs
          ? "met"
          : `missed by ${fmtMs(r.firstLoopMs - FIXED_COST_TARGETS.firstLoopMs)}`,
      },
    ];
  });
  return { rounds, rows, skipped, targets, markdown: render(rows, rounds, skipped, targets) };
}

function render(rows: FixedCostRow[], rounds: number, skipped: string[], targets: TargetCheck[]): string {
  const range = (xs: number[], scale: number) => `${fmtMs(Math.min(...xs) * scale)}–${fmtMs(Math.max(...xs) * scale)}`;
  const parts = [
    "## 12. The fixed cost of a loop",
    "",
    "- **first loop**: from the first statement after the imports to a `sleep(0)` completing inside the process's " +
    "first `run()`.",
    "- **run() / runSync()**: per call of an empty coroutine, warm (after 2,000 untimed calls), mean over 5,000 calls.",
    "",
    `One process per sample, the runtimes alternating, ${rounds} rounds; median and min–max over the samples.`,
    "",
    markdownTable(
      ["runtime", "first loop", "min–max", "run()", "min–max", "runSync()", "min–max"],
      rows.map((r) => [
        r.runtime,
        fmtMs(r.firstLoopMs),
        range(r.samples.map((s) => s.firstLoopMs), 1),
        fmtMs(r.runUs / 1000),
        range(r.samples.map((s) => s.runUs), 1 / 1000),
        fmtMs(r.runSyncUs / 1000),
        range(r.samples.map((s) => s.runSyncUs), 1 / 1000),
      ]),
    ),
    "",
  ];
  for (const t of targets) parts.push(`- Target ${t.target}: **${t.value} — ${t.verdict}**`);
  for (const s of skipped) parts.push(`- ${s}`);
  parts.push("");
  return parts.join("\n");
}
