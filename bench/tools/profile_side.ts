/**
 * Runs one side of one micro scenario (bench/scenarios/micro.ts) alone, many
 * times, so a profiler sees only that code:
 *
 *   deno run -A --cpu-prof --cpu-prof-dir=.bench-out/prof bench/tools/profile_side.ts switch 0
 *   deno run -R bench/tools/cpuprofile_top.ts .bench-out/prof/<file>.cpuprofile
 *
 * usage: profile_side.ts <scenario id> <side index or label prefix> [n] [repetitions=10]
 * With no side, lists the scenario's sides.
 *
 * @module
 */

import { microScenarios } from "../scenarios/micro.ts";

const [id, which, nArg, repsArg] = Deno.args;
const scenario = microScenarios(false).find((s) => s.id === id);
if (scenario === undefined) {
  console.error(`scenarios: ${microScenarios(false).map((s) => s.id).join(", ")}`);
  Deno.exit(2);
}
const side = /^\d+$/.test(which ?? "")
  ? scenario.sides[Number(which)]
  : scenario.sides.find((s) => which !== undefined && s.label.startsWith(which));
if (side === undefined) {
  scenario.sides.forEach((s, i) => console.error(`${i}: ${s.label}`));
  Deno.exit(2);
}
const n = Number(nArg ?? scenario.n);
const reps = Number(repsArg ?? 10);
let total = 0;
for (let i = 0; i < reps; i++) total += await side.run(n);
console.log(`${side.label}: ${reps} × ${n} ${scenario.unit}, ${(n * reps / total * 1000 / 1e6).toFixed(2)} M/s mean`);
