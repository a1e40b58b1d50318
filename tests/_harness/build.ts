/**
 * `deno task build [--out DIR]`: the esbuild bundles that Node and Chromium
 * run, and the npm package. Everything goes to dist/, or to DIR (or
 * `$YIELDIO_DIST`): nothing is written into the checkout, so a read-only one
 * builds elsewhere.
 *
 * - `dist/yieldio.js` and `dist/yieldio.min.js`: the library from mod.ts, one
 *   ES2022 module with no imports.
 * - `dist/npm/` and `dist/yieldio-<version>.tgz`: the npm package, one ES
 *   module and one declaration file per source file, an export per entry of
 *   deno.json (npm_package.ts); the node stage installs and uses the tarball.
 * - The size figures of sizes.ts — hello world, a typical program and the
 *   whole of mod.ts, bundled and gzipped as a user's bundler would — each
 *   held to its budget: a figure over budget fails the build.
 * - `dist/testing.js`, `dist/inspector.js` and `dist/io.js` (each with a
 *   `.min.js`): the entries beside the core (lib/testing, lib/inspector,
 *   lib/io), which import the core from `./yieldio.js` instead of
 *   bundling a copy — a test and the code under test, an inspector and the
 *   loop it watches, must share one loop, one `Task` class, one
 *   `CancelledError`. Only stateless helpers are inlined. They pair with
 *   yieldio.js, not the minified file, whose `_`-prefixed internals are
 *   renamed; the build imports each once to prove every name it takes from
 *   yieldio.js is there. `dist/examples/inspector/` is the example page the
 *   Chromium stage opens.
 * - `dist/tests/node.mjs`, `dist/tests/{page,worker}.js`: the portable test suite. Each bundle's
 *   entry imports the Deno.test shim first, then every `*.test.ts` outside
 *   `tests/deno/` in sorted path order, then the runner for its platform —
 *   ES modules evaluate in import order, so tests register into the shim.
 *   `keepNames` matters: esbuild renames clashing identifiers when it merges
 *   files, and the library prints function names (`<Handle tick()>`).
 * - `dist/tests/threads_fixtures/*.js`: each module of `tests/threads/_fixtures/`
 *   bundled alone (with its own copy of the library), beside the suites, since
 *   workers import them by URL (`tests/threads/_fixture_url.ts`).
 * - `dist/tests/index.html`, `dist/min.html`, `dist/npm.html` and
 *   `dist/tests/min_check.js`: the pages the Chromium stage opens — min.html
 *   maps `yieldio` to the minified bundle and npm.html maps every entry to the
 *   npm package's modules, each through an import map; `dist/package.json`
 *   says "type": "module".
 *
 * Bare specifiers resolve through deno.json's `imports` (local paths only), so
 * `@std/assert` means tests/_support/assert.ts here exactly as in Deno.
 *
 * @module
 */

import * as esbuild from "esbuild";
import { buildDemoPage } from "../../examples/browser/bundle.ts";
import { buildInspectorPage } from "../../examples/inspector/bundle.ts";
import { npmImportMap, type PackageInfo, readPackageInfo } from "./_package.ts";
import { DIST, fromRoot, ROOT, useDist } from "./_repo.ts";
import { buildNpmPackage, describeNpmPackage, type NpmPackage } from "./npm_package.ts";
import { describeSizes, measureSizes, type SizeFigure, sizeProblems } from "./sizes.ts";

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
  /** dist/inspector.min.js, and gzipped: the inspector entry, outside the core bundle. */
  inspectorMinBytes: number;
  inspectorGzipBytes: number;
  /** The size figures: hello world, a typical program, the whole of mod.ts. */
  sizes: SizeFigure[];
  /** Figure (a), hello world (`run` + `createTask` + `sleep`), gzipped: what tree-shaking leaves. */
  minimalGzipBytes: number;
  /** The npm package and its tarball. */
  npm: NpmPackage;
  /** dist/testing.js. */
  testingBytes: number;
  /** dist/testing.js, gzipped. */
  testingGzipBytes: number;
}

