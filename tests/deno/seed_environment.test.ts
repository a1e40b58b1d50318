/**
 * The testing kit reads YIELDIO_SEED, YIELDIO_SHUFFLE and YIELDIO_SEEDS from
 * Deno's environment only where `--allow-env` grants it — without it, it
 * neither fails nor prompts — and a malformed value is a RangeError naming
 * it. Under a seed from the environment, runTest rethrows the body's own
 * error and prints the seed once. Deno-only: each case runs a child
 * `deno run` with its own environment and permissions (and one stubs
 * `Deno.addSignalListener`: the kit must leave Ctrl-C to the test runner). (Node reads `process.env` the same way; pages, the query
 * string, tested in tests/testing/seed_settings.test.ts.)
 */

import { assertEquals, assertStringIncludes } from "@std/assert";
import { run, sleep } from "../../mod.ts";
import { exploreSeeds, runTest } from "../../lib/testing/mod.ts";

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

Deno.test("runTest takes its seed from the environment, rethrows the body's error unchanged and prints the seed once", async () => {
  // A file rerun under YIELDIO_SEED keeps its assertRejects(…, Error) tests: the class is the body's own.
  const code = `const fail = function* () { throw new RangeError("boom"); };
    for (let i = 0; i < 2; i++) await kit.runTest(fail).catch((e) => console.log(e.name, e.message, e.seed));
    await kit.runTest(fail, { seed: 17 }).catch((e) => console.log(e.name, e.seed, e.shuffle));`;
  assertEquals(
    await childSees({ YIELDIO_SEED: "17", YIELDIO_SHUFFLE: "tasks" }, true, code),
    "RangeError boom undefined\nRangeError boom undefined\nSeededError 17 tasks\n" +
      'yieldio/testing: a test failed under seed 17 (shuffle "tasks"), set by YIELDIO_SEED (or ?yieldio_seed=); ' +
      "errors of tests run under it are rethrown unchanged",
  );
  assertEquals(
    await childSees({}, true, code),
    "RangeError boom undefined\nRangeError boom undefined\nSeededError 17 all",
  );
});

Deno.test("runTest reads only the settings its options leave open: a malformed one it does not need is ignored", async () => {
  const code = `const ok = function* () { return "ran"; };
    console.log(await kit.runTest(ok, { seed: 5 }), await kit.runTest(ok, { seed: null }));
    await kit.runTest(ok).catch((e) => console.log(String(e)));`;
  assertEquals(
    await childSees({ YIELDIO_SEED: "abc" }, true, code),
    'ran ran\nRangeError: YIELDIO_SEED must be an integer, got "abc" (a string)',
  );
  const shuffleCode = `console.log(await kit.runTest(function* () { return "ran"; }, { seed: 5, shuffle: "all" }));
    await kit.runTest(function* () {}, { seed: 5 }).catch((e) => console.log(String(e)));`;
  assertEquals(
    await childSees({ YIELDIO_SHUFFLE: "some" }, true, shuffleCode),
    'ran\nRangeError: YIELDIO_SHUFFLE must be "timers", "tasks" or "all", got "some" (a string)',
  );
});

Deno.test("runTest and exploreSeeds leave Ctrl-C to the test runner: they add no signal listener (SIGINT, SIGTERM, SIGQUIT), unlike run()", async () => {
  const added: string[] = [];
  const original = Deno.addSignalListener;
  const originalRemove = Deno.removeSignalListener;
  Deno.addSignalListener = (signal: Deno.Signal) => void added.push(signal);
  Deno.removeSignalListener = () => {};
  try {
    await runTest(function* () {
      yield* sleep(1);
    }, { seed: null });
    await exploreSeeds(function* () {
      yield* sleep(1);
    }, { seeds: 2 });
    assertEquals(added, []);
    await run(function* () {}); // what the kit no longer does: the stub sees run()'s listener
    assertEquals(added, ["SIGINT", "SIGTERM", "SIGQUIT"]);
  } finally {
    Deno.addSignalListener = original;
    Deno.removeSignalListener = originalRemove;
  }
});
