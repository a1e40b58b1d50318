/**
 * The npm package, dist/npm/, and its tarball, made from the same sources as
 * everything else, for every entry of deno.json's "exports" but the
 * Deno-only ones (`DENO_ONLY`: the `deno lint` plugin, whose types are Deno's
 * own namespace):
 *
 * - JavaScript: esbuild, one ES2022 module per source file (each relative
 *   `./x.ts` import rewritten to `./x.js`), the files every entry reaches.
 *   One module per file means every entry imports the same modules: the
 *   testing kit and the core share one `Task` class and one `CancelledError`
 *   by construction, with nothing to keep external by hand. esbuild is the
 *   compiler the Node and Chromium suites already run on, so the package
 *   carries code those suites tested; it needs about 0.1 s, where tsc's own
 *   JavaScript emit doubled the build's TypeScript time (see the report in
 *   `describeNpmPackage`).
 * - Declarations: tsc (the pinned devDependency), declarations only, without
 *   a type check (`noCheck`: `deno check` in the check stage is the type
 *   check) and without the members marked `@internal` (`stripInternal`);
 *   relative `.ts` specifiers become `.js`, which every TypeScript resolver
 *   maps to the `.d.ts` beside it.
 * - package.json from deno.json (`npmManifest`): the version and the entries
 *   come from there and nowhere else; README.md, LICENSE and CHANGELOG.md.
 * - `npm pack` makes `dist/yieldio-<version>.tgz`.
 *
 * The node stage installs the tarball in a scratch project and uses it
 * (npm_check.ts).
 *
 * @module
 */

import * as esbuild from "esbuild";
import { type Entry, NPM_NAME, npmManifest, type PackageInfo, withExtension } from "./_package.ts";
import { ROOT } from "./_repo.ts";

/** What the package build made, and how long each part took. */
export interface NpmPackage {
  /** The package folder, dist/npm/ (trailing slash). */
  dir: string;
  /** The tarball `npm pack` wrote. */
  tarball: string;
  /** Modules in the package (one .js and one .d.ts each). */
  modules: number;
  /** The tarball's size in bytes. */
  tarballBytes: number;
  /** Milliseconds: esbuild's JavaScript, tsc's declarations (they run side by side), `npm pack`. */
  ms: { js: number; dts: number; pack: number };
}

const ESBUILD: esbuild.BuildOptions = {
  format: "esm",
  target: "es2022",
  platform: "neutral",
  logLevel: "warning",
  absWorkingDir: ROOT,
  external: ["node:*"],
};

/** Keeps every relative import as an import of the sibling module's `.js`: one output file per source file. */
const relativeAsJs: esbuild.Plugin = {
  name: "relative-as-js",
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.kind === "entry-point") return undefined;
      return { path: args.path.replace(/\.ts$/, ".js"), external: true };
    });
  },
};

/** Compiles every source file the entries reach into `dir`, one module each. @returns The files, relative to the root. */
async function buildJavaScript(entries: Entry[], dir: string): Promise<string[]> {
  const graph = await esbuild.build({
    ...ESBUILD,
    entryPoints: entries.map((entry) => entry.source),
    bundle: true,
    write: false,
    metafile: true,
    outdir: "npm-graph",
  });
  const sources = Object.keys(graph.metafile.inputs).sort();
  const strays = sources.filter((path) => !path.endsWith(".ts") || path.startsWith("../") || path.includes(":"));
  if (strays.length > 0) throw new Error(`the npm package's module graph leaves the sources: ${strays.join(", ")}`);
  await esbuild.build({
    ...ESBUILD,
    entryPoints: sources,
    outbase: ".",
    outdir: dir,
    bundle: true,
    plugins: [relativeAsJs],
  });
  return sources;
}