const COMMON: esbuild.BuildOptions = {
  bundle: true,
  format: "esm",
  target: "es2022",
  logLevel: "warning",
  absWorkingDir: ROOT,
  // lib/io loads Node's modules lazily (`import("node:net")`, only when it runs in Node): never bundled.
  external: ["node:*"],
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

/**
 * The entries beside the core (deno.json's "./testing", "./inspector", "./io"): each imports the core
 * from `./yieldio.js` instead of bundling a copy of it — a test and the code under test, an inspector and the
 * loop it watches, must share one loop, one `Task` class, one `CancelledError` — and inlines only the pure
 * helpers listed here (no class or state the core must share).
 */
const ENTRIES_BESIDE_CORE: { entry: string; outfile: string; inlined: string[] }[] = [
  {
    entry: "lib/testing/mod.ts",
    outfile: "testing.js",
    // lib/io/_resources.ts keeps its registry on globalThis, so the kit's copy and dist/io.js's share it.
    inlined: [
      "lib/_describe.ts",
      "lib/_is_instance.ts",
      "lib/task/body.ts",
      "lib/task/coroutine.ts",
      "lib/io/_resources.ts",
    ],
  },
  // Node's modules stay dynamic `import("node:…")` calls: every bundle keeps `node:*` external.
  { entry: "lib/io/mod.ts", outfile: "io.js", inlined: ["lib/_describe.ts", "lib/_is_instance.ts"] },
  {
    entry: "lib/inspector/mod.ts",
    outfile: "inspector.js",
    inlined: ["lib/_describe.ts", "lib/_is_instance.ts", "lib/observe/render_tree.ts"],
  },
];

/** Resolves every core file an entry imports to the core bundle, `./yieldio.js` (external). */
function coreAsExternal(folder: string, inlined: readonly string[]): esbuild.Plugin {
  return {
    name: "core-as-external",
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        const path = fromRoot(new URL(args.path, `file://${args.resolveDir}/`).pathname);
        const core = path.startsWith("lib/") && !path.startsWith(folder) && !inlined.includes(path);
        return core ? { path: "./yieldio.js", external: true } : undefined;
      });
    },
  };
}

/** Builds one entry beside the core, plain and minified; returns the sizes of the minified file. */
async function buildBesideCore(
  { entry, outfile, inlined }: typeof ENTRIES_BESIDE_CORE[number],
): Promise<{ bytes: number; minBytes: number; gzipBytes: number }> {
  const folder = entry.slice(0, entry.lastIndexOf("/") + 1);
  const options = { ...COMMON, entryPoints: [entry], platform: "neutral" as const };
  const plugins = [coreAsExternal(folder, inlined)];
  await esbuild.build({ ...options, outfile: `${DIST}${outfile}`, plugins });
  const minFile = outfile.replace(/\.js$/, ".min.js");
  await esbuild.build({ ...options, outfile: `${DIST}${minFile}`, plugins, minify: true });
  const min = await Deno.readFile(`${DIST}${minFile}`);
  return {
    bytes: (await Deno.stat(`${DIST}${outfile}`)).size,
    minBytes: min.byteLength,
    gzipBytes: await gzipSize(min),
  };
}

async function buildEntriesBesideCore(): Promise<
  Pick<BuildInfo, "testingBytes" | "testingGzipBytes" | "inspectorMinBytes" | "inspectorGzipBytes">
