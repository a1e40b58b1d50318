/**
 * Paired A/B of yieldio's async_tree side (scenario 9) across checkouts: did a
 * change move time, CPU, peak RSS or bytes allocated per tree node? Each
 * sample is a fresh process running that checkout's own
 * `bench/peers/async_tree_yieldio.ts` (in Deno, or with `--node` an esbuild
 * bundle of it), the checkouts alternate with a rotating order, and each
 * verdict is the median of the per-round ratios, so drift in the machine's
 * load hits every checkout alike.
 *
 *   git worktree add /tmp/before <commit>   # plus: ln -s $PWD/node_modules /tmp/before/
 *   deno run -A bench/tools/ab_tree.ts none 15 before=/tmp/before now=.
 *   deno run -A bench/tools/ab_tree.ts none 5 before=/tmp/before now=. --alloc   # bytes per node
 *
 * usage: ab_tree.ts <variant> <rounds> <name>=<checkout> <name>=<checkout> [...]
 *   [--eager] [--node] [--alloc] [--levels=N] [--values=N] [--warmups=N]
 * `--eager` runs the eagerTaskFactory flavour. `--alloc` adds a full GC before
 * each timed iteration and a 256 MiB young generation (so no scavenge runs
 * inside one) and reports heapUsed growth per node; its timings are then not
 * the default configuration's. `--levels`, `--values`, `--warmups` pass on
 * (default: pyperf's 1 warm-up and 3 values). The first checkout is the
 * reference (ratio 1); a ratio below 1 is better.
 *
 * @module
 */

import { bundle } from "../_child.ts";
import { fmtBytes, fmtMs, median } from "../_stats.ts";
import { treeNodes, type TreeReport, VARIANTS } from "../peers/_async_tree_common.ts";

const flags = Deno.args.filter((arg) => arg.startsWith("--"));
const [variant, roundsArg, ...checkoutArgs] = Deno.args.filter((arg) => !arg.startsWith("--"));
const rounds = Number(roundsArg);
/** `name=path`, split at the first `=` (a path may hold one). */
const checkouts = checkoutArgs.map((
  arg,
): [string, string] => [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]);
const known = /^--(eager|node|alloc|levels=\d+|values=\d+|warmups=\d+)$/;
if (
  !(VARIANTS as readonly string[]).includes(variant) || !Number.isInteger(rounds) || rounds < 1 ||
  checkouts.length < 2 || checkoutArgs.some((arg) => arg.indexOf("=") < 1) || flags.some((f) => !known.test(f))
) {
  console.error(
    `usage: ab_tree.ts <${VARIANTS.join("|")}> <rounds> <name>=<checkout> <name>=<checkout> [...] ` +
      "[--eager] [--node] [--alloc] [--levels=N] [--values=N] [--warmups=N]",
  );
  Deno.exit(2);
}
const onNode = flags.includes("--node"), alloc = flags.includes("--alloc");
const childFlags = flags.filter((f) => f !== "--node");
const levels = Number(flags.find((f) => f.startsWith("--levels="))?.slice("--levels=".length) ?? 6);
/** A young generation no iteration fills, so heapUsed growth is what the iteration allocated. */
const ALLOC_V8_FLAGS = ["--expose-gc", "--min-semi-space-size=256", "--max-semi-space-size=256"];

const commands: [string, string[]][] = [];
for (const [name, checkout] of checkouts) {
  const script = `${checkout}/bench/peers/async_tree_yieldio.ts`;
  if (!onNode) {
    const v8 = alloc ? [`--v8-flags=${ALLOC_V8_FLAGS.join(",")}`] : [];
    commands.push([Deno.execPath(), ["run", "-A", "--no-lock", "--node-modules-dir=none", ...v8, script]]);
    continue;
  }
  const out = new URL(`../../.bench-out/ab_tree_${name}.mjs`, import.meta.url).pathname;
  const failed = await bundle(script, out, "node");
  if (failed !== null) throw new Error(`bundling ${script} failed: ${failed}`);
  commands.push(["node", [...(alloc ? ALLOC_V8_FLAGS : []), out]]);
}

async function sample(k: number): Promise<TreeReport> {
  const [cmd, args] = commands[k];
  const out = await new Deno.Command(cmd, { args: [...args, variant, ...childFlags], stderr: "inherit" }).output();
  if (!out.success) throw new Error(`${checkouts[k][0]}: the child failed`);
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) as string);
}

const samples = checkouts.map((): TreeReport[] => []);
for (let round = 0; round < rounds; round++) {
  for (let i = 0; i < checkouts.length; i++) {
    const k = (i + round) % checkouts.length;
    samples[k].push(await sample(k));
  }
}
const nodes = treeNodes(levels);
const figures: [string, (r: TreeReport) => number, (v: number) => string][] = [
  ["time", (r) => median(r.valuesMs), fmtMs],
  ["CPU", (r) => r.cpuMsPerValue, fmtMs],
  ["peak RSS", (r) => r.peakRssBytes, fmtBytes],
];
if (alloc) figures.push(["alloc/node", (r) => median(r.allocBytes as number[]) / nodes, (v) => `${v.toFixed(0)} B`]);
console.log(
  `async_tree_${variant}${flags.includes("--eager") ? " eager" : ""} on ${onNode ? "Node" : "Deno"} ` +
    `${childFlags.join(" ")}, ${rounds} rounds (median; paired ratio vs ${checkouts[0][0]})`,
);
for (const [k, [name]] of checkouts.entries()) {
  const cells = figures.map(([label, of, show]) => {
    const ratio = median(samples[0].map((reference, round) => of(samples[k][round]) / of(reference)));
    return `${label} ${show(median(samples[k].map(of)))} (${ratio.toFixed(3)})`;
  });
  console.log(`${name.padEnd(10)} ${cells.join("   ")}`);
}
