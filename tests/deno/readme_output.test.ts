// The README's "Debugging a stuck program" section shows real output of
// examples/stuck.ts. This runs the example and compares, so the README cannot
// drift from what the program prints (virtual time makes it exact).
import { assertEquals, assertStringIncludes } from "@std/assert";

const ROOT = new URL("../../", import.meta.url);

/** The first ```text block after `heading` in the README. */
async function textBlockAfter(heading: string): Promise<string> {
  const readme = await Deno.readTextFile(new URL("README.md", ROOT));
  const section = readme.slice(readme.indexOf(heading));
  const start = section.indexOf("```text\n") + "```text\n".length;
  return section.slice(start, section.indexOf("\n```", start));
}

async function runExample(path: string): Promise<{ code: number; out: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-check", new URL(path, ROOT).pathname],
    cwd: new URL(".", ROOT).pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  // The README writes this checkout's location as file:///path/to/yieldio/.
  const out = (decode(output.stdout) + decode(output.stderr)).replaceAll(ROOT.href, "file:///path/to/yieldio/");
  return { code: output.code, out };
}

Deno.test("examples/stuck.ts prints exactly the tree, table and DeadlockError the README shows", async () => {
  const { code, out } = await runExample("examples/stuck.ts");
  assertEquals(code, 0);
  assertEquals(out.trimEnd(), await textBlockAfter("## Debugging a stuck program"));
});

Deno.test("examples/debug_mode.ts prints a call graph, a slow-step warning and the never-driven report", async () => {
  const { code, out } = await runExample("examples/debug_mode.ts");
  assertEquals(code, 0);
  const readme = await textBlockAfter("**Call graphs**");
  // The call graph is exact; the warning's timings are the real clock's.
  assertEquals(out.slice(0, readme.length), readme);
  assertStringIncludes(out, "yieldio: executing <Task pending name=main waiting=<sleep until t=");
  assertStringIncludes(
    out,
    "sleep(5) was created but never driven: did you forget `yield*`?\n  createdAt: run.debug (",
  );
});
