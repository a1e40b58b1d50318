/**
 * Scenario 9's orchestration: runs `io_probe.ts` in Deno and, as an esbuild
 * bundle, in Node (yieldio streams beside plain async/await on each host's
 * own sockets), and `bench/peers/io_asyncio.py` under CPython's asyncio (and
 * under uvloop where /usr/bin/python3 has it: Debian's python3-uvloop), then
 * renders one table of TCP echo throughput and one of spawn + communicate.
 * The children run one after another, never at once.
 *
 * @module
 */

import { fmtRatio, median } from "../_stats.ts";
import { bundle, runJson } from "../_child.ts";
import { markdownTable } from "../_table.ts";
import type { TargetCheck } from "./seed_scale.ts";
import type { IoReport } from "./io_probe.ts";

/** The scenario's outcome. */
export interface IoResult {
  reports: IoReport[];
  skipped: string[];
  targets: TargetCheck[];
  markdown: string;
}

const ROOT = new URL("../../", import.meta.url).pathname;
const PROBE = new URL("./io_probe.ts", import.meta.url).pathname;
const PEER = new URL("../peers/io_asyncio.py", import.meta.url).pathname;
const OUT = `${ROOT}.bench-out/`;

/** The floors: yieldio at least 0.9× the plain host, at least 3× CPython asyncio. */
const HOST_FLOOR = 0.9;
const ASYNCIO_FLOOR = 3;

async function hasUvloop(): Promise<boolean> {
  const probe = await new Deno.Command("/usr/bin/python3", { args: ["-c", "import uvloop"], stderr: "null" })
    .output().catch(() => null);
  return probe?.success === true;
}

/**
 * @param options `quick`: smoke-test sizes. `node`, `python`: whether those are installed. `log`: progress lines.
 * @returns The reports, the target checks and their markdown.
 */
export async function runIo(
  options: { quick: boolean; node: boolean; python: boolean; log: (line: string) => void },
): Promise<IoResult> {
  const flags = options.quick ? ["--quick"] : [];
  const reports: IoReport[] = [];
  const skipped: string[] = [];
  options.log("  io: Deno");
  reports.push(await runJson<IoReport>(Deno.execPath(), ["run", "-A", "--no-lock", PROBE, ...flags]));
  if (options.node) {
    options.log("  io: bundling for Node (esbuild), then Node");
    const failed = await bundle(PROBE, `${OUT}io_probe.mjs`, "node");
    if (failed === null) reports.push(await runJson<IoReport>("node", [`${OUT}io_probe.mjs`, ...flags]));
    else skipped.push(`Node: esbuild bundle failed (${failed})`);
  } else skipped.push("Node: `node` not found");
  if (options.python) {
    options.log("  io: CPython asyncio");
    reports.push(await runJson<IoReport>("python3", [PEER, ...flags]));
    if (await hasUvloop()) {
      options.log("  io: CPython + uvloop (/usr/bin/python3)");
      reports.push(await runJson<IoReport>("/usr/bin/python3", [PEER, "--uvloop", ...flags]));
    } else skipped.push("uvloop: /usr/bin/python3 has no uvloop (`apt-get install python3-uvloop`; not from PyPI)");
  } else skipped.push("CPython: python3 not found");
  const targets = checkTargets(reports);
  return { reports, skipped, targets, markdown: render(reports, skipped, targets) };
}

function rate(report: IoReport | undefined, kind: "echo" | "spawn", key: string, side: string): number | null {
  if (report === undefined) return null;
  const samples = kind === "echo" ? report.echo[key]?.[side] : report.spawn[side];
  return samples === undefined || samples.length === 0 ? null : median(samples);
}

function byRuntime(reports: IoReport[]) {
  return {
    deno: reports.find((r) => r.runtime === "Deno"),
    node: reports.find((r) => r.runtime === "Node"),
    asyncio: reports.find((r) => r.spawn.asyncio !== undefined),
    uvloop: reports.find((r) => r.spawn.uvloop !== undefined),
  };
}

