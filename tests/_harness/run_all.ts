/**
 * `deno task test` (and `npm test`): the whole suite, in the order that fails
 * fastest and most readably, stopping at the first stage that fails:
 *
 *   1. check     `deno task check`: fmt --check, lint, `deno doc --lint` of every entry (doc_lint.ts),
 *                type check, doc tests, `deno publish --dry-run` (publish_check.ts) and the API reference
 *                (api_docs.ts, dist/docs/)
 *   2. deno      `deno test -A --v8-flags=--expose-gc tests/`
 *   3. timers    `deno task test:timers`: the Deno suite again with equal-deadline timers in a seeded order,
 *                which asyncio leaves undefined — no code or test may lean on it
 *   4. build     esbuild bundles and the npm package under dist/, the size figures held to their budgets
 *   5. node      the portable suite under `node --expose-gc`, which must exit by itself; then the npm
 *                tarball installed into a scratch project, type-checked against and run
 *   6. chromium  the portable suite on a page and in a worker, and the min bundle and the npm package
 *                through import maps
 *
 * It ends with a table of the stages and one line `yieldio: N passed, N failed`.
 * Stage names as arguments run only those stages, in the order above:
 * `deno task test build node` (the Node and Chromium stages need a build).
 * `YIELDIO_DIST=DIR` builds into DIR and runs from there instead of dist/.
 *
 * @module
 */

import { build, describeBuild } from "./build.ts";
import { runChromiumStage } from "./chromium_stage.ts";
import { runNodeStage } from "./node_stage.ts";
import { ROOT } from "./_repo.ts";
import { denoTestCounts, runChild, seconds, type StageResult } from "./_stage.ts";

interface Stage {
  name: string;
  what: string;
  run: () => Promise<StageResult>;
}

const DENO = Deno.execPath();
const DENO_STAGE_TIMEOUT_MS = 15 * 60_000;

async function denoChild(args: string[], counting: string): Promise<StageResult> {
  const finished = await runChild(DENO, args, { timeoutMs: DENO_STAGE_TIMEOUT_MS, cwd: ROOT });
  const counts = denoTestCounts(finished.output) ?? { passed: 0, failed: 0 };
  const ok = finished.code === 0 && !finished.timedOut;
  const failed = ok || counts.failed > 0 ? counts.failed : counts.failed + 1;
  const detail = finished.timedOut
    ? `killed after ${seconds(DENO_STAGE_TIMEOUT_MS)}`
    : ok
    ? `${counts.passed} ${counting} passed`
    : `exit code ${finished.code}`;
  return { ok, passed: counts.passed, failed, detail };
}

const STAGES: Stage[] = [
  {
    name: "check",
    what: "deno task check (fmt --check, lint, doc lint, type check, doc tests, publish dry run, API reference)",
    run: () => denoChild(["task", "check"], "doc tests"),
  },
  {
    name: "deno",
    what: "deno test -A --v8-flags=--expose-gc tests/",
    run: () => denoChild(["test", "-A", "--v8-flags=--expose-gc", "tests/"], "tests"),
  },
  {
    name: "timers",
    what: 'deno task test:timers (the Deno suite under a seeded shuffle: "timers" schedule)',
    run: () => denoChild(["task", "test:timers"], "tests"),
  },
  {
    name: "build",
    what: "esbuild bundles, the npm package and its tarball, size figures within budget",
    run: async () => {
      const info = await build();
      console.log(describeBuild(info));
      const gzip = info.sizes.map((figure) => (figure.gzipBytes / 1024).toFixed(1)).join(" / ");
      return {
        ok: true,
        // Each size figure within its budget, and the npm package packed.
        passed: info.sizes.length + 1,
        failed: 0,
        detail: `sizes ${gzip} KB gzipped, npm tarball ${(info.npm.tarballBytes / 1024).toFixed(1)} KB, ` +
          `${info.testFiles.length} portable test files`,
      };
    },
  },
  {
    name: "node",
    what: "node --expose-gc dist/tests/node.mjs, then the npm tarball in a scratch project",
    run: runNodeStage,
  },
  {
    name: "chromium",
    what: "headless Chromium: page, worker, min bundle and npm package through import maps",
    run: runChromiumStage,
  },
];

