/**
 * Scenario 11's child: what a loop costs on its own, in the runtime that runs
 * this script (Deno as is, Node as an esbuild bundle of it). Prints one JSON
 * object:
 * - `firstLoopMs`: from the first statement after the imports to a
 *   `sleep(0)` completing inside the process's first `run()` — what a
 *   program or a test file pays before its first iteration;
 * - `runUs`, `runSyncUs`: µs per `run()` / `runSync()` of an empty coroutine,
 *   warm (after WARM_RUNS untimed ones), the mean over TIMED_RUNS.
 *
 * `--quick`: fewer runs.
 *
 * @module
 */

import { run, runSync, sleep } from "../../mod.ts";

const afterImport = performance.now();
let firstLoopMs = NaN;
await run(function* () {
  yield* sleep(0);
  firstLoopMs = performance.now() - afterImport;
});

const host = globalThis as unknown as {
  Deno?: { version: { deno: string }; args: string[] };
  process?: { versions: { node: string }; argv: string[] };
};
const quick = (host.Deno?.args ?? host.process?.argv ?? []).includes("--quick");
const WARM_RUNS = quick ? 200 : 2000;
const TIMED_RUNS = quick ? 500 : 5000;

/** The empty coroutine: the loop's fixed cost alone. */
function* empty(): Generator<unknown, void, unknown> {}

for (let i = 0; i < WARM_RUNS; i++) await run(empty);
let start = performance.now();
for (let i = 0; i < TIMED_RUNS; i++) await run(empty);
const runUs = (performance.now() - start) / TIMED_RUNS * 1000;

for (let i = 0; i < WARM_RUNS; i++) runSync(empty);
start = performance.now();
for (let i = 0; i < TIMED_RUNS; i++) runSync(empty);
const runSyncUs = (performance.now() - start) / TIMED_RUNS * 1000;

console.log(JSON.stringify({
  runtime: host.Deno ? `Deno ${host.Deno.version.deno}` : `Node ${host.process?.versions.node}`,
  firstLoopMs,
  runUs,
  runSyncUs,
}));
