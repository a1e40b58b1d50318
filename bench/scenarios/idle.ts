/**
 * Scenario 7's orchestration: runs `idle_latency.ts` in Deno, in Node as an
 * esbuild bundle of the very same file, and in Chromium (a page's main thread
 * and a worker, `idle_chromium.ts`), then renders one table per runtime.
 *
 * @module
 */

import { type Distribution, fmtMs } from "../_stats.ts";
import { bundle, runJson } from "../_child.ts";
import { markdownTable } from "../_table.ts";
import { chromiumInstalled } from "../../tests/_harness/_chromium.ts";
import type { IdleRow } from "./idle_latency.ts";

/** One runtime's report, as `idle_latency.ts` prints it. */
export interface IdleReport {
  runtime: string;
  latenessSamples: number;
  wakeSamples: number;
  rows: IdleRow[];
}

/** The scenario's outcome. */
export interface IdleResult {
  reports: IdleReport[];
  skipped: string[];
  markdown: string;
}

const ROOT = new URL("../../", import.meta.url).pathname;
const SCRIPT = new URL("./idle_latency.ts", import.meta.url).pathname;
const BUNDLE = `${ROOT}.bench-out/idle_latency.mjs`;

/**
 * @param options `quick`: fewer samples. `node`: whether Node is installed.
 *   `log`: progress lines.
 */
export async function runIdle(
  options: { quick: boolean; node: boolean; log: (line: string) => void },
): Promise<IdleResult> {
  const flags = options.quick ? ["--quick"] : [];
  const reports: IdleReport[] = [];
  const skipped: string[] = [];
  options.log("  idle adapters: Deno");
  reports.push(await runJson<IdleReport>(Deno.execPath(), ["run", "-A", "--no-lock", SCRIPT, ...flags]));
  if (options.node) {
    options.log("  idle adapters: bundling for Node (esbuild), then Node");
    const failed = await bundle(SCRIPT, BUNDLE, "node");
    if (failed === null) reports.push(await runJson<IdleReport>("node", [BUNDLE, ...flags]));
    else skipped.push(`Node: esbuild bundle failed (${failed})`);
  } else {
    skipped.push("Node: `node` not found");
  }
  if (await chromiumInstalled()) {
    options.log("  idle adapters: bundling for the browser (esbuild), then Chromium: a page, then a worker");
    try {
      // Imported here: playwright-core is needed only when there is a browser to drive.
      const { runIdleInChromium } = await import("./idle_chromium.ts");
      reports.push(...await runIdleInChromium(options.quick));
    } catch (error) {
      skipped.push(`Chromium: the run failed (${(error as Error).message})`);
    }
  } else {
    skipped.push("Chromium: not installed (the bench never installs it; the test suite's Chromium stage does)");
  }
  return { reports, skipped, markdown: render(reports, skipped) };
}

function dist(d: Distribution | undefined | null): string {
  return d ? `${fmtMs(d.p50)} / ${fmtMs(d.p90)} / ${fmtMs(d.p99)} / ${fmtMs(d.max)}` : "—";
}

function render(reports: IdleReport[], skipped: string[]): string {
  const parts = [
    "## 7. Idle-adapter wake-up latency (p50 / p90 / p99 / max)",
    "",
    "- **timer lateness**: `loop.callLater(d)` chained from the previous callback (a task looping on `sleep(d)`); " +
    "lateness = time it ran − its deadline. The bare row is a plain `setTimeout(d)` chain.",
    "- **ready-now wake**: the loop idles with nothing scheduled; a host `setTimeout` callback calls " +
    "`loop.callSoonThreadsafe(cb)`; time until `cb` runs. Bare rows: the same hop through the raw primitive.",
    "",
  ];
  for (const r of reports) {
    parts.push(
      `### ${r.runtime} — ${r.latenessSamples} samples at 1 ms (¼ as many at 10 ms), ${r.wakeSamples} wake samples`,
      "",
    );
    parts.push(markdownTable(
      ["adapter", "callLater(1 ms) lateness", "callLater(10 ms) lateness", "ready-now wake", "note"],
      r.rows.map((
        row,
      ) => [row.adapter, dist(row.lateness["1"]), dist(row.lateness["10"]), dist(row.wake), row.note ?? ""]),
      "lrrrl",
    ));
    parts.push("");
  }
  for (const s of skipped) parts.push(`- ${s}`);
  parts.push("");
  return parts.join("\n");
}
