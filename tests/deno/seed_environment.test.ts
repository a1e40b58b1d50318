/**
 * The testing kit reads YIELDIO_SEED, YIELDIO_SHUFFLE and YIELDIO_SEEDS from
 * Deno's environment only where `--allow-env` grants it — without it, it
 * neither fails nor prompts — and a malformed value is a RangeError naming
 * it. Deno-only: each case runs a child `deno run` with its own environment
 * and permissions. (Node reads `process.env` the same way; pages, the query
 * string, tested in tests/testing/seed_source.test.ts.)
 */

import { assertEquals, assertStringIncludes } from "@std/assert";

const kit = new URL("../../lib/testing/mod.ts", import.meta.url).href;

async function childSees(env: Record<string, string>, allowEnv: boolean, code: string): Promise<string> {
  // `deno eval` grants every permission: a script file under `deno run` gets only what is asked for.
  const script = await Deno.makeTempFile({ suffix: ".ts" });
  try {
    await Deno.writeTextFile(script, `import * as kit from "${kit}";\n${code}\n`);
    const command = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-read", ...(allowEnv ? ["--allow-env"] : []), script],
      // Empty means unset: the parent's own YIELDIO_* (a seeded suite run) must not leak in.
      env: { YIELDIO_SEED: "", YIELDIO_SHUFFLE: "", YIELDIO_SEEDS: "", ...env, NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    });
    const { stdout, stderr } = await command.output();
    return (new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr)).trim();
  } finally {
    await Deno.remove(script);
  }
}

const PRINT = `console.log(JSON.stringify(kit.seedSettings()), JSON.stringify(kit.seedsToExplore(3)));`;

Deno.test("with --allow-env the settings come from the environment", async () => {
  const out = await childSees({ YIELDIO_SEED: "42", YIELDIO_SHUFFLE: "timers", YIELDIO_SEEDS: "9" }, true, PRINT);
  assertEquals(out, '{"seed":42,"shuffle":"timers","seeds":9} [42]');
  assertEquals(
    await childSees({ YIELDIO_SEEDS: "5" }, true, PRINT),
    '{"seed":null,"shuffle":null,"seeds":5} [1,2,3,4,5]',
  );
});

Deno.test("without --allow-env nothing is read, nothing fails, nothing prompts", async () => {
  assertEquals(
    await childSees({ YIELDIO_SEED: "42" }, false, PRINT),
    '{"seed":null,"shuffle":null,"seeds":null} [1,2,3]',
  );
});

Deno.test("a malformed YIELDIO_SEED is a RangeError naming it and its value", async () => {
  const out = await childSees({ YIELDIO_SEED: "forty-two" }, true, PRINT);
  assertStringIncludes(out, 'RangeError: YIELDIO_SEED must be an integer, got "forty-two" (a string)');
});

Deno.test("runTest takes its seed from the environment and prints it in the failure", async () => {
  const code =
    `await kit.runTest(function* () { throw new Error("boom"); }).catch((e) => console.log(e.name, e.seed, e.shuffle));`;
  assertEquals(await childSees({ YIELDIO_SEED: "17", YIELDIO_SHUFFLE: "tasks" }, true, code), "SeededError 17 tasks");
  assertEquals(await childSees({ YIELDIO_SEED: "17" }, true, code), "SeededError 17 all");
  assertEquals(await childSees({}, true, code), "Error undefined undefined");
});
