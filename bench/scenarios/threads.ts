/**
 * Scenario 8's orchestration: runs `threads_probe.ts` in Deno, and in Node
 * as an esbuild bundle (with the worker module `threads_echo.ts` bundled
 * beside it), then renders one table.
 *
 * @module
 */

import { type Distribution, fmtMs, fmtRate } from "../_stats.ts";
import { bundle, runJson } from "../_child.ts";
import { markdownTable } from "../_table.ts";

/** One runtime's report, as `threads_probe.ts` prints it. */
export interface ThreadsReport {
  runtime: string;
  jobs: number;
  pings: number;
  jobsPerSecond: { run: number; runSync: number };
  roundTrip: { blocking: Distribution; host: Distribution };
}

/** The scenario's outcome. */
export interface ThreadsResult {
  reports: ThreadsReport[];
  skipped: string[];
  markdown: string;
}

const ROOT = new URL("../../", import.meta.url).pathname;
const PROBE = new URL("./threads_probe.ts", import.meta.url).pathname;
const ECHO = new URL("./threads_echo.ts", import.meta.url).pathname;
const OUT = `${ROOT}.bench-out/`;

/**
 * @param options `quick`: fewer samples. `node`: whether Node is installed. `log`: progress lines.
 * @returns The reports and their markdown.
 */
export async function runThreads(
  options: { quick: boolean; node: boolean; log: (line: string) => void },
): Promise<ThreadsResult> {
  const flags = options.quick ? ["--quick"] : [];
  const reports: ThreadsReport[] = [];
  const skipped: string[] = [];
  options.log("  threads: Deno");
  reports.push(await runJson<ThreadsReport>(Deno.execPath(), ["run", "-A", "--no-lock", PROBE, ...flags]));
  if (options.node) {
    options.log("  threads: bundling for Node (esbuild), then Node");
    const failed = await bundle(PROBE, `${OUT}threads_probe.mjs`, "node") ??
      await bundle(ECHO, `${OUT}threads_echo.mjs`, "node");
    if (failed === null) {
      reports.push(
        await runJson<ThreadsReport>("node", [`${OUT}threads_probe.mjs`, ...flags, `file://${OUT}threads_echo.mjs`]),
      );
    } else skipped.push(`Node: esbuild bundle failed (${failed})`);
  } else {
    skipped.push("Node: `node` not found");
  }
  return { reports, skipped, markdown: render(reports, skipped) };
}

function render(reports: ThreadsReport[], skipped: string[]): string {
  const parts = [
    "## 8. Threads: jobs through the pool, and cross-thread wake-up",
    "",
    "- **jobs/s**: trivial jobs (`add`) through a warmed-up pool of one worker per core, all submitted at once; " +
    "each costs two structured clones, two port messages and the loop hand-off.",
    "- **wake-up round trip** (p50 / p90 / p99 / max): a number through a `Channel` to a loop in a worker and " +
    "back, one at a time. *blocking*: both loops in `runSync`, woken by `Atomics.notify`; *host*: both in `run`, " +
    "woken by port messages. One way is about half.",
    "",
    markdownTable(
      ["runtime", "jobs/s (run)", "jobs/s (runSync)", "round trip, blocking", "round trip, host-driven"],
      reports.map((r) => [
        `${r.runtime} (${r.jobs} jobs, ${r.pings} pings)`,
        fmtRate(r.jobsPerSecond.run),
        fmtRate(r.jobsPerSecond.runSync),
        dist(r.roundTrip.blocking),
        dist(r.roundTrip.host),
      ]),
      "lrrrr",
    ),
    "",
  ];
  for (const s of skipped) parts.push(`- ${s}`);
  parts.push("");
  return parts.join("\n");
}

function dist(d: Distribution): string {
  return `${fmtMs(d.p50)} / ${fmtMs(d.p90)} / ${fmtMs(d.p99)} / ${fmtMs(d.max)}`;
}
