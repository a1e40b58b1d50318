/**
 * yieldio's benchmark suite: `deno task bench` (add `--quick` for a smoke
 * test, `--only=seed,switch,...` for a subset, `--rounds=N`,
 * `--shape=direct|coroutine` for one of scenario 1's two shapes,
 * `--variant=none,io,...` for some of scenario 9's variants).
 *
 * Every scenario runs yieldio and its peers in the same run, alternating, for
 * several rounds, and prints a markdown table (median, min–max, ratio to
 * yieldio) on stdout; progress goes to stderr. A full run writes
 * `bench/results.json` (machine, command, date, every sample) for tracking;
 * `--quick`, `--only` and `--shape` runs write `.bench-out/results.json`
 * instead, so a smoke test or a partial run never overwrites the tracked
 * figures.
 *
 * Scenarios: 1 seed (N sleeping tasks, child processes), 2 dispatch,
 * 3 switch, 4 sleep0, 5 timers, 6 queue (in-process),
 * 7 idle (idle adapters in Deno and Node), 8 threads (jobs/s through a worker
 * pool, cross-thread wake-up round trips), 9 io (TCP echo and subprocess
 * spawn + communicate, beside plain host code and CPython asyncio), 10 tree
 * (pyperformance's async_tree against native, Effection, Effect and CPython),
 * 11 gather (one gather over 1M sleeping tasks against a `yield*` each),
 * 12 fixed (the first loop of a process, a warm empty `run()`), steady: the same side run
 * many times in one process, which the per-process micro figures hide, and
 * size: the size figures of the build (hello world, a typical program, the
 * whole of mod.ts, each against its budget) and the inspector and testing
 * entries, each on its own.
 *
 * @module
 */

import { describeMachine, loadAverage, type Machine, machineMarkdown } from "./_machine.ts";
import { fmtMs, fmtRate, fmtRatio, median } from "./_stats.ts";
import { microSample } from "./_micro_sample.ts";
import { markdownTable } from "./_table.ts";
import { type IdleResult, runIdle } from "./scenarios/idle.ts";
import { type MicroScenario, microScenarios } from "./scenarios/micro.ts";
import { runSeedScale, type SeedResult, type Shape, SHAPES, type TargetCheck } from "./scenarios/seed_scale.ts";
import { runThreads, type ThreadsResult } from "./scenarios/threads.ts";
import { type IoResult, runIo } from "./scenarios/io.ts";
import { type AsyncTreeResult, runAsyncTree, type Variant, VARIANTS } from "./scenarios/async_tree.ts";
import { type FixedCostResult, runFixedCost } from "./scenarios/fixed_cost.ts";
import { type GatherResult, runGatherScale } from "./scenarios/gather_scale.ts";
import { build, type BuildInfo } from "../tests/_harness/build.ts";
import type { SizeFigure } from "../tests/_harness/sizes.ts";

const SCENARIOS = [
  "seed",
  "dispatch",
  "switch",
  "sleep0",
  "timers",
  "queue",
  "idle",
  "threads",
  "io",
  "tree",
  "gather",
  "fixed",
  "steady",
  "size",
] as const;
const MICRO_ROUNDS = 5;
/** The issue's floor for timer schedule+cancel pairs per second. */
const TIMER_TARGET_PER_S = 5_000_000;

interface Options {
  quick: boolean;
  only: Set<string> | null;
  rounds: number | null;
  /** Scenario 1's shapes; null: both. */
  shapes: Shape[] | null;
  /** Scenario 9's variants; null: all. */
  variants: Variant[] | null;
  out: string;
}

