/**
 * The Chromium stage: serves dist/ cross-origin isolated (COOP + COEP, so
 * SharedArrayBuffer and Atomics.wait exist as in a real deployment), opens it
 * in headless Chromium through playwright-core, and runs
 *
 *   (a) the suite on the page's main thread,
 *   (b) the suite in a dedicated module worker started by that page,
 *   (b') the suite on the same page served without COOP/COEP (no
 *       SharedArrayBuffer: what a site that is not cross-origin isolated gets),
 *   (c) a page that maps `yieldio` to the minified library through an import
 *       map and runs a tiny program (and checks that `runSync` refuses the main
 *       thread but works in a worker),
 *   (c') the same on a page whose import map sends every entry to the npm
 *       package's ES modules (dist/npm/), each entry imported,
 *   (d) the browser example (examples/browser/), which runs the seed demo live,
 *   (e) the inspector example (examples/inspector/) on a fixed program: one
 *       table row per task and the same await tree Deno computes for that
 *       program; it saves the screenshot the README shows
 *       (examples/inspector/inspector.png).
 *
 * The server also answers the I/O tests' endpoints (`/io/lines`, a streamed
 * body, and `/io/echo`, a WebSocket echo; see tests/io/_test_server.ts), which
 * the suite reaches at its own origin.
 *
 * Every `console.error`, page error and worker error counts as a failure,
 * even one that no test noticed: in a browser that is what a user would see.
 *
 * The browser is `$YIELDIO_CHROMIUM`, else /usr/bin/chromium, else one in a
 * well-known place (_chromium.ts). If there is none, Debian as root installs
 * it with apt-get; elsewhere the stage fails with what to install and how to
 * point the suite at it. A failed install fails the stage too (a browser stage
 * that silently skips is no stage).
 *
 * Run alone with `deno run -A tests/_harness/chromium_stage.ts` after a build.
 *
 * @module
 */

import { type Browser, chromium, type ConsoleMessage, type Page } from "playwright-core";
import { formatTaskTree, inspect } from "../../mod.ts";
import { seedOnVirtualTime } from "../../examples/inspector/seed_virtual.ts";
import { ioEndpoint } from "../io/_test_server.ts";
import { CHROMIUM_ARGS, ISOLATION_HEADERS, planChromium, thisHost } from "./_chromium.ts";
import { DIST, fromRoot, ROOT } from "./_repo.ts";
import { seconds, type StageResult } from "./_stage.ts";
import { formatResult, formatSummary, type RunReport, type TestResult } from "./deno_test_shim.ts";
import type { PageHarness, WorkerRun } from "./entry_page.ts";
import type { MinCheck } from "./min_check.ts";

/** Limit for each of (a), (b) and (c). */
export const BROWSER_RUN_TIMEOUT_MS = 120_000;

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};

/**
 * Finds the browser, installing Debian's chromium package where that is
 * automatic (Debian, as root).
 * @returns The executable's path.
 * @throws {Error} When there is none and it cannot be installed here (saying what to install), or the install fails.
 */
export async function ensureChromium(): Promise<string> {
  const plan = planChromium(thisHost());
  if (plan.action === "use") return plan.path;
  if (plan.action === "missing") throw new Error(plan.message);
  console.log(`${plan.path} is missing: installing Debian's chromium package (apt-get update && apt-get install)`);
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  for (const [cmd, ...args] of plan.commands) {
    const status = await new Deno.Command(cmd, { args, env, stdin: "null" }).spawn().status;
    if (!status.success) throw new Error(`${cmd} ${args.join(" ")} failed with exit code ${status.code}`);
  }
  const after = planChromium(thisHost());
  if (after.action !== "use") throw new Error(`apt-get installed chromium but ${plan.path} is still missing`);
  return after.path;
}

/** Serves dist/ on a free loopback port, every response cross-origin isolated unless `isolated` is false. */
function serveDist(isolated = true): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const headers = new Headers({ "Cache-Control": "no-store" });
    if (isolated) { for (const [name, value] of Object.entries(ISOLATION_HEADERS)) headers.set(name, value); }
    const io = ioEndpoint(request);
    if (io !== null) return io;
    const path = decodeURIComponent(new URL(request.url).pathname);
    if (path.split("/").includes("..")) return new Response("bad path", { status: 400, headers });
    const ext = path.slice(path.lastIndexOf("."));
    try {
      const body = await Deno.readFile(`${DIST}${path.slice(1)}`);
      headers.set("Content-Type", CONTENT_TYPES[ext] ?? "application/octet-stream");
      return new Response(body, { headers });
    } catch {
      return new Response(`not found: ${path}`, { status: 404, headers });
    }
  });
}

