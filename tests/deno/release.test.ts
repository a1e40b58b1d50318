// One version, one changelog, one license: deno.json holds the version and
// the entries, the npm manifest is derived from it, CHANGELOG.md's newest
// release is that version, and the license is named where each registry looks.
// (The node stage checks the packed package.json as npm installs it.)
import { assert, assertEquals, assertMatch, assertStringIncludes, assertThrows } from "@std/assert";
import { npmManifest, packageInfoFrom, readPackageInfo } from "../_harness/_package.ts";
import { ROOT } from "../_harness/_repo.ts";

const read = (file: string) => Deno.readTextFile(`${ROOT}${file}`);

Deno.test("the npm manifest takes its version and one typed export per entry from deno.json, but the Deno-only lint plugin", async () => {
  const info = await readPackageInfo();
  const manifest = npmManifest(info);
  assertEquals(manifest.version, info.version);
  assertEquals(manifest.name, "yieldio");
  assertEquals(manifest.type, "module");
  assertEquals(manifest.license, "MIT");
  const denoExports = Object.keys(JSON.parse(await read("deno.json")).exports);
  assert(denoExports.includes("./lint"));
  assertEquals(
    Object.keys(manifest.exports as object),
    denoExports.filter((subpath) => subpath !== "./lint"),
  );
  assertEquals((manifest.exports as Record<string, unknown>)["./testing"], {
    types: "./lib/testing/mod.d.ts",
    import: "./lib/testing/mod.js",
  });
  assert(!("dependencies" in manifest), "the npm package has no runtime dependencies");
});

Deno.test("a new entry in deno.json's exports reaches the npm manifest without another edit", () => {
  const info = packageInfoFrom(JSON.stringify({
    name: "@yieldio/yieldio",
    version: "9.8.7",
    license: "MIT",
    exports: { ".": "./mod.ts", "./io": "./lib/io/mod.ts" },
  }));
  assertEquals(info.entries.map((entry) => entry.specifier), ["yieldio", "yieldio/io"]);
  assertEquals(npmManifest(info).exports, {
    ".": { types: "./mod.d.ts", import: "./mod.js" },
    "./io": { types: "./lib/io/mod.d.ts", import: "./lib/io/mod.js" },
  });
  assertEquals(npmManifest(info).version, "9.8.7");
});

Deno.test("deno.json without a version or with an export that is not a .ts file is refused", () => {
  assertThrows(() => packageInfoFrom('{ "name": "x", "license": "MIT", "exports": "./mod.ts" }'), TypeError, "version");
  assertThrows(
    () => packageInfoFrom('{ "name": "x", "version": "1.0.0", "license": "MIT", "exports": { ".": "./mod.js" } }'),
    TypeError,
    'deno.json export "." must point at a ./….ts file, got "./mod.js"',
  );
});

Deno.test("the version is written only in deno.json: the tooling package.json has none", async () => {
  assert(!("version" in JSON.parse(await read("package.json"))), "package.json must not carry a second version");
});

Deno.test("CHANGELOG.md keeps a changelog whose newest release is deno.json's version", async () => {
  const { version } = await readPackageInfo();
  const changelog = await read("CHANGELOG.md");
  const headings = [...changelog.matchAll(/^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$/gm)];
  assertEquals(headings[0]?.[1], "Unreleased", "the first section is [Unreleased]");
  assertEquals(headings[1]?.[1], version, "the newest release is deno.json's version");
  assertMatch(headings[1]?.[2] ?? "", /^\d{4}-\d{2}-\d{2}$/, "a release has an ISO date");
  assertStringIncludes(changelog, "Keep a Changelog");
  const first = headings.at(-1)!;
  assertEquals(first[1], "0.1.0", "the changelog starts at 0.1.0");
  assertStringIncludes(changelog.slice(first.index), "### Added");
});

Deno.test("the MIT license is in LICENSE and named in deno.json, package.json and the README", async () => {
  assertStringIncludes(await read("LICENSE"), "MIT License\n\nCopyright (c) 2026 yieldio contributors");
  assertEquals(JSON.parse(await read("deno.json")).license, "MIT");
  assertEquals(JSON.parse(await read("package.json")).license, "MIT");
  assertStringIncludes(await read("README.md"), "[MIT](LICENSE)");
});