function parseOptions(args: string[]): Options {
  let quick = false, only: Set<string> | null = null, rounds: number | null = null, out: string | null = null;
  let shapes: Shape[] | null = null, variants: Variant[] | null = null;
  for (const arg of args) {
    if (arg === "--quick") quick = true;
    else if (arg.startsWith("--only=")) {
      only = new Set(arg.slice("--only=".length).split(",").filter((s) => s !== ""));
      for (const s of only) {
        if (!(SCENARIOS as readonly string[]).includes(s)) usage(`unknown scenario "${s}"`);
      }
    } else if (arg.startsWith("--rounds=")) {
      rounds = Number(arg.slice("--rounds=".length));
      if (!Number.isInteger(rounds) || rounds < 1) usage("--rounds needs a positive integer");
    } else if (arg.startsWith("--shape=")) {
      const list = arg.slice("--shape=".length).split(",").filter((s) => s !== "");
      for (const s of list) {
        if (!(SHAPES as readonly string[]).includes(s)) usage(`unknown shape "${s}"`);
      }
      if (list.length === 0) usage(`--shape needs one of ${SHAPES.join(", ")}`);
      shapes = SHAPES.filter((s) => list.includes(s));
    } else if (arg.startsWith("--variant=")) {
      const list = arg.slice("--variant=".length).split(",").filter((s) => s !== "");
      for (const v of list) {
        if (!(VARIANTS as readonly string[]).includes(v)) usage(`unknown async_tree variant "${v}"`);
      }
      if (list.length === 0) usage(`--variant needs some of ${VARIANTS.join(", ")}`);
      variants = VARIANTS.filter((v) => list.includes(v));
    } else if (arg.startsWith("--out=")) out = arg.slice("--out=".length);
    else usage(`unknown argument "${arg}"`);
  }
  const root = new URL("../", import.meta.url).pathname;
  const partial = quick || only !== null || shapes !== null || variants !== null;
  out ??= partial ? `${root}.bench-out/results.json` : `${root}bench/results.json`;
  return { quick, only, rounds, shapes, variants, out };
}

function usage(problem: string): never {
  console.error(
    `${problem}\nusage: deno task bench [--quick] [--only=${SCENARIOS.join(",")}] [--rounds=N] ` +
      `[--shape=${SHAPES.join("|")}] [--variant=${VARIANTS.join(",")}] [--out=file]`,
  );
  Deno.exit(2);
}

const log = (line: string) => console.error(line);

async function hasCommand(cmd: string, args: string[]): Promise<boolean> {
  try {
    return (await new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).output()).success;
  } catch {
    return false;
  }
}

// ------------------------------------------------------------------ scenarios 2–6

interface MicroSideResult {
  label: string;
  yieldio: boolean;
  samplesMs: number[];
  medianMs: number;
  medianRate: number;
  /** Reference yieldio rate ÷ this side's rate: > 1 means yieldio is faster. */
  ratio: number;
}

interface MicroResult {
  id: string;
  title: string;
  unit: string;
  n: number;
  rounds: number;
  sides: MicroSideResult[];
  notes: string[];
}

/** Runs the sides of one micro scenario alternately, a fresh process per sample, rotating the order each round. */
async function runMicro(
  scenario: MicroScenario,
  quick: boolean,
  rounds: number,
  python: boolean,
): Promise<MicroResult> {
  const sides = scenario.sides;
  const samples = sides.map((): number[] => []);
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < sides.length; i++) {
      const k = (i + round) % sides.length;
      samples[k].push(...await microSample(scenario.id, k, { quick, python }));
    }
    log(`  ${scenario.id} round ${round + 1}/${rounds}: ${samples.map((s) => fmtMs(median(s))).join(", ")}`);
  }
  const n = quick ? scenario.quickN : scenario.n;
  const results = sides.map((side, k): MicroSideResult => {
    const medianMs = median(samples[k]);
    return {
      label: side.label,
      yieldio: side.yieldio,
      samplesMs: samples[k],
      medianMs,
      medianRate: n / medianMs * 1000,
      ratio: NaN,
    };
  });
  const reference = results.find((r) => r.yieldio) as MicroSideResult;
  for (const r of results) r.ratio = reference.medianRate / r.medianRate;
  return {
    id: scenario.id,
    title: scenario.title,
    unit: scenario.unit,
    n,
    rounds,
    sides: results,
    notes: scenario.notes,
  };
}

