/**
 * The package as deno.json describes it — name, version, license and
 * entries — and the npm package.json derived from it. deno.json is the one
 * place the version and the entries live: JSR reads it directly, and the npm
 * package, the browser import maps and the checks that import every entry
 * all take their list from here, so a new entry in deno.json's "exports"
 * reaches every one of them without another edit.
 *
 * @module
 */

import { ROOT } from "./_repo.ts";

/** The package's name on npm, and the bare name the examples and import maps use. */
export const NPM_NAME = "yieldio";

/** The npm package's one-line description. */
export const DESCRIPTION = "Python's asyncio for every JavaScript runtime: an explicit event loop, futures, and " +
  "cancellable tasks that drive generator coroutines.";

/**
 * Entries that exist only for Deno, left out of the npm package: the lint
 * plugin runs inside `deno lint` and its types are Deno's own `Deno.lint`
 * namespace, which a Node TypeScript project does not have. Deno users load
 * it from JSR or by URL.
 */
export const DENO_ONLY: ReadonlySet<string> = new Set(["./lint"]);

/** One entry of the package: a key of deno.json's "exports". */
export interface Entry {
  /** The export key: ".", "./testing". */
  subpath: string;
  /** Its source, relative to the root: "mod.ts", "lib/testing/mod.ts". */
  source: string;
  /** How users import it: "yieldio", "yieldio/testing". */
  specifier: string;
}

/** What deno.json says about the package. */
export interface PackageInfo {
  /** The JSR name: "@yieldio/yieldio". */
  jsrName: string;
  /** The version, the only copy of it in the repository. */
  version: string;
  /** An SPDX expression: "MIT". */
  license: string;
  /** Every entry, in deno.json's order ("." first). */
  entries: Entry[];
  /** The entries the npm package carries: all but {@linkcode DENO_ONLY}'s. */
  npmEntries: Entry[];
}

interface DenoJson {
  name?: unknown;
  version?: unknown;
  license?: unknown;
  exports?: unknown;
}

/**
 * Reads the package description from a deno.json's text.
 * @throws {TypeError} When a field is missing or an export target is not a `./….ts` path.
 */
export function packageInfoFrom(text: string): PackageInfo {
  const config = JSON.parse(text) as DenoJson;
  for (const field of ["name", "version", "license"] as const) {
    if (typeof config[field] !== "string") throw new TypeError(`deno.json needs a string "${field}"`);
  }
  const exports = typeof config.exports === "string" ? { ".": config.exports } : config.exports;
  if (typeof exports !== "object" || exports === null) throw new TypeError('deno.json needs an "exports" map');
  const entries = Object.entries(exports as Record<string, unknown>).map(([subpath, target]): Entry => {
    if (typeof target !== "string" || !/^\.\/[^*]+\.ts$/.test(target)) {
      throw new TypeError(`deno.json export "${subpath}" must point at a ./….ts file, got ${JSON.stringify(target)}`);
    }
    return { subpath, source: target.slice(2), specifier: NPM_NAME + subpath.slice(1) };
  });
  if (entries[0]?.subpath !== ".") throw new TypeError('deno.json\'s first export must be "."');
  return {
    jsrName: config.name as string,
    version: config.version as string,
    license: config.license as string,
    entries,
    npmEntries: entries.filter((entry) => !DENO_ONLY.has(entry.subpath)),
  };
}

/** @returns The package as the repository's deno.json describes it. */
export async function readPackageInfo(): Promise<PackageInfo> {
  return packageInfoFrom(await Deno.readTextFile(`${ROOT}deno.json`));
}

/** @returns `source` ("lib/testing/mod.ts") with another extension: ".js", ".d.ts". */
export function withExtension(source: string, extension: string): string {
  return source.replace(/\.ts$/, extension);
}

/**
 * The npm package.json: an ES module package with no dependencies, one
 * `exports` condition pair (`types`, then `import`) per entry.
 * @returns The manifest as a plain object.
 */
export function npmManifest(info: PackageInfo): Record<string, unknown> {
  const exports: Record<string, { types: string; import: string }> = {};
  for (const entry of info.npmEntries) {
    exports[entry.subpath] = {
      types: `./${withExtension(entry.source, ".d.ts")}`,
      import: `./${withExtension(entry.source, ".js")}`,
    };
  }
  return {
    name: NPM_NAME,
    version: info.version,
    description: DESCRIPTION,
    license: info.license,
    type: "module",
    exports,
    // For tools that read no "exports": the main entry's declarations.
    types: exports["."].types,
    engines: { node: ">=20" },
    keywords: ["asyncio", "event-loop", "coroutines", "generators", "cancellation", "structured-concurrency"],
  };
}

/** @returns An import map's "imports" sending each entry's bare name to its npm module under `base` ("/npm/"). */
export function npmImportMap(info: PackageInfo, base: string): Record<string, string> {
  return Object.fromEntries(
    info.npmEntries.map((entry) => [entry.specifier, base + withExtension(entry.source, ".js")]),
  );
}
