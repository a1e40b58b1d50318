/**
 * `deno task build`: the esbuild bundles that Node and Chromium run.
 *
 * - `dist/yieldio.js` and `dist/yieldio.min.js`: the library from mod.ts, one
 *   ES2022 module with no imports; the sizes printed are the budget to watch
 *   (target: under 10 KB gzipped).
 * - `dist/tests/node.mjs`, `dist/tests/{page,worker}.js`: the portable test suite. Each bundle's
 *   entry imports the Deno.test shim first, then every `*.test.ts` outside
 *   `tests/deno/` in sorted path order, then the runner for its platform —
 *   ES modules evaluate in import order, so tests register into the shim.
 *   `keepNames` matters: esbuild renames clashing identifiers when it merges
 *   files, and the library prints function names (`<Handle tick()>`).
 * - `dist/tests/index.html`, `dist/min.html` and `dist/tests/min_check.js`: the
 *   pages the Chromium stage opens; `dist/package.json` says "type": "module".
 *
 * Bare specifiers resolve through deno.json's `imports` (local paths only), so
 * `@std/assert` means tests/_support/assert.ts here exactly as in Deno.
 *
 * @module
 */

import * as esbuild from "esbuild";
import { buildDemoPage } from "../../examples/browser/bundle.ts";
import { DIST, fromRoot, ROOT } from "./_repo.ts";

/** Sizes of the library bundles, in bytes. */
export interface BuildInfo {
  /** dist/yieldio.js. */
  bundleBytes: number;
  /** dist/yieldio.min.js. */
  minBytes: number;
  /** dist/yieldio.min.js, gzipped. */
  gzipBytes: number;
  /** Test files in the portable suite, relative to the root. */
  testFiles: string[];
}

/**
 * The gzip size the minified library should stay under. The foundation
 * (loop, futures, tasks, drivers) met its 10 KB aim at 9.8 KB; the
 * combinators added 3.1 KB and the sync primitives 3.0 KB (16.2 KB in all),
 * so the budget for today's surface is 18 KB — still the size class of
 * Effect 4's typical program (15 KB) with asyncio's whole surface.
 */
export const GZIP_BUDGET_BYTES = 18 * 1024;

const COMMON: esbuild.BuildOptions = {
  bundle: true,
  format: "esm",
  target: "es2022",
  logLevel: "warning",
  absWorkingDir: ROOT,
};

/** @returns Every portable test file (not under tests/deno/), sorted, relative to the root. */
export async function portableTestFiles(): Promise<string[]> {
  const found: string[] = [];
  async function walk(dir: string): Promise<void> {
    for await (const entry of Deno.readDir(`${ROOT}${dir}`)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) {
        if (path !== "tests/deno") await walk(path);
      } else if (entry.isFile && entry.name.endsWith(".test.ts")) {
        found.push(path);
      }
    }
  }
  await walk("tests");
  return found.sort();
}

