/**
 * `deno task publish:check` (run by `deno task check`): `deno publish
 * --dry-run`, which type-checks the entries, looks for slow types and lists
 * what JSR would receive; then it checks that list against what the package
 * is: mod.ts, lib/, README.md, LICENSE, deno.json and every entry's file —
 * nothing of tests/, bench/ or examples/, and no entry left out (an entry
 * outside lib/ must be added to deno.json's "publish.include").
 *
 * Offline: the dry run reads only the checkout (it needs no registry, even
 * with an empty DENO_DIR and no network at all). `--allow-dirty` because the
 * check stage runs on work in progress; a real publish runs from a clean tree.
 *
 * @module
 */

import { readPackageInfo } from "./_package.ts";
import { ROOT } from "./_repo.ts";
import { stripAnsi } from "./_stage.ts";

/** Files besides lib/ and the entries that the package may hold: the config JSR adds, and the docs. */
const TOP_LEVEL = ["deno.json", "mod.ts", "README.md", "LICENSE"];

/** @returns The files a dry run's output lists, relative to `root`. */
export function publishedFiles(output: string, root: string): string[] {
  const base = new URL(`file://${root}`).href;
  const files: string[] = [];
  let listing = false;
  for (const line of stripAnsi(output).split("\n")) {
    if (/^Simulating publish of \S+ with files:$/.test(line.trim())) listing = true;
    else if (listing && /^\s+file:\/\//.test(line)) {
      const url = line.trim().replace(/ \([^)]*\)$/, "");
      files.push(url.startsWith(base) ? decodeURIComponent(url.slice(base.length)) : url);
    } else listing = false;
  }
  return files;
}

/** @returns What is wrong with a published file list, one line each; empty when it is exactly the library. */
export function publishProblems(files: string[], entrySources: string[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    if (!TOP_LEVEL.includes(file) && !file.startsWith("lib/") && !entrySources.includes(file)) {
      problems.push(`${file} would be published: it is not part of the library (deno.json "publish")`);
    }
  }
  for (const file of [...TOP_LEVEL, ...entrySources]) {
    if (!files.includes(file)) {
      problems.push(`${file} would not be published: add it to deno.json's "publish.include"`);
    }
  }
  return problems;
}

async function main(): Promise<number> {
  const info = await readPackageInfo();
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["publish", "--dry-run", "--allow-dirty"],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
  }).output();
  const output = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
  if (code !== 0 || !output.includes("Dry run complete")) {
    console.log(output);
    console.log(`deno publish --dry-run failed (exit code ${code})`);
    return 1;
  }
  const warnings = output.split("\n").filter((line) => /^warning\[/.test(line));
  const files = publishedFiles(output, ROOT);
  const problems = [
    ...publishProblems(files, info.entries.map((entry) => entry.source)),
    ...warnings.map((line) => `deno publish warns: ${line}`),
  ];
  if (problems.length > 0) {
    console.log(output);
    for (const problem of problems) console.log(`FAILED ${problem}`);
    return 1;
  }
  const lib = files.filter((file) => file.startsWith("lib/")).length;
  console.log(
    `deno publish --dry-run: ${info.jsrName}@${info.version} would publish ${files.length} files ` +
      `(${TOP_LEVEL.join(", ")} and ${lib} under lib/), ${info.entries.length} entries, no slow types`,
  );
  return 0;
}

if (import.meta.main) {
  Deno.exit(await main());
}
