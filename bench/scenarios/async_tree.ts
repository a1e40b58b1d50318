/**
 * Scenario 9: pyperformance's `bm_async_tree` — a gather tree 6 levels deep,
 * 6 branches per node (55,987 awaits per iteration), with four leaf
 * workloads (`none`, `io`: a 50 ms sleep, `memoization`: a sleep unless the
 * seeded draw was seen before, `cpu_io_mixed`: half factorial(500), half
 * memoization) — run by yieldio (Deno, and Node from an esbuild bundle; lazy
 * and with `eagerTaskFactory`), native async/`Promise.all` (Deno and Node),
 * Effection 4, Effect 3 and CPython's asyncio running pyperformance's own,
 * unmodified file (3.11, and 3.12 with and without `eager_task_factory` when a
 * 3.12 is installed).
 *
 * Measured as pyperf measures it: each sample is a fresh process that runs 1
 * warm-up and 3 timed iterations, each in a fresh loop and timed from inside
 * it; the process's median is the sample. Sides alternate in a rotating order
 * each round. Effection and Effect take seconds per iteration, so they run 1
 * iteration per process and no warm-up (their ratios are far beyond what a
 * warm-up moves).
 *
 * Every JavaScript side draws from an MT19937 port of CPython's `random`
 * seeded with 0 (`_mt19937.ts`); the leaf counts of each iteration must equal
 * the Python original's, which a counting run of it gives once per variant,
 * or the scenario fails.
 *
 * @module
 */

import { fmtBytes, fmtMs, fmtRatio, median } from "../_stats.ts";
import { bundle } from "../_child.ts";
import { markdownTable } from "../_table.ts";
import {
  IO_SLEEP_MS,
  NUM_RECURSE_BRANCHES,
  treeNodes,
  type TreeReport,
  type Variant,
  VARIANTS,
} from "../peers/_async_tree_common.ts";
import type { TargetCheck } from "./seed_scale.ts";

export { type Variant, VARIANTS };

const ROOT = new URL("../../", import.meta.url).pathname;
const PEERS = new URL("../peers/", import.meta.url).pathname;
const CHILD_TIMEOUT_MS = 10 * 60_000;
const DEFAULT_ROUNDS = 3;
const QUICK_LEVELS = 3;
/** A quick run's variants (unless `--variant` names others): the two the issue's bar judges. */
const QUICK_VARIANTS: readonly Variant[] = ["none", "memoization"];

type Runtime = "Deno" | "Node" | "CPython";

/** One contestant, run as its own process per sample. */
interface SideSpec {
  id: string;
  label: string;
  runtime: Runtime;
  /** yieldio's sides are the ones the targets judge. */
  yieldio: boolean;
  /** The native side of this runtime: the `×` reference (itself for native). */
  native: boolean;
  eager: boolean;
  /** One iteration per process, no warm-up. */
  slow: boolean;
  argv(variant: Variant, perProcess: string[]): string[];
}

/** One sample: a child's report plus the median of its timed iterations. */
export interface TreeSample extends TreeReport {
  medianMs: number;
}

/** One side in one variant. */
export interface TreeRow {
  id: string;
  label: string;
  runtime: Runtime;
  eager: boolean;
  samples: TreeSample[];
  failure?: string;
  medianMs?: number;
  minMs?: number;
  maxMs?: number;
  cpuMs?: number;
  peakRssBytes?: number;
  /**
   * The median over rounds of this runtime's native sample ÷ this side's (CPython, Effection, Effect: native
   * Deno's); > 1 is faster.
   */
  versusNative?: number;
}

/** One variant's table. */
export interface TreeVariantResult {
  variant: Variant;
  rows: TreeRow[];
  /** [sleeps, factorials] per iteration of the Python original's counting run (warm-up first). */
  referenceLeaves: [number, number][];
}

