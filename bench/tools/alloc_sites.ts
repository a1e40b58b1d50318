/**
 * Where yieldio's async_tree allocates, by site, in bytes per tree node:
 * bundles `_alloc_probe.ts` for Node and runs the async_tree yieldio side
 * under V8's sampling heap profiler, collected objects included (so the
 * figures are allocation volume, not what stays alive). The sampling is
 * statistical: sites below a few bytes per node are noise.
 *
 *   deno run -A bench/tools/alloc_sites.ts none            # lazy
 *   deno run -A bench/tools/alloc_sites.ts none --eager 30 # eager, top 30
 *
 * usage: alloc_sites.ts <variant> [--eager] [top=25]
 * The tree runs 1 warm-up and 5 timed iterations; all six are sampled.
 *
 * @module
 */

import { bundle } from "../_child.ts";
import { treeNodes, VARIANTS } from "../peers/_async_tree_common.ts";

const flags = Deno.args.filter((a) => a.startsWith("--"));
const [variant, topArg] = Deno.args.filter((a) => !a.startsWith("--"));
if (!(VARIANTS as readonly string[]).includes(variant) || flags.some((f) => f !== "--eager")) {
  console.error(`usage: alloc_sites.ts <${VARIANTS.join("|")}> [--eager] [top=25]`);
  Deno.exit(2);
}
const ITERATIONS = 6;
const out = new URL("../../.bench-out/alloc_probe.mjs", import.meta.url).pathname;
const failed = await bundle(new URL("./_alloc_probe.ts", import.meta.url).pathname, out, "node");
if (failed !== null) throw new Error(`bundling the probe failed: ${failed}`);
const run = await new Deno.Command("node", {
  args: [out, variant, ...flags, "--warmups=1", `--values=${ITERATIONS - 1}`],
  stderr: "inherit",
}).output();
if (!run.success) Deno.exit(1);
const lines = new TextDecoder().decode(run.stdout).trim().split("\n");
const { sites } = JSON.parse(lines.at(-1) as string) as { sites: Record<string, number> };
const perNode = ITERATIONS * treeNodes(6);
const rows = Object.entries(sites).sort((a, b) => b[1] - a[1]);
const total = rows.reduce((sum, [, bytes]) => sum + bytes, 0);
console.log(
  `async_tree_${variant}${flags.length ? " eager" : ""} on Node: ${(total / perNode).toFixed(0)} B/node sampled`,
);
for (const [site, bytes] of rows.slice(0, Number(topArg ?? 25))) {
  console.log(`${(bytes / perNode).toFixed(1).padStart(7)} B/node  ${site}`);
}
