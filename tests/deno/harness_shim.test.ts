// The Deno.test shim is what lets the Node and Chromium stages fail at all:
// if it stopped noticing an unhandled rejection or a hung test, those stages
// would pass while hiding bugs. This runs it in Node on a tiny bundle of
// probe tests, one per way to fail, and checks each is reported as a failure
// of the test that caused it.
import { assertEquals, assertStringIncludes } from "@std/assert";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const ESBUILD = `${ROOT}node_modules/esbuild/bin/esbuild`;

const PROBES = `
import { formatResult, formatSummary, runRegisteredTests } from "${ROOT}tests/_harness/deno_test_shim.ts";

Deno.test("passes", () => {});
Deno.test({ name: "passes asynchronously", fn: async () => await new Promise((r) => setTimeout(r, 1)) });
Deno.test("throws synchronously", () => {
  throw new TypeError("sync-probe");
});
Deno.test("leaves a rejection unhandled", async () => {
  Promise.reject(new Error("rejection-probe"));
  await new Promise((r) => setTimeout(r, 1));
});
Deno.test("throws from a timer callback", async () => {
  setTimeout(() => {
    throw new Error("timer-probe");
  }, 0);
  await new Promise((r) => setTimeout(r, 10));
});
Deno.test("never finishes", () => new Promise(() => {}));
Deno.test({ name: "is ignored", ignore: true, fn: () => {
  throw new Error("ignored tests must not run");
} });

const report = await runRegisteredTests({ label: "probe", timeoutMs: 200 });
for (const result of report.results) console.log(formatResult(result));
console.log(formatSummary(report));
`;

Deno.test("the Deno.test shim reports each way a test can fail, under the test that failed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "yieldio_shim_" });
  try {
    await Deno.writeTextFile(`${dir}/probes.ts`, PROBES);
    const bundled = await new Deno.Command(ESBUILD, {
      args: [`${dir}/probes.ts`, "--bundle", "--format=esm", "--platform=node", `--outfile=${dir}/probes.mjs`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assertEquals(bundled.code, 0, new TextDecoder().decode(bundled.stderr));
    const run = await new Deno.Command("node", { args: [`${dir}/probes.mjs`], stdout: "piped", stderr: "piped" })
      .output();
    const out = new TextDecoder().decode(run.stdout);
    assertEquals(run.code, 0, `the probe bundle crashed:\n${out}${new TextDecoder().decode(run.stderr)}`);
    const statusOf = (name: string) =>
      out.split("\n").find((line) => line.endsWith(`ms)`) && line.includes(` ${name} (`));
    assertStringIncludes(statusOf("passes") ?? "", "ok");
    assertStringIncludes(statusOf("passes asynchronously") ?? "", "ok");
    assertStringIncludes(statusOf("throws synchronously") ?? "", "FAILED");
    assertStringIncludes(statusOf("leaves a rejection unhandled") ?? "", "FAILED");
    assertStringIncludes(statusOf("throws from a timer callback") ?? "", "FAILED");
    assertStringIncludes(statusOf("never finishes") ?? "", "FAILED");
    assertStringIncludes(statusOf("is ignored") ?? "", "ignore");
    assertStringIncludes(out, "unhandled rejection: Error: rejection-probe");
    assertStringIncludes(out, "uncaught exception: Error: timer-probe");
    assertStringIncludes(out, "test timed out after 200 ms");
    assertEquals(out.trim().split("\n").at(-1), "probe: 2 passed, 4 failed");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
