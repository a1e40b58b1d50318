/**
 * Paired A/B of the seed scenario (scenario 1, yieldio's child) across
 * checkouts: did a change to the core move overhead, CPU or peak RSS at N
 * tasks? Each sample is a fresh process running that checkout's own
 * `bench/peers/seed_scale_yieldio.ts`, the checkouts alternate with a
 * rotating order, and the verdict is the median of the per-round ratios, so
 * drift in the machine's load hits every checkout alike.
 *
 *   git worktree add /tmp/before <commit>   # plus: ln -s $PWD/node_modules /tmp/before/
 *   deno run -A bench/tools/ab_seed.ts 1000000 direct runSync 9 before=/tmp/before now=.
 *
 *   deno run -A bench/tools/ab_seed.ts 1000000 direct run 9 before=/tmp/before now=. --join=gather
 *
 * usage: ab_seed.ts <n> <direct|coroutine> <run|runSync> <rounds> <name>=<checkout> <name>=<checkout> [...]
 *   [--join=gather]
 * The first checkout is the reference (ratio 1); a ratio below 1 is better. `--join=gather` (or any other
 * `--flag`) is passed on to every child.
 *
 * @module
 */

import { median } from "../_stats.ts";

/** Flags for the children (`--join=gather`); the rest is positional. */
const childFlags = Deno.args.filter((arg) => arg.startsWith("--"));
const [nArg, shape, driver, roundsArg, ...checkoutArgs] = Deno.args.filter((arg) => !arg.startsWith("--"));
const n = Number(nArg), rounds = Number(roundsArg);
/** `name=path`, split at the first `=` (a path may hold one). */
const checkouts = checkoutArgs.map((
  arg,
): [string, string] => [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]);
if (
  !Number.isInteger(n) || !["direct", "coroutine"].includes(shape) || !["run", "runSync"].includes(driver) ||
  !Number.isInteger(rounds) || rounds < 1 || checkouts.length < 2 ||
  checkoutArgs.some((arg) => arg.indexOf("=") < 1)
) {
  console.error("usage: ab_seed.ts <n> <direct|coroutine> <run|runSync> <rounds> <name>=<checkout> <name>=<checkout>");
  Deno.exit(2);
}

interface Sample {
  overheadMs: number;
  cpuMs: number;
  peakRssBytes: number;
}

async function sample(checkout: string, round: number): Promise<Sample> {
  const script = `${checkout}/bench/peers/seed_scale_yieldio.ts`;
  // The flags scenario 1 starts its children with (scenarios/seed_scale.ts).
  const args = ["run", "-A", "--no-lock", "--node-modules-dir=none", "--v8-flags=--expose-gc", script, String(n)];
  args.push(String(42 + round));
  const out = await new Deno.Command(Deno.execPath(), {
    args: [...args, `--shape=${shape}`, `--driver=${driver}`, ...childFlags],
  })
    .output();
  if (!out.success) throw new Error(`${script} failed: ${new TextDecoder().decode(out.stderr)}`);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

const samples = checkouts.map((): Sample[] => []);
for (let round = 0; round < rounds; round++) {
  for (let i = 0; i < checkouts.length; i++) {
    const k = (i + round) % checkouts.length;
    samples[k].push(await sample(checkouts[k][1], round));
  }
}
const figures: [string, (s: Sample) => number, (v: number) => string][] = [
  ["overhead", (s) => s.overheadMs, (v) => `${v.toFixed(0)} ms`],
  ["CPU", (s) => s.cpuMs, (v) => `${v.toFixed(0)} ms`],
  ["peak RSS", (s) => s.peakRssBytes, (v) => `${(v / 2 ** 20).toFixed(0)} MiB`],
];
console.log(
  `n=${n} ${shape} ${driver} ${childFlags.join(" ")}, ${rounds} rounds (median; paired ratio vs ${checkouts[0][0]})`,
);
for (const [k, [name]] of checkouts.entries()) {
  const cells = figures.map(([label, of, show]) => {
    const ratio = median(samples[0].map((reference, round) => of(samples[k][round]) / of(reference)));
    return `${label} ${show(median(samples[k].map(of)))} (${ratio.toFixed(3)})`;
  });
  console.log(`${name.padEnd(10)} ${cells.join("   ")}`);
}
