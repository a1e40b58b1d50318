/**
 * STYLE: every public symbol has a JSDoc with a titled `@example` (which
 * `deno test --doc` runs). This reads each entry's exports from `deno doc
 * --json` and names the ones without one, so a new export cannot slip in
 * undocumented. Types and interfaces are exempt: an example shows a use.
 */

import { assertEquals } from "@std/assert";

const ENTRIES = ["mod.ts", "lib/testing/mod.ts", "lib/inspector/mod.ts", "lib/lint/mod.ts"];

interface DocDeclaration {
  kind: string;
  jsDoc?: { tags?: { kind: string; doc?: string }[] };
}

async function exportsWithoutTitledExample(entry: string): Promise<string[]> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", entry],
    cwd: new URL("../../", import.meta.url).pathname,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) throw new Error(new TextDecoder().decode(output.stderr));
  const { nodes } = JSON.parse(new TextDecoder().decode(output.stdout));
  const [module] = Object.values(nodes) as { symbols: { name: string; declarations: DocDeclaration[] }[] }[];
  return module.symbols
    .filter(({ declarations }) => !declarations.some(({ kind }) => kind === "typeAlias" || kind === "interface"))
    .filter(({ declarations }) =>
      !declarations.some(({ jsDoc }) =>
        jsDoc?.tags?.some(({ kind, doc }) => kind === "example" && /^[^\n`]*\S/.test(doc ?? ""))
      )
    )
    .map(({ name }) => name);
}

for (const entry of ENTRIES) {
  Deno.test(`every export of ${entry} has a JSDoc @example with a title`, async () => {
    assertEquals(await exportsWithoutTitledExample(entry), []);
  });
}