/** The scenario's outcome. */
export interface AsyncTreeResult {
  levels: number;
  nodes: number;
  rounds: number;
  variants: TreeVariantResult[];
  skipped: string[];
  targets: TargetCheck[];
  markdown: string;
}

async function versionOf(cmd: string): Promise<string | null> {
  try {
    const out = await new Deno.Command(cmd, { args: ["--version"], stdout: "piped", stderr: "piped" }).output();
    return out.success ? new TextDecoder().decode(out.stdout).trim().replace(/^Python /, "") : null;
  } catch {
    return null;
  }
}

/** A Python 3.12 for `eager_task_factory`: on PATH, else under pyenv's versions (its shim may not select it). */
async function findPython312(): Promise<string | null> {
  if ((await versionOf("python3.12"))?.startsWith("3.12")) return "python3.12";
  const pyenv = Deno.env.get("PYENV_ROOT") ?? `${Deno.env.get("HOME")}/.pyenv`;
  try {
    for (const entry of [...Deno.readDirSync(`${pyenv}/versions`)].sort((a, b) => b.name.localeCompare(a.name))) {
      const candidate = `${pyenv}/versions/${entry.name}/bin/python3.12`;
      if (entry.name.startsWith("3.12") && (await versionOf(candidate))?.startsWith("3.12")) return candidate;
    }
  } catch {
    // no pyenv
  }
  return null;
}

function denoSide(script: string, extra: string[] = []) {
  return (variant: Variant, perProcess: string[]): string[] => [
    Deno.execPath(),
    "run",
    "-A",
    "--no-lock",
    "--node-modules-dir=none", // the npm peers load through Deno's global cache (peers/_npm.ts)
    `${PEERS}${script}`,
    variant,
    ...extra,
    ...perProcess,
  ];
}

async function sides(
  options: { python: boolean; node: boolean; log: (line: string) => void },
  skipped: string[],
): Promise<SideSpec[]> {
  const list: SideSpec[] = [];
  const js = (
    id: string,
    label: string,
    runtime: Runtime,
    argv: SideSpec["argv"],
    flags: Partial<Pick<SideSpec, "yieldio" | "native" | "eager" | "slow">> = {},
  ) => list.push({ id, label, runtime, argv, yieldio: false, native: false, eager: false, slow: false, ...flags });
  js("yieldio-deno", "yieldio run() · Deno", "Deno", denoSide("async_tree_yieldio.ts"), { yieldio: true });
  js("yieldio-eager-deno", "yieldio eagerTaskFactory · Deno", "Deno", denoSide("async_tree_yieldio.ts", ["--eager"]), {
    yieldio: true,
    eager: true,
  });
  if (options.node) {
    options.log("  async_tree: bundling the yieldio and native sides for Node (esbuild)");
    const bundles: Record<string, string> = {};
    for (const name of ["async_tree_yieldio", "async_tree_native"]) {
      const out = `${ROOT}.bench-out/${name}.mjs`;
      const failed = await bundle(`${PEERS}${name}.ts`, out, "node");
      if (failed === null) bundles[name] = out;
      else skipped.push(`Node: the esbuild bundle of ${name}.ts failed (${failed})`);
    }
    const node = (file: string, extra: string[] = []) => (variant: Variant, perProcess: string[]) => [
      "node",
      file,
      variant,
      ...extra,
      ...perProcess,
    ];
    if (bundles.async_tree_yieldio) {
      js("yieldio-node", "yieldio run() · Node", "Node", node(bundles.async_tree_yieldio), { yieldio: true });
      js(
        "yieldio-eager-node",
        "yieldio eagerTaskFactory · Node",
        "Node",
        node(bundles.async_tree_yieldio, ["--eager"]),
        {
          yieldio: true,
          eager: true,
        },
      );
    }
    js("native-deno", "native async + Promise.all · Deno", "Deno", denoSide("async_tree_native.ts"), { native: true });
    if (bundles.async_tree_native) {
      js("native-node", "native async + Promise.all · Node", "Node", node(bundles.async_tree_native), { native: true });
    }
  } else {
    skipped.push("Node: `node` not found");
    js("native-deno", "native async + Promise.all · Deno", "Deno", denoSide("async_tree_native.ts"), { native: true });
  }
  js("effection", "Effection 4 all() · Deno", "Deno", denoSide("async_tree_effection.ts"), { slow: true });
  js("effect", "Effect 3 Effect.all · Deno", "Deno", denoSide("async_tree_effect.ts"), { slow: true });
  if (options.python) {
    const interpreters: [string, string][] = [];
    const v3 = await versionOf("python3");
    if (v3 !== null) interpreters.push(["python3", v3]);
    const p312 = v3?.startsWith("3.12") ? null : await findPython312();
    if (p312 !== null) interpreters.push([p312, (await versionOf(p312)) as string]);
    else if (!v3?.startsWith("3.12")) skipped.push("CPython 3.12 (eager_task_factory): no python3.12 found");
    const script = `${PEERS}async_tree_asyncio.py`;
    for (const [cmd, version] of interpreters) {
      const short = version.split(".").slice(0, 2).join(".");
      const py = (extra: string[]) => (variant: Variant, perProcess: string[]) => [
        cmd,
        script,
        variant,
        ...extra,
        ...perProcess,
      ];
      list.push({
        id: `asyncio-${short}`,
        label: `CPython ${version} asyncio`,
        runtime: "CPython",
        yieldio: false,
        native: false,
        eager: false,
        slow: false,
        argv: py([]),
      });
      if (Number(short.split(".")[1]) >= 12) {
        list.push({
          id: `asyncio-${short}-eager`,
          label: `CPython ${version} eager_task_factory`,
          runtime: "CPython",
          yieldio: false,
          native: false,
          eager: true,
          slow: false,
          argv: py(["--eager"]),
        });
      }
    }
  }
  return list;
}