/** A relative module specifier ending in `.ts` inside a declaration file's import, export or `import()`. */
const TS_SPECIFIER = /((?:from|import)\s*\(?\s*)(["'])(\.{1,2}\/[^"']*)\.ts\2/g;

/** Emits the declarations with tsc into `dir`, then points their relative specifiers at `.js`. */
async function buildDeclarations(entries: Entry[], dir: string): Promise<void> {
  const work = await Deno.makeTempDir({ prefix: "yieldio_npm_tsc_" });
  try {
    const tsconfig = {
      compilerOptions: {
        target: "es2022",
        module: "esnext",
        moduleResolution: "bundler",
        lib: ["es2022", "dom"],
        types: [],
        declaration: true,
        emitDeclarationOnly: true,
        allowImportingTsExtensions: true,
        noCheck: true,
        stripInternal: true,
        rootDir: ROOT,
        outDir: dir,
        newLine: "lf",
      },
      files: entries.map((entry) => `${ROOT}${entry.source}`),
    };
    await Deno.writeTextFile(`${work}/tsconfig.json`, JSON.stringify(tsconfig, null, 2));
    const { code, stdout, stderr } = await new Deno.Command("node", {
      args: [`${ROOT}node_modules/typescript/bin/tsc`, "-p", `${work}/tsconfig.json`],
      stdin: "null",
    }).output();
    if (code !== 0) {
      const text = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
      throw new Error(`tsc (declarations for the npm package) failed with exit code ${code}:\n${text}`);
    }
  } finally {
    await Deno.remove(work, { recursive: true });
  }
  for (const file of await filesUnder(dir, ".d.ts")) {
    const text = await Deno.readTextFile(`${dir}${file}`);
    const rewritten = text.replace(TS_SPECIFIER, (_, head, quote, path) => `${head}${quote}${path}.js${quote}`);
    if (rewritten !== text) await Deno.writeTextFile(`${dir}${file}`, rewritten);
  }
}

/** @returns Every file under `dir` whose name ends in `suffix`, relative to `dir`, sorted. */
export async function filesUnder(dir: string, suffix: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(rel: string): Promise<void> {
    for await (const entry of Deno.readDir(`${dir}${rel}`)) {
      const path = `${rel}${entry.name}`;
      if (entry.isDirectory) await walk(`${path}/`);
      else if (entry.isFile && entry.name.endsWith(suffix)) found.push(path);
    }
  }
  await walk("");
  return found.sort();
}

/** Runs `npm pack` in `dir`, writing the tarball to `destination`. @returns The tarball's path. */
async function pack(dir: string, destination: string): Promise<string> {
  const { code, stdout, stderr } = await new Deno.Command("npm", {
    args: ["pack", "--json", "--ignore-scripts", "--pack-destination", destination],
    cwd: dir,
    stdin: "null",
  }).output();
  if (code !== 0) throw new Error(`npm pack failed with exit code ${code}:\n${new TextDecoder().decode(stderr)}`);
  const [report] = JSON.parse(new TextDecoder().decode(stdout)) as { filename: string }[];
  return `${destination}${report.filename}`;
}

/**
 * Builds dist/npm/ from the sources and packs it into `dist`.
 * @returns Where the package and its tarball are, and what they hold.
 */
export async function buildNpmPackage(info: PackageInfo, dist: string): Promise<NpmPackage> {
  const dir = `${dist}npm/`;
  await Deno.mkdir(dir, { recursive: true });
  const t0 = performance.now();
  const ms = { js: 0, dts: 0, pack: 0 };
  const [sources] = await Promise.all([
    buildJavaScript(info.npmEntries, dir).finally(() => ms.js = performance.now() - t0),
    buildDeclarations(info.npmEntries, dir).finally(() => ms.dts = performance.now() - t0),
  ]);
  const declarations = new Set(await filesUnder(dir, ".d.ts"));
  const untyped = sources.filter((source) => !declarations.has(withExtension(source, ".d.ts")));
  if (untyped.length > 0) throw new Error(`tsc emitted no declarations for ${untyped.join(", ")}`);
  await Deno.writeTextFile(`${dir}package.json`, JSON.stringify(npmManifest(info), null, 2) + "\n");
  for (const file of ["README.md", "LICENSE", "CHANGELOG.md"]) await Deno.copyFile(`${ROOT}${file}`, `${dir}${file}`);
  const t1 = performance.now();
  const tarball = await pack(dir, dist);
  ms.pack = performance.now() - t1;
  if (!tarball.endsWith(`${NPM_NAME}-${info.version}.tgz`)) throw new Error(`npm pack wrote ${tarball}`);
  return { dir, tarball, modules: sources.length, tarballBytes: (await Deno.stat(tarball)).size, ms };
}

/** @returns One line about the package, for the build's report. */
export function describeNpmPackage(pkg: NpmPackage, fromDist: (path: string) => string): string {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  return `${fromDist(pkg.tarball)} ${kb(pkg.tarballBytes)}: ${pkg.modules} modules with declarations in ` +
    `${fromDist(pkg.dir)} (esbuild ${Math.round(pkg.ms.js)} ms, tsc ${Math.round(pkg.ms.dts)} ms side by side, ` +
    `npm pack ${Math.round(pkg.ms.pack)} ms)`;
}