function renderMicro(r: MicroResult, targets: TargetCheck[]): string {
  const reference = r.sides.find((s) => s.yieldio) as MicroSideResult;
  const rows = r.sides.map((s) => {
    const rates = s.samplesMs.map((ms) => r.n / ms * 1000);
    return [
      s.label,
      fmtRate(s.medianRate),
      `${fmtRate(Math.min(...rates))}–${fmtRate(Math.max(...rates))}`,
      fmtMs(s.medianMs),
      fmtRatio(s.ratio),
    ];
  });
  const parts = [
    `## ${r.title}`,
    "",
    `${r.n.toLocaleString("en-US")} ${r.unit} per side, ${r.rounds} round${r.rounds === 1 ? "" : "s"}, median. ` +
    `× = ${reference.label} rate ÷ this side's rate (> 1: yieldio is faster).`,
    "",
    markdownTable([`side`, `${r.unit}/s`, "min–max", "time", "×"], rows),
    "",
    ...r.notes.map((note) => `- ${note}`),
  ];
  for (const t of targets) parts.push(`- Target ${t.target}: **${t.value} — ${t.verdict}**`);
  parts.push("");
  return parts.join("\n");
}

function microTargets(r: MicroResult): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const yieldioSides = r.sides.filter((s) => s.yieldio);
  const versus = (peerLabel: string, what: string) => {
    const peer = r.sides.find((s) => s.label === peerLabel);
    if (peer === undefined) return;
    for (const y of yieldioSides) {
      const ratio = y.medianRate / peer.medianRate;
      checks.push({
        target: `${what}: ${y.label} ≥ ${peer.label}`,
        value: fmtRatio(ratio),
        met: ratio >= 1,
        verdict: ratio >= 1 ? "met" : `missed: needs ${fmtRatio(1 / ratio)} its speed`,
      });
    }
  };
  if (r.id.startsWith("dispatch")) versus("queueMicrotask", `callSoon dispatch (${r.id})`);
  if (r.id === "switch") versus("native async/await", "task switch");
  if (r.id === "timers") {
    for (const y of yieldioSides) {
      const met = y.medianRate >= TIMER_TARGET_PER_S;
      checks.push({
        target: `timer schedule+cancel ≥ 5 M pairs/s: ${y.label}`,
        value: fmtRate(y.medianRate),
        met,
        verdict: met ? "met" : `missed by ${fmtRate(TIMER_TARGET_PER_S - y.medianRate)}`,
      });
    }
  }
  return checks;
}

// ------------------------------------------------------------------ steady state

/** Sides watched by the steady-state check: [scenario id, side index]. */
const STEADY_SIDES: [string, number][] = [["dispatch", 0], ["dispatch", 2], ["switch", 0], ["switch", 2]];
const STEADY_REPEAT = 12;

interface SteadyRow {
  scenario: string;
  label: string;
  timesMs: number[];
  firstMs: number;
  lastMs: number;
}

/**
 * Each watched side once in its own process, run STEADY_REPEAT times in a row
 * (a new EventLoop each time, as in a test suite or a server that calls run()
 * per request). Compares the median of the first three with the last three.
 */
async function runSteady(quick: boolean, python: boolean): Promise<SteadyRow[]> {
  const scenarios = microScenarios(python);
  const rows: SteadyRow[] = [];
  for (const [id, index] of STEADY_SIDES) {
    const repeat = quick ? 4 : STEADY_REPEAT;
    const timesMs = await microSample(id, index, { quick, python, repeat });
    const label = (scenarios.find((s) => s.id === id) as MicroScenario).sides[index].label;
    rows.push({
      scenario: id,
      label,
      timesMs,
      firstMs: median(timesMs.slice(0, 3)),
      lastMs: median(timesMs.slice(-3)),
    });
    log(`  steady ${id}: ${label}: ${timesMs.map((t) => t.toFixed(0)).join(" ")} ms`);
  }
  return rows;
}