async function runChild(argv: string[]): Promise<TreeReport> {
  const out = await new Deno.Command(argv[0], {
    args: argv.slice(1),
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(CHILD_TIMEOUT_MS),
  }).output();
  if (!out.success) {
    const stderr = new TextDecoder().decode(out.stderr).trim().split("\n").slice(-3).join(" / ");
    throw new Error(`exit ${out.code}${out.signal ? ` (${out.signal})` : ""}: ${stderr}`);
  }
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) as string);
}

/** Fails the run when a side's leaf counts differ from the reference's at any iteration both ran. */
function checkLeaves(variant: Variant, label: string, leaves: [number, number][], reference: [number, number][]): void {
  for (let i = 0; i < Math.min(leaves.length, reference.length); i++) {
    if (leaves[i][0] !== reference[i][0] || leaves[i][1] !== reference[i][1]) {
      throw new Error(
        `async_tree_${variant}: ${label} ran [sleeps, factorials] ${JSON.stringify(leaves[i])} in iteration ${
          i + 1
        }, ` +
          `the reference ${JSON.stringify(reference[i])}: its draws differ from random.seed(0)'s`,
      );
    }
  }
}

/**
 * Runs scenario 9.
 *
 * @param options `quick`: 3 levels, 1 iteration per process, 1 round, and
 *   only none and memoization unless `variants` is given. `rounds`:
 *   overrides the rounds (default 3). `variants`: which variants (null: all).
 *   `python`, `node`: whether those are installed. `log`: progress lines.
 */
