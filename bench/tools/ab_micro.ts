/**
 * Paired A/B of one micro side across checkouts: is a change to the core
 * measurable? Each sample is a fresh process running that checkout's own
 * `bench/scenarios/micro.ts` (as `run.ts` does), the checkouts alternate
 * with a rotating order, and the verdict is the median of the per-round
 * ratios — so drift in the machine's load hits every checkout alike.
 *
 *   git worktree add /tmp/before <commit>   # plus: ln -s $PWD/node_modules /tmp/before/
 *   deno run -A bench/tools/ab_micro.ts dispatch:0 30 before=/tmp/before now=.
 *
 * usage: ab_micro.ts <scenario id>:<side index> <rounds> <name>=<checkout> <name>=<checkout> [...]
 * The first checkout is the reference (ratio 1); a ratio above 1 is faster.
 *
 * @module
 */

import { microSample } from "../_micro_sample.ts";
import { median } from "../_stats.ts";

const [which, roundsArg, ...checkoutArgs] = Deno.args;
const [id, side] = (which ?? "").split(":");
const rounds = Number(roundsArg);
const checkouts = checkoutArgs.map((arg) => arg.split("=") as [string, string]);
if (!id || !/^\d+$/.test(side ?? "") || !Number.isInteger(rounds) || rounds < 1 || checkouts.length < 2) {
  console.error("usage: ab_micro.ts <scenario id>:<side index> <rounds> <name>=<checkout> <name>=<checkout> [...]");
  Deno.exit(2);
}

const samples = checkouts.map((): number[] => []);
for (let round = 0; round < rounds; round++) {
  for (let i = 0; i < checkouts.length; i++) {
    const k = (i + round) % checkouts.length;
    samples[k].push(...await microSample(id, Number(side), { script: `${checkouts[k][1]}/bench/scenarios/micro.ts` }));
  }
}
for (const [k, [name]] of checkouts.entries()) {
  const ratios = samples[0].map((reference, round) => reference / samples[k][round]);
  console.log(
    `${name.padEnd(12)} median ${median(samples[k]).toFixed(1)} ms   ` +
      `speed vs ${checkouts[0][0]}: ${median(ratios).toFixed(3)} (paired median of ${rounds})`,
  );
}