function renderSteady(rows: SteadyRow[]): string {
  return [
    "## Steady state: the same side run repeatedly in one process",
    "",
    "The tables above measure each sample in a fresh process (warm-up loop + measured loop). Here each side runs " +
    `${rows[0]?.timesMs.length ?? STEADY_REPEAT} times in a row in one process, a new loop each time, with a full ` +
    "GC (`gc()`) before each run.",
    "",
    markdownTable(
      ["side", "runs 1–3 (median)", "last 3 (median)", "change", "every run (ms)"],
      rows.map((r) => [
        `${r.scenario}: ${r.label}`,
        fmtMs(r.firstMs),
        fmtMs(r.lastMs),
        `${r.lastMs >= r.firstMs ? "+" : ""}${((r.lastMs / r.firstMs - 1) * 100).toFixed(0)} %`,
        r.timesMs.map((t) => t.toFixed(0)).join(" "),
      ]),
      "lrrrl",
    ),
    "",
  ].join("\n");
}

// ------------------------------------------------------------------ main

const options = parseOptions(Deno.args);
const selected = (id: string) => options.only === null || options.only.has(id);

const [machine, python, node] = await Promise.all([
  describeMachine(),
  hasCommand("python3", ["--version"]),
  hasCommand("node", ["--version"]),
]);
const command = `deno task bench${Deno.args.length ? ` ${Deno.args.join(" ")}` : ""}` +
  ` (deno run -A --v8-flags=--expose-gc bench/run.ts)`;
const started = new Date();
const markdown: string[] = [
  `# yieldio benchmarks — ${started.toISOString().slice(0, 10)}`,
  "",
  machineMarkdown(machine),
  `- Command: \`${command}\``,
  `- Load average (1/5/15 min) at the start: ${loadAverage() ?? "unknown"}`,
  "",
];
if (!python) markdown.push("- python3 not found: the asyncio peers are skipped.", "");
console.log(markdown.join("\n"));

const results: {
  date: string;
  command: string;
  machine: Machine;
  loadAverage: { start: string | null; end?: string | null };
  options: {
    quick: boolean;
    only: string[] | null;
    rounds: number | null;
    shapes: Shape[] | null;
    variants: Variant[] | null;
  };
  seed?: Omit<SeedResult, "markdown">;
  micro: MicroResult[];
  steady?: SteadyRow[];
  idle?: Omit<IdleResult, "markdown">;
  threads?: Omit<ThreadsResult, "markdown">;
  io?: Omit<IoResult, "markdown">;
  tree?: Omit<AsyncTreeResult, "markdown">;
  gather?: Omit<GatherResult, "markdown">;
  fixed?: Omit<FixedCostResult, "markdown">;
  /** The build's figures, without the esbuild metafiles. */
  size?: Omit<BuildInfo, "testFiles" | "sizes"> & { sizes: Omit<SizeFigure, "metafile">[] };
  targets: TargetCheck[];
  durationS?: number;
} = {
  date: started.toISOString(),
  command,
  machine,
  loadAverage: { start: loadAverage() },
  options: {
    quick: options.quick,
    only: options.only && [...options.only],
    rounds: options.rounds,
    shapes: options.shapes,
    variants: options.variants,
  },
  micro: [],
  targets: [],
};

function emit(section: string): void {
  console.log(section);
  markdown.push(section);
}

if (selected("seed")) {
  log("1. seed scenario at scale");
  const { markdown: md, ...seed } = await runSeedScale({
    quick: options.quick,
    rounds: options.rounds,
    shapes: options.shapes ?? SHAPES,
    python,
    log,
  });
  results.seed = seed;
  results.targets.push(...seed.targets);
  emit(md);
}

for (const scenario of microScenarios(python)) {
  const group = scenario.id.split("-")[0];
  if (!selected(group)) continue;
  log(`${scenario.title}`);
  const r = await runMicro(scenario, options.quick, options.rounds ?? (options.quick ? 1 : MICRO_ROUNDS), python);
  const checks = microTargets(r);
  results.micro.push(r);
  results.targets.push(...checks);
  emit(renderMicro(r, checks));
}