export async function runAsyncTree(options: {
  quick: boolean;
  rounds: number | null;
  variants: readonly Variant[] | null;
  python: boolean;
  node: boolean;
  log: (line: string) => void;
}): Promise<AsyncTreeResult> {
  const { quick, log } = options;
  const levels = quick ? QUICK_LEVELS : 6;
  const rounds = options.rounds ?? (quick ? 1 : DEFAULT_ROUNDS);
  const skipped: string[] = [];
  const specs = await sides(options, skipped);
  const levelFlag = quick ? [`--levels=${levels}`] : [];
  const perProcess = (spec: SideSpec) =>
    quick || spec.slow ? [...levelFlag, "--values=1", "--warmups=0"] : [...levelFlag, "--values=3", "--warmups=1"];
  const variants: TreeVariantResult[] = [];
  const wanted = options.variants ?? (quick ? QUICK_VARIANTS : VARIANTS);
  for (const variant of VARIANTS.filter((v) => wanted.includes(v))) {
    // The reference leaf counts: the Python original itself, counting (untimed), or else the first JS sample.
    let referenceLeaves: [number, number][] = [];
    if (options.python) {
      log(`  async_tree_${variant}: counting the Python original's leaves`);
      const count = await runChild([
        "python3",
        `${PEERS}async_tree_asyncio.py`,
        variant,
        "--count",
        ...levelFlag,
        "--values=1",
        "--warmups=1",
      ]);
      referenceLeaves = count.leaves;
    }
    const rows: TreeRow[] = specs.map((s) => ({
      id: s.id,
      label: s.label,
      runtime: s.runtime,
      eager: s.eager,
      samples: [],
    }));
    for (let round = 0; round < rounds; round++) {
      const order = specs.map((_, i) => (i + round) % specs.length);
      for (const k of order) {
        const spec = specs[k], row = rows[k];
        if (row.failure !== undefined) continue;
        try {
          const report = await runChild(spec.argv(variant, perProcess(spec)));
          if (report.variant !== variant || report.eager !== spec.eager) {
            throw new Error(
              `asked for ${variant}${spec.eager ? " eager" : ""}, the child ran ${JSON.stringify(report)}`,
            );
          }
          if (referenceLeaves.length === 0 && report.leaves.length > 0) referenceLeaves = report.leaves;
          checkLeaves(variant, spec.label, report.leaves, referenceLeaves);
          const sample = { ...report, medianMs: median(report.valuesMs) };
          row.samples.push(sample);
          log(`  async_tree_${variant} round ${round + 1}/${rounds}: ${spec.label} ${fmtMs(sample.medianMs)}`);
        } catch (error) {
          if ((error as Error).message.includes("draws differ")) throw error;
          row.failure = (error as Error).message;
          log(`    ${spec.label} failed: ${row.failure}`);
        }
      }
    }
    for (const row of rows) {
      if (row.samples.length === 0) continue;
      const medians = row.samples.map((s) => s.medianMs);
      row.medianMs = median(medians);
      row.minMs = Math.min(...medians);
      row.maxMs = Math.max(...medians);
      row.cpuMs = median(row.samples.map((s) => s.cpuMsPerValue));
      row.peakRssBytes = median(row.samples.map((s) => s.peakRssBytes));
    }
    for (const row of rows) {
      const native = rows.find((r) => r.id === (row.runtime === "Node" ? "native-node" : "native-deno"));
      if (row.medianMs !== undefined && native?.medianMs !== undefined) {
        // Paired by round (the two ran minutes apart at most), so a change in the machine's load hits both.
        const rounds = Math.min(row.samples.length, native.samples.length);
        row.versusNative = median(
          Array.from({ length: rounds }, (_, r) => native.samples[r].medianMs / row.samples[r].medianMs),
        );
      }
    }
    variants.push({ variant, rows, referenceLeaves });
  }
  const nodes = treeNodes(levels);
  const targets = checkTargets(variants);
  return {
    levels,
    nodes,
    rounds,
    variants,
    skipped,
    targets,
    markdown: render(variants, { levels, nodes, rounds, quick, skipped, targets }),
  };
}