/** Resolves deno.json's local import-map entries (`"@std/assert": "./tests/..."`) for esbuild. */
async function importMapPlugin(): Promise<esbuild.Plugin> {
  const config = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`)) as { imports?: Record<string, string> };
  const local = Object.entries(config.imports ?? {}).filter(([, target]) => target.startsWith("./"));
  return {
    name: "deno-json-imports",
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        for (const [key, target] of local) {
          if (args.path === key) return { path: `${ROOT}${target.slice(2)}` };
          if (key.endsWith("/") && args.path.startsWith(key)) {
            return { path: `${ROOT}${target.slice(2)}${args.path.slice(key.length)}` };
          }
        }
        return undefined;
      });
    },
  };
}

async function gzipSize(bytes: Uint8Array): Promise<number> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream("gzip"));
  return (await new Response(stream).arrayBuffer()).byteLength;
}

async function buildLibrary(): Promise<Pick<BuildInfo, "bundleBytes" | "minBytes" | "gzipBytes">> {
  await esbuild.build({ ...COMMON, entryPoints: ["mod.ts"], outfile: `${DIST}yieldio.js`, platform: "neutral" });
  await esbuild.build({
    ...COMMON,
    entryPoints: ["mod.ts"],
    outfile: `${DIST}yieldio.min.js`,
    platform: "neutral",
    minify: true,
    // `_`-prefixed members are the library's cross-module internals (never
    // public API), so the minified bundle may shorten them too.
    mangleProps: /^_[a-zA-Z]/,
  });
  const min = await Deno.readFile(`${DIST}yieldio.min.js`);
  return {
    bundleBytes: (await Deno.stat(`${DIST}yieldio.js`)).size,
    minBytes: min.byteLength,
    gzipBytes: await gzipSize(min),
  };
}

function suiteEntry(testFiles: string[], runner: string, call: string): string {
  return [
    `import "./tests/_harness/deno_test_shim.ts";`,
    ...testFiles.map((file) => `import "./${file}";`),
    `import { main } from "./tests/_harness/${runner}";`,
    call,
  ].join("\n");
}

async function buildSuite(testFiles: string[]): Promise<void> {
  const plugins = [await importMapPlugin()];
  const suite = (name: string, runner: string, call: string, platform: esbuild.Platform) =>
    esbuild.build({
      ...COMMON,
      stdin: { contents: suiteEntry(testFiles, runner, call), resolveDir: ROOT, sourcefile: name, loader: "ts" },
      // .mjs for Node: dist/ has no package.json saying "type": "module".
      outfile: `${DIST}tests/${name.replace(/\.ts$/, platform === "node" ? ".mjs" : ".js")}`,
      platform,
      keepNames: true,
      sourcemap: "linked",
      plugins,
    });
  await Promise.all([
    suite("node.ts", "entry_node.ts", "await main();", "node"),
    suite("page.ts", "entry_page.ts", "main();", "browser"),
    suite("worker.ts", "entry_worker.ts", "main();", "browser"),
  ]);
}

/** Bundles min_check.ts against the minified library, loaded by URL as a user would. */
async function buildMinCheck(): Promise<void> {
  await esbuild.build({
    ...COMMON,
    entryPoints: ["tests/_harness/min_check.ts"],
    outfile: `${DIST}tests/min_check.js`,
    platform: "browser",
    plugins: [{
      name: "library-by-url",
      setup(build) {
        build.onResolve({ filter: /\/mod\.ts$/ }, () => ({ path: "/yieldio.min.js", external: true }));
      },
    }],
  });
}

// The empty icon link stops Chromium from asking for /favicon.ico, whose 404 it
// would log as a console error, and every console error fails the stage.
const SUITE_PAGE = `<!doctype html>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>yieldio test suite</title>
<p>The driver calls <code>__harness.runMain()</code> and <code>__harness.runWorker()</code>.</p>
<script type="module" src="./page.js"></script>
`;

const MIN_PAGE = `<!doctype html>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>yieldio.min.js smoke check</title>
<script type="module">
  // The check module itself does: import * as y from "/yieldio.min.js"
  import "/tests/min_check.js";
</script>
`;

/**
 * Builds everything under dist/.
 * @returns The library sizes and the suite's file list.
 */
export async function build(): Promise<BuildInfo> {
  await Deno.remove(DIST, { recursive: true }).catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  });
  await Deno.mkdir(`${DIST}tests`, { recursive: true });
  const testFiles = await portableTestFiles();
  try {
    const [sizes] = await Promise.all([
      buildLibrary(),
      buildSuite(testFiles),
      buildMinCheck(),
      buildDemoPage(`${DIST}examples`),
    ]);
    // Node reads dist/*.js as ES modules without a warning and a reparse
    // (the repository's package.json has no "type").
    await Deno.writeTextFile(`${DIST}package.json`, '{ "type": "module" }\n');
    await Deno.writeTextFile(`${DIST}tests/index.html`, SUITE_PAGE);
    await Deno.writeTextFile(`${DIST}min.html`, MIN_PAGE);
    return { ...sizes, testFiles };
  } finally {
    // esbuild's service process would otherwise keep this process alive.
    await esbuild.stop();
  }
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** @returns Lines describing a build, for the console. */
export function describeBuild(info: BuildInfo): string {
  const within = info.gzipBytes <= GZIP_BUDGET_BYTES;
  return [
    `dist/yieldio.js      ${kb(info.bundleBytes)}`,
    `dist/yieldio.min.js  ${kb(info.minBytes)} minified, ${kb(info.gzipBytes)} gzipped ` +
    (within ? `(within the ${kb(GZIP_BUDGET_BYTES)} target)` : `(WARNING: over the ${kb(GZIP_BUDGET_BYTES)} target)`),
    `dist/tests/         ${info.testFiles.length} portable test files bundled for Node, page and worker`,
    ...info.testFiles.map((f) => `  ${fromRoot(f)}`),
  ].join("\n");
}

if (import.meta.main) {
  console.log(describeBuild(await build()));
}
