/**
 * The `deno lint` plugin (entry `yieldio/lint`, lib/lint/), run the way a
 * user runs it: `deno lint` with a config whose `lint.plugins` names the
 * entry, over fixture files. The bad fixtures mark each line a rule must
 * flag with `// flagged: <rule>`; the good one must pass. Deno-only: it
 * starts `deno lint` as a child process. The fixtures are excluded from the
 * project's own lint run (deno.json), which does not load the plugin.
 */

import { assertEquals } from "@std/assert";
import * as lint from "../../lib/lint/mod.ts";

const REPO = new URL("../../", import.meta.url);
const FIXTURES = new URL("_lint_fixtures/", import.meta.url);

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

/** `[file, line, rule]` for each line of the fixtures marked `// flagged: <rule>`. */
function marked(files: string[]): [string, number, string][] {
  return files.flatMap((file) =>
    Deno.readTextFileSync(new URL(file, FIXTURES)).split("\n").flatMap((line, i): [string, number, string][] => {
      const match = /\/\/ flagged: ([\w-]+)$/.exec(line);
      return match === null ? [] : [[file, i + 1, `yieldio/${match[1]}`]];
    })
  );
}

Deno.test("deno lint with the plugin flags every marked line of the bad fixtures with its rule, and nothing else", async () => {
  const files = ["drops_generators.ts", "swallows.ts"];
  const report = await lintWithPlugin(files);
  const expected = marked(files);
  // The fixtures still hold their cases: five swallowed cancels, five dropped generators.
  assertEquals(expected.map(([, , rule]) => rule).sort(), [
    ...Array(5).fill("yieldio/no-generator-callback"),
    ...Array(5).fill("yieldio/no-swallowed-cancellation"),
  ]);
  assertEquals(report.errors, []);
  assertEquals(
    report.diagnostics.map((d) => [d.filename.split("/").pop(), d.range.start.line, d.code]),
    expected,
  );
});

Deno.test("deno lint with the plugin passes catch clauses that rethrow, test, uncancel or see no cancel, and driven generators", async () => {
  const report = await lintWithPlugin(["handles.ts"]);
  assertEquals([report.errors, report.diagnostics], [[], []]);
});

Deno.test("the plugin is an entry of the package, and the project's own lint skips the fixtures", () => {
  const config = JSON.parse(Deno.readTextFileSync(new URL("deno.json", REPO)));
  assertEquals(config.exports["./lint"], "./lib/lint/mod.ts");
  assertEquals(config.lint.exclude.includes("tests/deno/_lint_fixtures/"), true);
});

Deno.test("lib/lint/mod.ts exports exactly the plugin and its two rules, and the plugin names them", () => {
  assertEquals(Object.keys(lint).sort(), ["default", "noGeneratorCallback", "noSwallowedCancellation"]);
  assertEquals([lint.default.name, Object.keys(lint.default.rules)], [
    "yieldio",
    ["no-swallowed-cancellation", "no-generator-callback"],
  ]);
});