/** The issue's bar: lazy yieldio at least 1.0× native on none and memoization, in Deno and in Node. */
function checkTargets(variants: TreeVariantResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const v of variants.filter((v) => v.variant === "none" || v.variant === "memoization")) {
    for (const row of v.rows.filter((r) => (r.id === "yieldio-deno" || r.id === "yieldio-node"))) {
      if (row.versusNative === undefined) continue;
      const met = row.versusNative >= 1;
      checks.push({
        target: `async_tree_${v.variant}: ${row.label} ≥ 1.0× native (${row.runtime})`,
        value: fmtRatio(row.versusNative),
        met,
        verdict: met ? "met" : `missed: needs ${fmtRatio(1 / row.versusNative)} its speed`,
      });
    }
  }
  return checks;
}

const VARIANT_NOTES: Record<Variant, string> = {
  none: "No work at the leaves: the cost of the tasks and gathers alone.",
  io: "Every leaf sleeps 50 ms (overhead = time − 50 ms).",
  memoization: "A leaf draws `randint(1, 100)` and sleeps 50 ms unless the value is ≤ 90 and was drawn before " +
    "(overhead = time − 50 ms).",
  cpu_io_mixed: "Half the leaves compute factorial(500) (a BigInt loop in JavaScript, C in CPython), the others are " +
    "memoization leaves; the factorials dominate.",
};

function render(
  variants: TreeVariantResult[],
  info: { levels: number; nodes: number; rounds: number; quick: boolean; skipped: string[]; targets: TargetCheck[] },
): string {
  const parts = [
    "## 10. async_tree: pyperformance's bm_async_tree",
    "",
    `A gather tree ${info.levels} levels deep with ${NUM_RECURSE_BRANCHES} branches per node ` +
    `(${info.nodes.toLocaleString("en-US")} nodes per iteration). One process per sample: ` +
    (info.quick ? "1 timed iteration" : "1 warm-up and 3 timed iterations (Effection and Effect: 1, no warm-up)") +
    `, each in a fresh loop and timed from inside it; the sample is the process's median. ${info.rounds} ` +
    `round${info.rounds === 1 ? "" : "s"}, sides rotated each round; median and min–max over the samples. ` +
    "CPU = user + system time per iteration (all threads). Peak RSS = the process's VmHWM. × native = the median " +
    "over rounds of the same runtime's native sample ÷ this side's, paired by round (CPython, Effection and Effect: " +
    "native Deno's); > 1 is faster than native. " +
    "The CPython sides run pyperformance's own file, unmodified; every side's leaf counts match it iteration for " +
    "iteration (checked).",
    "",
  ];
  for (const v of variants) {
    const sleeps = v.variant !== "none";
    const leaves = v.referenceLeaves[0];
    parts.push(
      `### async_tree_${v.variant}`,
      "",
      VARIANT_NOTES[v.variant] +
        (leaves && sleeps ? ` First iteration: ${leaves[0]} sleeps, ${leaves[1]} factorials.` : ""),
      "",
    );
    const header = ["side", "median", "min–max", ...(sleeps ? ["overhead"] : []), "× native", "CPU", "peak RSS"];
    parts.push(markdownTable(
      header,
      v.rows.map((r) => {
        if (r.medianMs === undefined) {
          return [r.label, r.failure ? `failed: ${r.failure}` : "—", ...header.slice(3).map(() => "")];
        }
        return [
          r.label,
          fmtMs(r.medianMs),
          `${fmtMs(r.minMs as number)}–${fmtMs(r.maxMs as number)}`,
          ...(sleeps ? [fmtMs(r.medianMs - IO_SLEEP_MS)] : []),
          r.versusNative === undefined ? "—" : fmtRatio(r.versusNative),
          fmtMs(r.cpuMs as number),
          fmtBytes(r.peakRssBytes as number),
        ];
      }),
    ));
    parts.push("");
  }
  for (const t of info.targets) parts.push(`- Target ${t.target}: **${t.value} — ${t.verdict}**`);
  for (const s of info.skipped) parts.push(`- ${s}`);
  parts.push("");
  return parts.join("\n");
}