/** Collects what the browser reported outside the tests' own results. */
class Problems {
  readonly list: string[] = [];

  watch(page: Page, where: string): void {
    const onConsole = (msg: ConsoleMessage, from: string) => {
      if (msg.type() !== "error" && msg.type() !== "warning") return;
      const loc = msg.location();
      const at = loc.url ? ` (${loc.url}:${loc.lineNumber}:${loc.columnNumber})` : "";
      const line = `console.${msg.type() === "error" ? "error" : "warn"} in ${from}: ${msg.text()}${at}`;
      console.log(`  [${from}] ${line}`);
      if (msg.type() === "error") this.list.push(line);
    };
    // The page's console event carries its workers' messages too (and each
    // worker's own event repeats them), so listening here alone sees each once.
    page.on("console", (msg) => onConsole(msg, msg.worker() === null ? where : `${where} worker`));
    page.on("pageerror", (error) => {
      const line = `uncaught error in ${where}: ${error.stack ?? error.message}`;
      console.log(`  [${where}] ${line}`);
      this.list.push(line);
    });
    page.on("crash", () => this.list.push(`${where} crashed`));
  }
}

function withTimeout<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not finish within ${seconds(BROWSER_RUN_TIMEOUT_MS)}`)),
      BROWSER_RUN_TIMEOUT_MS,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

interface Tally {
  passed: number;
  failed: number;
  notes: string[];
}

function addReport(tally: Tally, report: RunReport): void {
  console.log(formatSummary(report));
  const noisy = report.results.filter((r) => r.consoleErrors.length > 0);
  if (noisy.length > 0) {
    console.log(`${report.label}: tests that logged console.error (each message fails this stage):`);
    for (const r of noisy) console.log(`  ${r.name}`);
  }
  tally.passed += report.passed;
  tally.failed += report.failed;
  if (report.results.length === 0) {
    tally.failed++;
    tally.notes.push(`${report.label} ran no tests`);
  }
  if (!report.gcExposed) {
    tally.failed++;
    tally.notes.push(`${report.label}: globalThis.gc is missing (--js-flags=--expose-gc)`);
  }
}

/** Counts one page check and prints it as the suites print their tests. */
function tallyCheck(tally: Tally, ok: boolean, name: string): void {
  console.log(`${ok ? "ok    " : "FAILED"} ${name}`);
  if (ok) tally.passed++;
  else tally.failed++;
}

/**
 * Opens the suite page, printing each test's result as it arrives (labelled
 * `label`, or by where it ran), and counts a failure unless the page's
 * cross-origin isolation is `isolated`.
 */
async function openSuitePage(
  browser: Browser,
  origin: string,
  problems: Problems,
  tally: Tally,
  { name, isolated, label }: { name: string; isolated: boolean; label?: string },
): Promise<Page> {
  const page = await browser.newPage();
  problems.watch(page, name);
  await page.exposeFunction("__harnessProgress", (json: string) => {
    const { where, result } = JSON.parse(json) as { where: string; result: TestResult };
    console.log(`[${label ?? where}] ${formatResult(result)}`);
  });
  await page.goto(`${origin}/tests/index.html`);
  await page.waitForFunction(() => "__harness" in globalThis, undefined, { timeout: 30_000 });
  const got = await page.evaluate(() => (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true);
  if (got !== isolated) {
    tally.failed++;
    tally.notes.push(
      isolated
        ? `the ${name} is not crossOriginIsolated (COOP/COEP headers?)`
        : `the ${name} is crossOriginIsolated: it should have no COOP/COEP`,
    );
  }
  return page;
}

async function runSuite(browser: Browser, origin: string, problems: Problems, tally: Tally): Promise<void> {
  const page = await openSuitePage(browser, origin, problems, tally, { name: "suite page", isolated: true });

  console.log("\n(a) the suite on the page's main thread");
  const main = await withTimeout(
    page.evaluate(() => (globalThis as unknown as { __harness: PageHarness }).__harness.runMain()),
    "the main-thread run",
  );
  addReport(tally, main);

  console.log("\n(b) the suite in a dedicated module worker");
  const worker: WorkerRun = await withTimeout(
    page.evaluate(() => (globalThis as unknown as { __harness: PageHarness }).__harness.runWorker()),
    "the worker run",
  );
  for (const error of worker.workerErrors) {
    console.log(`  [worker] ${error}`);
    problems.list.push(error);
  }
  if (worker.report === null) {
    tally.failed++;
    tally.notes.push("the worker never reported (did worker.js load?)");
  } else {
    addReport(tally, worker.report);
    if (!worker.crossOriginIsolated) {
      tally.failed++;
      tally.notes.push("the worker is not crossOriginIsolated");
    }
  }
  await page.close();
}

/** (b') The suite page's main thread, served without COOP/COEP. */
async function runPlainPage(browser: Browser, origin: string, problems: Problems, tally: Tally): Promise<void> {
  console.log("\n(b') the suite on a page that is not cross-origin isolated (no SharedArrayBuffer)");
  const page = await openSuitePage(browser, origin, problems, tally, {
    name: "plain suite page",
    isolated: false,
    label: "plain page",
  });
  const report = await withTimeout(
    page.evaluate(() => (globalThis as unknown as { __harness: PageHarness }).__harness.runMain()),
    "the plain-page run",
  );
  addReport(tally, { ...report, label: "chromium-plain-page" });
  await page.close();
}

/** The pages that load a build of the library through an import map (written by build.ts). */
const IMPORT_MAP_PAGES = [
  { path: "min.html", label: "(c) dist/yieldio.min.js through an import map", name: "min page" },
  { path: "npm.html", label: "(c') the npm package's ES modules (dist/npm/) through an import map", name: "npm page" },
];

async function runImportMapPages(browser: Browser, origin: string, problems: Problems, tally: Tally): Promise<void> {
  for (const { path, label, name } of IMPORT_MAP_PAGES) {
    console.log(`\n${label}`);
    const page = await browser.newPage();
    problems.watch(page, name);
    await page.goto(`${origin}/${path}`);
    await page.waitForFunction(() => "__minCheck" in globalThis, undefined, { timeout: 30_000 });
    const checks = await withTimeout(
      page.evaluate(() => (globalThis as unknown as { __minCheck: Promise<MinCheck[]> }).__minCheck),
      `the ${name}`,
    );
    for (const check of checks) {
      tallyCheck(tally, check.ok, `[${name}] ${check.ok ? check.name : `${check.name}: ${check.detail}`}`);
    }
    await page.close();
  }
}

/** The demo's figures, set on the page by examples/browser/index.html when a run ends. */
interface DemoOutcome {
  tasks: number;
  elapsedMs: number;
  blockedMs: number;
  frames: number;
}

async function runExamplePage(browser: Browser, origin: string, problems: Problems, tally: Tally): Promise<void> {
  console.log("\n(d) examples/browser/: the seed demo, live");
  const page = await browser.newPage();
  problems.watch(page, "example page");
  await page.goto(`${origin}/examples/index.html?autostart`);
  await withTimeout(
    page.waitForFunction(() => "demoOutcome" in globalThis, undefined, { timeout: BROWSER_RUN_TIMEOUT_MS }),
    "the example page",
  );
  const outcome = await page.evaluate(() => (globalThis as unknown as { demoOutcome: DemoOutcome }).demoOutcome);
  // 1000 tasks each blocked 0-1 s: about 500 s in sum, about 1 s of wall time. Generous
  // bounds: this checks that the tasks ran concurrently and the page kept painting.
  const checks: [string, boolean][] = [
    [`all 1000 tasks finished (${outcome.tasks})`, outcome.tasks === 1000],
    [`they were blocked for ${(outcome.blockedMs / 1000).toFixed(0)} s in sum (> 300 s)`, outcome.blockedMs > 300_000],
    [`in ${(outcome.elapsedMs / 1000).toFixed(2)} s of wall time (< 10 s)`, outcome.elapsedMs < 10_000],
    [`and ${outcome.frames} animation frames ran meanwhile (> 5)`, outcome.frames > 5],
  ];
  for (const [name, ok] of checks) tallyCheck(tally, ok, `example page: ${name}`);
  await page.close();
}

/** The inspector example's fixed program: the seed's tasks on virtual time, stopped after a few iterations. */
const INSPECTED = { tasks: 8, steps: 10 };
/** Committed beside the example and shown by the README; rewritten on every run, so it never goes stale. */
export const INSPECTOR_SCREENSHOT = `${ROOT}examples/inspector/inspector.png`;

async function runInspectorPage(browser: Browser, origin: string, problems: Problems, tally: Tally): Promise<void> {
  console.log("\n(e) examples/inspector/: the inspector on a fixed program");
  // What the page must show, computed here in Deno from the same program.
  const { loop } = seedOnVirtualTime(INSPECTED.tasks);
  for (let i = 0; i < INSPECTED.steps; i++) loop.runOnce();
  const expected = { rows: inspect(loop).tasks.length, tree: formatTaskTree(loop) };
  // The loop is left as it is, unclosed: closing would report its pending tasks, and it holds no host resource.
  const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
  problems.watch(page, "inspector page");
  await page.goto(`${origin}/examples/inspector/index.html?tasks=${INSPECTED.tasks}&steps=${INSPECTED.steps}`);
  await page.waitForFunction(() => "inspectorReady" in globalThis, undefined, { timeout: 30_000 });
  const shown = await page.evaluate(() => {
    const doc = (globalThis as unknown as {
      document: { querySelectorAll(s: string): { length: number }; querySelector(s: string): { textContent: string } };
    }).document;
    return { rows: doc.querySelectorAll(".yi-tasks tbody tr").length, tree: doc.querySelector(".yi-tree").textContent };
  });
  const checks: [string, boolean][] = [
    [`one row per task (${shown.rows} of ${expected.rows})`, shown.rows === expected.rows],
    [`the await tree Deno computes for the same program`, shown.tree === expected.tree],
  ];
  if (shown.tree !== expected.tree) console.log(`page tree:\n${shown.tree}\nexpected:\n${expected.tree}`);
  // Built outside the checkout (YIELDIO_DIST, a read-only checkout): the screenshot goes there too.
  const screenshot = DIST.startsWith(ROOT) ? INSPECTOR_SCREENSHOT : `${DIST}inspector.png`;
  // The section the inspector renders into: it stays while each refresh replaces its `.yi` contents.
  await page.locator("section", { has: page.locator(".yi") }).screenshot({ path: screenshot });
  checks.push([
    `screenshot saved to ${fromRoot(screenshot)}`,
    (await Deno.stat(screenshot)).size > 0,
  ]);
  for (const [name, ok] of checks) tallyCheck(tally, ok, `inspector page: ${name}`);
  await page.close();
}

/**
 * Builds nothing: expects dist/ from build.ts.
 * @returns The stage's outcome.
 */
export async function runChromiumStage(): Promise<StageResult> {
  const start = performance.now();
  const executablePath = await ensureChromium();
  const server = serveDist();
  const origin = `http://127.0.0.1:${server.addr.port}`;
  const plainServer = serveDist(false);
  const tally: Tally = { passed: 0, failed: 0, notes: [] };
  const problems = new Problems();
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS] });
    console.log(`chromium ${browser.version()} (${executablePath}), serving dist/ at ${origin}`);
    await runSuite(browser, origin, problems, tally);
    await runPlainPage(browser, `http://127.0.0.1:${plainServer.addr.port}`, problems, tally);
    await runImportMapPages(browser, origin, problems, tally);
    await runExamplePage(browser, origin, problems, tally);
    await runInspectorPage(browser, origin, problems, tally);
  } catch (error) {
    tally.failed++;
    tally.notes.push(error instanceof Error ? error.message : String(error));
  } finally {
    await browser?.close();
    await server.shutdown();
    await plainServer.shutdown();
  }
  if (problems.list.length > 0) {
    console.log(`\nbrowser errors (each one fails the stage):`);
    for (const p of problems.list) console.log(`  ${p.replaceAll("\n", "\n    ")}`);
  }
  for (const note of tally.notes) console.log(`FAILED ${note}`);
  const failed = tally.failed + problems.list.length;
  return {
    ok: failed === 0 && tally.passed > 0,
    passed: tally.passed,
    failed,
    detail:
      `page, worker, plain page, min-bundle and npm import-map pages, example page and inspector page in ${
        seconds(performance.now() - start)
      }` +
      (problems.list.length > 0 ? `; ${problems.list.length} browser errors` : ""),
  };
}

if (import.meta.main) {
  const result = await runChromiumStage();
  console.log(`\nchromium: ${result.passed} passed, ${result.failed} failed`);
  Deno.exit(result.ok ? 0 : 1);
}