if (selected("steady")) {
  log("steady state");
  results.steady = await runSteady(options.quick, python);
  emit(renderSteady(results.steady));
}

if (selected("idle")) {
  log("7. idle adapters");
  const { markdown: md, ...idle } = await runIdle({ quick: options.quick, node, log });
  results.idle = idle;
  emit(md);
}

if (selected("threads")) {
  log("8. threads");
  const { markdown: md, ...threads } = await runThreads({ quick: options.quick, node, log });
  results.threads = threads;
  emit(md);
}

if (selected("io")) {
  log("9. io");
  const { markdown: md, ...io } = await runIo({ quick: options.quick, node, python, log });
  results.io = io;
  results.targets.push(...io.targets);
  emit(md);
}

if (selected("tree")) {
  log("10. async_tree");
  const { markdown: md, ...tree } = await runAsyncTree({
    quick: options.quick,
    rounds: options.rounds,
    variants: options.variants,
    python,
    node,
    log,
  });
  results.tree = tree;
  results.targets.push(...tree.targets);
  emit(md);
}

if (selected("gather")) {
  log("11. gather over sleeping tasks");
  const { markdown: md, ...gather } = await runGatherScale({ quick: options.quick, rounds: options.rounds, log });
  results.gather = gather;
  results.targets.push(...gather.targets);
  emit(md);
}

if (selected("fixed")) {
  log("12. the fixed cost of a loop");
  const { markdown: md, ...fixed } = await runFixedCost({ quick: options.quick, rounds: options.rounds, node, log });
  results.fixed = fixed;
  results.targets.push(...fixed.targets);
  emit(md);
}

if (selected("size")) {
  log("size: bundles");
  const { testFiles: _, ...size } = await build(); // the same build as `deno task build`
  results.size = { ...size, sizes: size.sizes.map(({ metafile: _, ...figure }) => figure) };
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  emit([
    "## Bundle sizes",
    "",
    markdownTable(["program", "minified", "gzipped (budget)"], [
      ...size.sizes.map((figure) => [
        `${figure.what} (tree-shaken from its entry)`,
        kb(figure.minBytes),
        `${kb(figure.gzipBytes)} (${kb(figure.budgetBytes)})`,
      ]),
      ["`./inspector` (dist/inspector.min.js, minified)", kb(size.inspectorMinBytes), kb(size.inspectorGzipBytes)],
      [
        "`./testing` (dist/testing.js, not minified; imports the core)",
        kb(size.testingBytes),
        kb(size.testingGzipBytes),
      ],
    ], "lrr"),
    "",
  ].join("\n"));
}

if (results.targets.length > 0) {
  emit([
    "## Targets (issue)",
    "",
    markdownTable(
      ["target", "measured", "verdict"],
      results.targets.map((t) => [t.target, t.value, t.met ? "met" : t.verdict]),
      "lrl",
    ),
    "",
  ].join("\n"));
}

results.loadAverage.end = loadAverage();
emit(
  `Load average at the end: ${results.loadAverage.end ?? "unknown"}; ${
    Math.round((Date.now() - started.getTime()) / 1000)
  } s in all.\n`,
);
results.durationS = Math.round((Date.now() - started.getTime()) / 1000);
Deno.mkdirSync(new URL(".", `file://${options.out}`).pathname, { recursive: true });
Deno.writeTextFileSync(options.out, JSON.stringify(results, null, 2) + "\n");
const mdOut = new URL("../.bench-out/results.md", import.meta.url).pathname;
Deno.mkdirSync(new URL(".", `file://${mdOut}`).pathname, { recursive: true });
Deno.writeTextFileSync(mdOut, markdown.join("\n"));
log(`done in ${results.durationS} s; wrote ${options.out} and ${mdOut}`);
