/**
 * The Node stage: runs dist/tests/node.mjs (built by build.ts) with
 * `node --expose-gc`. It fails when a test fails, when the bundle prints no
 * summary, and when the process lingers after its summary: the bundle arms
 * nothing once it has reported, so a process still alive then is held open by
 * a handle some test (or the library) leaked — the bug a user would see as
 * "my script never exits".
 *
 * Then it checks the npm package as a user gets it (npm_check.ts): the packed
 * tarball installed into a scratch project, a strict TypeScript program
 * type-checked against it and run, every entry imported.
 *
 * Run alone with `deno run -A tests/_harness/node_stage.ts` after a build.
 *
 * @module
 */

import { DIST } from "./_repo.ts";
import { checkNpmPackage } from "./npm_check.ts";
import { runChild, seconds, type StageResult } from "./_stage.ts";

/** The whole run, tests included, must finish within this. */
export const NODE_TOTAL_TIMEOUT_MS = 60_000;
/** How long the process may stay alive after printing its summary. */
export const NODE_EXIT_GRACE_MS = 5_000;

/**
 * Runs the Node bundle, then the npm package checks.
 * @returns The stage's outcome.
 */
export async function runNodeStage(): Promise<StageResult> {
  const suite = await runNodeSuite();
  console.log("\nthe npm package, installed from its tarball into a scratch project");
  const checks = await checkNpmPackage();
  for (const check of checks) {
    console.log(`${check.ok ? "ok    " : "FAILED"} ${check.name}${check.ok ? "" : `\n${check.detail}`}`);
  }
  const failed = checks.filter((check) => !check.ok).length;
  return {
    ok: suite.ok && failed === 0,
    passed: suite.passed + checks.length - failed,
    failed: suite.failed + failed,
    detail: `${suite.detail}; npm package: ${checks.length - failed} of ${checks.length} checks passed`,
  };
}

/** Runs dist/tests/node.mjs. */
async function runNodeSuite(): Promise<StageResult> {
  let counts: { passed: number; failed: number } | null = null;
  let summaryAt = 0;
  const lingering = new AbortController();
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  const start = performance.now();
  const finished = await runChild("node", ["--expose-gc", "--enable-source-maps", `${DIST}tests/node.mjs`], {
    timeoutMs: NODE_TOTAL_TIMEOUT_MS,
    signal: lingering.signal,
    onLine(line) {
      const m = /^node: (\d+) passed, (\d+) failed$/.exec(line);
      if (m === null) return;
      counts = { passed: Number(m[1]), failed: Number(m[2]) };
      summaryAt = performance.now();
      graceTimer = setTimeout(() => lingering.abort(), NODE_EXIT_GRACE_MS);
    },
  }).finally(() => clearTimeout(graceTimer));
  const got = counts as { passed: number; failed: number } | null;
  const passed = got?.passed ?? 0;
  const failed = got?.failed ?? 0;
  if (lingering.signal.aborted) {
    return {
      ok: false,
      passed,
      failed: failed + 1,
      detail: `node did not exit within ${seconds(NODE_EXIT_GRACE_MS)} of its last test: a timer, port or ` +
        `other handle was left open (killed it)`,
    };
  }
  if (finished.timedOut) {
    return {
      ok: false,
      passed,
      failed: failed + 1,
      detail: got === null
        ? `node ran past ${seconds(NODE_TOTAL_TIMEOUT_MS)} without finishing its tests (killed it)`
        : `node ran past ${seconds(NODE_TOTAL_TIMEOUT_MS)} in all (killed it)`,
    };
  }
  if (got === null) {
    return { ok: false, passed: 0, failed: 1, detail: `node exited with code ${finished.code} and no test summary` };
  }
  const exitMs = performance.now() - summaryAt;
  const ok = finished.code === 0 && failed === 0;
  return {
    ok,
    passed,
    failed: ok || failed > 0 ? failed : failed + 1,
    detail: ok
      ? `exited ${Math.round(exitMs)} ms after its last test (${seconds(performance.now() - start)} in all)`
      : `exit code ${finished.code}, ${failed} failed`,
  };
}

if (import.meta.main) {
  const result = await runNodeStage();
  console.log(`\nnode stage: ${result.ok ? "ok" : "FAILED"}: ${result.detail}`);
  Deno.exit(result.ok ? 0 : 1);
}
