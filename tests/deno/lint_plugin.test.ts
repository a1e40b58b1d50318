/**
 * The `deno lint` plugin (entry `yieldio/lint`, lib/lint/), run the way a
 * user runs it: `deno lint` with a config whose `lint.plugins` names the
 * entry, over fixture files. The bad fixture marks each catch clause the
 * rule must flag with `// flagged`; the good one must pass. Deno-only: it
 * starts `deno lint` as a child process. The fixtures are excluded from the
 * project's own lint run (deno.json), which does not load the plugin.
 */

import { assertEquals } from "@std/assert";

const REPO = new URL("../../", import.meta.url);
const FIXTURES = new URL("_lint_fixtures/", import.meta.url);
const RULE = "yieldio/no-swallowed-cancellation";

interface LintReport {
  diagnostics: { filename: string; range: { start: { line: number } }; code: string }[];
  errors: unknown[];
}

/** Runs `deno lint --json` over `files` with only the config that loads the plugin; returns its report. */
async function lintWithPlugin(files: string[]): Promise<LintReport> {
  const dir = await Deno.makeTempDir({ prefix: "yieldio-lint-" });
  try {
    const config = `${dir}/deno.json`;
    const plugin = new URL("lib/lint/mod.ts", REPO).href;
    await Deno.writeTextFile(config, JSON.stringify({ lint: { plugins: [plugin] } }));
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["lint", "--config", config, "--json", ...files.map((f) => new URL(f, FIXTURES).pathname)],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(output.stdout);
    if (text.trim() === "") throw new Error(new TextDecoder().decode(output.stderr));
    return JSON.parse(text);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The lines of `file` whose catch clause is marked `// flagged`. */
function markedLines(file: string): number[] {
  const lines = Deno.readTextFileSync(new URL(file, FIXTURES)).split("\n");
  return lines.flatMap((line, i) => /\bcatch\b.*\/\/ flagged$/.test(line) ? [i + 1] : []);
}

Deno.test("deno lint with the plugin flags every swallowing catch of the bad fixture, at its line, and nothing else", async () => {
  const report = await lintWithPlugin(["swallows.ts"]);
  const expected = markedLines("swallows.ts");
  assertEquals(expected.length, 5); // the fixture still holds its five cases
  assertEquals(report.errors, []);
  assertEquals(
    report.diagnostics.map((d) => [d.filename.split("/").pop(), d.range.start.line, d.code]),
    expected.map((line) => ["swallows.ts", line, RULE]),
  );
});

Deno.test("deno lint with the plugin passes the catch clauses that rethrow, test, uncancel or cannot see a cancel", async () => {
  const report = await lintWithPlugin(["handles.ts"]);
  assertEquals([report.errors, report.diagnostics], [[], []]);
});

Deno.test("the plugin is an entry of the package, and the project's own lint skips the fixtures", () => {
  const config = JSON.parse(Deno.readTextFileSync(new URL("deno.json", REPO)));
  assertEquals(config.exports["./lint"], "./lib/lint/mod.ts");
  assertEquals(config.lint.exclude.includes("tests/deno/_lint_fixtures/"), true);
});
