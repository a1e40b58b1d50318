// Ctrl-C that runs `finally`: a real child process (Deno, and Node through an
// esbuild bundle) runs a taskGroup under run(), gets SIGINT, runs every
// `finally` and exits with 130; a second SIGINT during a slow cleanup exits
// at once; `handleSignals: false` leaves SIGINT to the runtime. Deno-only
// (it spawns processes and sends signals).
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { bundleForNode, MOD, withProgram } from "./_child.ts";

const LIMIT_MS = 15_000;

/** A group of two tasks on a real clock, each printing from its `finally`. */
const GROUP = `
import { run, sleep, taskGroup } from "MOD";
await run(function* () {
  try {
    yield* taskGroup(function* (tg) {
      tg.createTask((function* () {
        try {
          console.log("ready");
          yield* sleep(60_000);
        } finally {
          console.log("child finally");
        }
      })());
      yield* sleep(60_000);
    });
  } finally {
    console.log("main finally");
  }
}OPTIONS);
console.log("run returned");
`;

/** A cleanup that would take a minute: only a second Ctrl-C ends it. */
const SLOW_CLEANUP = `
import { run, sleep } from "MOD";
await run(function* () {
  try {
    console.log("ready");
    yield* sleep(60_000);
  } finally {
    console.log("cleaning up");
    yield* sleep(60_000);
    console.log("cleaned up");
  }
});
`;

interface Outcome {
  code: number;
  signal: Deno.Signal | null;
  out: string;
}

/** Runs `cmd`, sends SIGINT each time stdout shows one of `cues` (in order), and collects what it printed. */
async function interrupt(cmd: string, args: string[], cues: string[]): Promise<Outcome> {
  const child = new Deno.Command(cmd, {
    args,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  })
    .spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), LIMIT_MS);
  let out = "";
  const pending = [...cues];
  try {
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      out += chunk;
      while (pending.length > 0 && out.includes(pending[0])) {
        pending.shift();
        child.kill("SIGINT");
      }
    }
    const status = await child.status;
    return { code: status.code, signal: status.signal, out };
  } finally {
    clearTimeout(timer);
  }
}

function inDeno(program: string, cues: string[], options = ""): Promise<Outcome> {
  const source = program.replace("MOD", MOD.deno).replace("OPTIONS", options);
  return withProgram(source, (dir) => interrupt(Deno.execPath(), ["run", "--no-config", `${dir}/main.ts`], cues));
}

function inNode(program: string, cues: string[], options = ""): Promise<Outcome> {
  const source = program.replace("MOD", MOD.node).replace("OPTIONS", options);
  return withProgram(source, async (dir) => interrupt("node", [await bundleForNode(dir)], cues));
}

function assertFinallysRanThen130(outcome: Outcome, runtime: string): void {
  assertEquals(
    outcome.code,
    130,
    `${runtime} exited with ${outcome.code} (${outcome.signal}); printed:\n${outcome.out}`,
  );
  assertEquals(outcome.out.split("\n").filter((line) => line !== ""), ["ready", "child finally", "main finally"]);
}

Deno.test("Deno: the first SIGINT cancels main, every finally runs, and the process exits 130", async () => {
  assertFinallysRanThen130(await inDeno(GROUP, ["ready"]), "deno");
});

Deno.test("Node: the first SIGINT cancels main, every finally runs, and the process exits 130", async () => {
  assertFinallysRanThen130(await inNode(GROUP, ["ready"]), "node");
});

Deno.test("a second SIGINT during a slow cleanup exits at once with 130", async () => {
  for (
    const [runtime, outcome] of [
      ["deno", await inDeno(SLOW_CLEANUP, ["ready", "cleaning up"])],
      ["node", await inNode(SLOW_CLEANUP, ["ready", "cleaning up"])],
    ] as const
  ) {
    assertEquals(outcome.code, 130, `${runtime}: ${outcome.out}`);
    assertStringIncludes(outcome.out, "cleaning up");
    assert(!outcome.out.includes("cleaned up"), `${runtime} finished its cleanup: ${outcome.out}`);
  }
});

Deno.test("handleSignals: false leaves SIGINT to the runtime: no finally runs", async () => {
  const outcome = await inDeno(GROUP, ["ready"], ", { handleSignals: false }");
  assertEquals(outcome.signal, "SIGINT", `printed:\n${outcome.out}`);
  assertEquals(outcome.out.trim(), "ready");
});

/** After run() resolves, and after it rejects because close() threw: SIGINT is the runtime's again. */
const AFTER_RUN = `
import { createTask, run, sleep } from "MOD";
if (FAIL) {
  // close() reports the task nobody awaited through the default handler, which now throws.
  console.error = () => { throw new Error("stderr is gone"); };
}
try {
  await run(function* () {
    createTask((function* () {
      yield* sleep(0);
      if (FAIL) throw new Error("nobody awaits this");
    })());
    yield* sleep(1);
  });
  console.log("run resolved");
} catch (error) {
  console.log("run rejected: " + error.message);
}
console.log("ready");
setTimeout(() => console.log("timer done"), 10_000);
`;

for (const fail of [false, true]) {
  Deno.test(`after run() ${fail ? "rejects because close() threw" : "resolves"}, SIGINT ends the process`, async () => {
    const outcome = await inDeno(AFTER_RUN.replaceAll("FAIL", String(fail)), ["ready"]);
    assertEquals(outcome.signal, "SIGINT", `exited with ${outcome.code}; printed:\n${outcome.out}`);
    const first = fail ? "run rejected: stderr is gone" : "run resolved";
    assertEquals(outcome.out.trim().split("\n"), [first, "ready"]);
  });
}