/** Stops with a clear message when `npm install` has not run (or ran without its postinstall). */
async function preflight(): Promise<string | null> {
  for (const pkg of ["esbuild", "playwright-core", "deno", "typescript"]) {
    try {
      await Deno.stat(`${ROOT}node_modules/${pkg}/package.json`);
    } catch {
      return `node_modules/${pkg} is missing: run \`npm install\` in ${ROOT} first`;
    }
  }
  try {
    const target = await Deno.readLink(`${ROOT}node_modules/.bin/deno`);
    if (!target.endsWith("bin.cjs")) {
      return "node_modules/.bin/deno points at the native binary, which `deno task` runs as JavaScript " +
        "(so `deno` inside a task fails); run `npm install` (its postinstall relinks it to bin.cjs)";
    }
  } catch {
    // No .bin/deno: tasks use the deno on PATH, which is fine.
  }
  return null;
}

interface Row {
  stage: Stage;
  result: StageResult | null;
  ms: number;
}

function printTable(rows: Row[]): void {
  console.log("\n" + "=".repeat(100));
  console.log(
    `${"stage".padEnd(10)}${"result".padEnd(10)}${"passed".padStart(8)}${"failed".padStart(8)}` +
      `${"time".padStart(10)}  detail`,
  );
  for (const { stage, result, ms } of rows) {
    const status = result === null ? "not run" : result.ok ? "ok" : "FAILED";
    console.log(
      `${stage.name.padEnd(10)}${status.padEnd(10)}${String(result?.passed ?? "-").padStart(8)}` +
        `${String(result?.failed ?? "-").padStart(8)}${(result === null ? "-" : seconds(ms)).padStart(10)}  ` +
        `${result?.detail ?? ""}`,
    );
  }
}

async function main(only: string[]): Promise<number> {
  const unknown = only.filter((name) => !STAGES.some((stage) => stage.name === name));
  if (unknown.length > 0) {
    console.log(`unknown stage ${unknown.join(", ")}; the stages are ${STAGES.map((s) => s.name).join(", ")}`);
    return 2;
  }
  const problem = await preflight();
  if (problem !== null) {
    console.log(`cannot run the suite: ${problem}\nyieldio: 0 passed, 1 failed`);
    return 1;
  }
  const chosen = only.length === 0 ? STAGES : STAGES.filter((stage) => only.includes(stage.name));
  const rows: Row[] = chosen.map((stage) => ({ stage, result: null, ms: 0 }));
  const start = performance.now();
  let failedStage: Stage | null = null;
  for (const [i, row] of rows.entries()) {
    console.log(`\n${"=".repeat(100)}\nstage ${i + 1}/${rows.length}: ${row.stage.name} — ${row.stage.what}\n`);
    const t0 = performance.now();
    try {
      row.result = await row.stage.run();
    } catch (error) {
      console.log(error instanceof Error ? (error.stack ?? error.message) : String(error));
      row.result = {
        ok: false,
        passed: 0,
        failed: 1,
        detail: `crashed: ${error instanceof Error ? error.message : error}`,
      };
    }
    row.ms = performance.now() - t0;
    console.log(`\nstage ${row.stage.name}: ${row.result.ok ? "ok" : "FAILED"} (${row.result.detail})`);
    if (!row.result.ok) {
      failedStage = row.stage;
      break;
    }
  }
  printTable(rows);
  const passed = rows.reduce((n, r) => n + (r.result?.passed ?? 0), 0);
  const failed = rows.reduce((n, r) => n + (r.result?.failed ?? 0), 0);
  console.log(
    failedStage === null
      ? `\nall ${rows.length} stages passed in ${seconds(performance.now() - start)}`
      : `\nstopped at stage "${failedStage.name}": it failed (see its output above); later stages did not run`,
  );
  console.log(`yieldio: ${passed} passed, ${failed} failed`);
  return failedStage === null ? 0 : 1;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