> {
  const built = await Promise.all(ENTRIES_BESIDE_CORE.map(buildBesideCore));
  const sizeOf = (outfile: string) => built[ENTRIES_BESIDE_CORE.findIndex((entry) => entry.outfile === outfile)];
  const testing = sizeOf("testing.js"), inspector = sizeOf("inspector.js");
  return {
    testingBytes: testing.bytes,
    testingGzipBytes: testing.gzipBytes,
    inspectorMinBytes: inspector.minBytes,
    inspectorGzipBytes: inspector.gzipBytes,
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

/** The worker modules of the thread tests: one self-contained ES module each, for Node and browsers alike. */
async function buildThreadFixtures(): Promise<void> {
  const dir = "tests/threads/_fixtures";
  const entryPoints: string[] = [];
  for await (const entry of Deno.readDir(`${ROOT}${dir}`)) {
    if (entry.isFile && entry.name.endsWith(".ts")) entryPoints.push(`${dir}/${entry.name}`);
  }
  await esbuild.build({
    ...COMMON,
    entryPoints,
    outdir: `${DIST}tests/threads_fixtures`,
    platform: "neutral",
    keepNames: true,
    plugins: [await importMapPlugin()],
  });
}

/** Bundles min_check.ts, which imports the library by its bare name: the page's import map says which build. */
async function buildMinCheck(): Promise<void> {
  await esbuild.build({
    ...COMMON,
    entryPoints: ["tests/_harness/min_check.ts"],
    outfile: `${DIST}tests/min_check.js`,
    platform: "browser",
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

/** A page that maps bare names through `imports` and runs min_check.js against them. */
function importMapPage(title: string, imports: Record<string, string>): string {
  return `<!doctype html>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>${title}</title>
<script type="importmap">
${JSON.stringify({ imports }, null, 2)}
</script>
<script type="module">
  // The check module imports "yieldio" (and each mapped entry) by its bare name.
  import "/tests/min_check.js";
</script>
`;
}

/** The import-map pages the Chromium stage opens: the minified bundle, and the npm package's modules. */
function importMapPages(info: PackageInfo): Record<string, string> {
  return {
    "min.html": importMapPage("yieldio.min.js through an import map", { yieldio: "/yieldio.min.js" }),
    "npm.html": importMapPage("the npm package through an import map", npmImportMap(info, "/npm/")),
  };
}

/**
 * Builds everything under dist/ (or where {@linkcode useDist} points).
 * @returns The library sizes, the size figures, the npm package and the suite's file list.
 * @throws {Error} When a size figure is over its budget, after writing everything.
 */
export async function build(): Promise<BuildInfo> {
  await Deno.remove(DIST, { recursive: true }).catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  });
  await Deno.mkdir(`${DIST}tests`, { recursive: true });
  const testFiles = await portableTestFiles();
  const info = await readPackageInfo();
  try {
    const [sizes, entrySizes, figures, npm] = await Promise.all([
      buildLibrary(),
      buildEntriesBesideCore(),
      measureSizes(),
      buildNpmPackage(info, DIST),
      buildSuite(testFiles),
      buildMinCheck(),
      buildThreadFixtures(),
      buildDemoPage(`${DIST}examples`),
      buildInspectorPage(`${DIST}examples/inspector`),
    ]);
    // Node reads dist/*.js as ES modules without a warning and a reparse
    // (the repository's package.json has no "type").
    await Deno.writeTextFile(`${DIST}package.json`, '{ "type": "module" }\n');
    await Deno.writeTextFile(`${DIST}tests/index.html`, SUITE_PAGE);
    for (const [page, html] of Object.entries(importMapPages(info))) await Deno.writeTextFile(`${DIST}${page}`, html);
    // Links each entry against dist/yieldio.js: a name the core bundle lacks fails here, not in a user's program.
    for (const { outfile } of ENTRIES_BESIDE_CORE) await import(new URL(outfile, `file://${DIST}`).href);
    const problems = sizeProblems(figures);
    if (problems.length > 0) {
      throw new Error(`${describeSizes(figures)}\n${problems.map((p) => `FAILED ${p}`).join("\n")}`);
    }
    const minimalGzipBytes = figures[0].gzipBytes;
    return { ...sizes, ...entrySizes, sizes: figures, minimalGzipBytes, npm, testFiles };
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
  const fromDist = (path: string) => DIST.startsWith(ROOT) ? fromRoot(path) : path;
  return [
    `dist/yieldio.js      ${kb(info.bundleBytes)}`,
    `dist/yieldio.min.js  ${kb(info.minBytes)} minified, ${kb(info.gzipBytes)} gzipped`,
    describeNpmPackage(info.npm, fromDist),
    "size figures (esbuild --bundle --minify of a program importing mod.ts; `deno task sizes` breaks (a) down):",
    describeSizes(info.sizes),
    `dist/inspector.min.js ${kb(info.inspectorMinBytes)} minified, ${kb(info.inspectorGzipBytes)} gzipped ` +
    "(the inspector page entry, outside the core bundle)",
    `dist/testing.js      ${kb(info.testingBytes)}, ${
      kb(info.testingGzipBytes)
    } gzipped (the testing kit; imports ./yieldio.js)`,
    `dist/tests/         ${info.testFiles.length} portable test files bundled for Node, page and worker`,
    ...info.testFiles.map((f) => `  ${fromRoot(f)}`),
  ].join("\n");
}

if (import.meta.main) {
  const out = Deno.args.indexOf("--out");
  if (out !== -1) {
    if (Deno.args[out + 1] === undefined) throw new TypeError("--out needs a directory: deno task build --out DIR");
    useDist(Deno.args[out + 1]);
  }
  console.log(describeBuild(await build()));
}