function checkTargets(reports: IoReport[]): TargetCheck[] {
  const { deno, node, asyncio } = byRuntime(reports);
  const checks: TargetCheck[] = [];
  const check = (target: string, ratio: number | null, floor: number) => {
    if (ratio === null) return;
    const met = ratio >= floor;
    checks.push({ target, value: fmtRatio(ratio), met, verdict: met ? "met" : `missed (needs ${floor}×)` });
  };
  for (const key of Object.keys(deno?.echo ?? {})) {
    for (const [name, report] of [["Deno", deno], ["Node", node]] as const) {
      const y = rate(report, "echo", key, "yieldio");
      const plain = rate(report, "echo", key, "plain");
      const py = rate(asyncio, "echo", key, "asyncio");
      check(`TCP echo ${key}, ${name}: yieldio ≥ ${HOST_FLOOR}× plain`, y && plain && y / plain, HOST_FLOOR);
      check(`TCP echo ${key}, ${name}: yieldio ≥ ${ASYNCIO_FLOOR}× asyncio`, y && py && y / py, ASYNCIO_FLOOR);
    }
  }
  return checks;
}

function mbps(value: number | null): string {
  return value === null ? "—" : `${value.toFixed(1)} MB/s`;
}

function ratio(a: number | null, b: number | null): string {
  return a === null || b === null ? "—" : fmtRatio(a / b);
}

function render(reports: IoReport[], skipped: string[], targets: TargetCheck[]): string {
  const { deno, node, asyncio, uvloop } = byRuntime(reports);
  const keys = Object.keys(deno?.echo ?? node?.echo ?? {});
  const echoRows = keys.map((key) => {
    const dy = rate(deno, "echo", key, "yieldio"), dp = rate(deno, "echo", key, "plain");
    const ny = rate(node, "echo", key, "yieldio"), np = rate(node, "echo", key, "plain");
    const py = rate(asyncio, "echo", key, "asyncio"), uv = rate(uvloop, "echo", key, "uvloop");
    return [
      key,
      mbps(dy),
      mbps(dp),
      ratio(dy, dp),
      mbps(ny),
      mbps(np),
      ratio(ny, np),
      mbps(py),
      mbps(uv),
      ratio(Math.max(dy ?? 0, ny ?? 0) || null, py),
    ];
  });
  const perSecond = (v: number | null) => v === null ? "—" : `${v.toFixed(0)}/s`;
  const spawnRow = [
    "spawn `cat` + communicate(5 bytes)",
    perSecond(rate(deno, "spawn", "", "yieldio")),
    perSecond(rate(deno, "spawn", "", "plain")),
    perSecond(rate(node, "spawn", "", "yieldio")),
    perSecond(rate(node, "spawn", "", "plain")),
    perSecond(rate(asyncio, "spawn", "", "asyncio")),
    perSecond(rate(uvloop, "spawn", "", "uvloop")),
  ];
  const parts = [
    "## 9. I/O: TCP echo over 127.0.0.1, and subprocess spawn + communicate",
    "",
    "Each client sends a message and reads the whole echo back, over and over; server and clients share one " +
    "process. Throughput counts the bytes echoed one way. *plain*: the same program in async/await on the host's " +
    "own API (`Deno.Conn` read/write, `node:net` events); *asyncio*: CPython's streams. Median of the rounds.",
    "",
    markdownTable(
      [
        "case",
        "yieldio Deno",
        "plain Deno",
        "× plain",
        "yieldio Node",
        "plain Node",
        "× plain",
        "asyncio",
        "uvloop",
        "best yieldio × asyncio",
      ],
      echoRows,
      "lrrrrrrrrr",
    ),
    "",
    markdownTable(
      ["subprocess", "yieldio Deno", "plain Deno", "yieldio Node", "plain Node", "asyncio", "uvloop"],
      [spawnRow],
      "lrrrrrr",
    ),
    "",
  ];
  for (const t of targets) parts.push(`- Target ${t.target}: **${t.value} — ${t.verdict}**`);
  for (const s of skipped) parts.push(`- ${s}`);
  parts.push("");
  return parts.join("\n");
}
