// Signals, sent to real child processes (Deno, and Node through an esbuild
// bundle): Ctrl-C and SIGTERM that run `finally` — run() cancels main, every
// `finally` runs, the process exits with 128 + the signal's number, and a
// second signal during a slow cleanup exits at once; `handleSignals` chooses
// which signals (false: none); SIGQUIT prints the pending tasks and the
// program goes on; `loop.addSignalHandler` hands a signal to the loop; and no
// listener keeps an idle program alive. Deno-only (it spawns processes and
// sends signals).
import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
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
  err: string;
  /** Whether it was still running after LIMIT_MS and was killed. */
  killed: boolean;
}

/** A cue on stdout or stderr, and the signal to send when it shows (SIGINT for a bare string). */
type Cue = string | [string, Deno.Signal];

/**
 * Runs `cmd`, sends each cue's signal once its text shows on stdout or stderr
 * (in order), and collects what it printed.
 */
async function interrupt(cmd: string, args: string[], cues: Cue[]): Promise<Outcome> {
  const child = new Deno.Command(cmd, {
    args,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  })
    .spawn();
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill("SIGKILL");
  }, LIMIT_MS);
  const streams = { out: "", err: "" };
  const pending = cues.map((cue): [string, Deno.Signal] => typeof cue === "string" ? [cue, "SIGINT"] : cue);
  const read = async (stream: ReadableStream<Uint8Array>, into: "out" | "err") => {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      streams[into] += chunk;
      while (pending.length > 0 && (streams.out + streams.err).includes(pending[0][0])) {
        child.kill(pending.shift()![1]);
      }
    }
  };
  try {
    await Promise.all([read(child.stdout, "out"), read(child.stderr, "err")]);
    const status = await child.status;
    return { code: status.code, signal: status.signal, ...streams, killed };
  } finally {
    clearTimeout(timer);
  }
}

function inDeno(program: string, cues: Cue[], options = ""): Promise<Outcome> {
  const source = program.replace("MOD", MOD.deno).replace("OPTIONS", options);
  return withProgram(source, (dir) => interrupt(Deno.execPath(), ["run", "--no-config", `${dir}/main.ts`], cues));
}

function inNode(program: string, cues: Cue[], options = ""): Promise<Outcome> {
  const source = program.replace("MOD", MOD.node).replace("OPTIONS", options);
  return withProgram(source, async (dir) => interrupt("node", [await bundleForNode(dir)], cues));
}

/** Both runtimes, one after the other (they would compete for the two cores). */
async function inBoth(program: string, cues: Cue[], options = ""): Promise<[string, Outcome][]> {
  return [["deno", await inDeno(program, cues, options)], ["node", await inNode(program, cues, options)]];
}

function assertFinallysRanThen(code: number, outcome: Outcome, runtime: string): void {
  assertEquals(
    outcome.code,
    code,
    `${runtime} exited with ${outcome.code} (${outcome.signal}); printed:\n${outcome.out}${outcome.err}`,
  );
  assertEquals(outcome.out.split("\n").filter((line) => line !== ""), ["ready", "child finally", "main finally"]);
}

Deno.test("Deno: the first SIGINT cancels main, every finally runs, and the process exits 130", async () => {
  assertFinallysRanThen(130, await inDeno(GROUP, ["ready"]), "deno");
});

Deno.test("Node: the first SIGINT cancels main, every finally runs, and the process exits 130", async () => {
  assertFinallysRanThen(130, await inNode(GROUP, ["ready"]), "node");
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

/** A SIGINT the moment run() returns, while its listener is still bound for the next run(), with nobody subscribed. */
const RIGHT_AFTER_RUN = `
import { run } from "MOD";
await run(function* () {});
console.log("ran");
const host = globalThis as any;
if (host.Deno) host.Deno.kill(host.Deno.pid, "SIGINT");
else host.process.kill(host.process.pid, "SIGINT");
setTimeout(() => console.log("still alive"), 5_000);
`;

Deno.test("a SIGINT right after run() returns, before its listener is let go, still ends the process", async () => {
  for (const [runtime, outcome] of await inBoth(RIGHT_AFTER_RUN, [])) {
    assertEquals(outcome.signal, "SIGINT", `${runtime} exited with ${outcome.code}; printed:\n${outcome.out}`);
    assertEquals(outcome.out.trim(), "ran", runtime);
  }
});

Deno.test("SIGTERM is handled as Ctrl-C is: every finally runs, then the process exits 143", async () => {
  for (const [runtime, outcome] of await inBoth(GROUP, [["ready", "SIGTERM"]])) {
    assertFinallysRanThen(143, outcome, runtime);
  }
});

Deno.test("handleSignals lists the signals run() handles: SIGTERM left out ends the process with no finally", async () => {
  for (const [runtime, outcome] of await inBoth(GROUP, [["ready", "SIGTERM"]], ', { handleSignals: ["SIGINT"] }')) {
    assertEquals(outcome.signal, "SIGTERM", `${runtime} exited with ${outcome.code}; printed:\n${outcome.out}`);
    assertEquals(outcome.out.trim(), "ready");
  }
});

/** A task waiting on a named event, and a program that goes on after SIGQUIT until Ctrl-C. */
const STUCK = `
import { createTask, Event, run, sleep } from "MOD";
await run(function* () {
  const never = new Event();
  createTask(never.wait(), { name: "waiter" });
  try {
    yield* sleep(0);
    console.log("ready");
    yield* sleep(60_000);
  } finally {
    console.log("main finally");
  }
}OPTIONS);
`;

Deno.test("SIGQUIT prints the pending tasks to stderr and the program goes on", async () => {
  for (const [runtime, outcome] of await inBoth(STUCK, [["ready", "SIGQUIT"], ["task(s) pending", "SIGINT"]])) {
    assertEquals(outcome.code, 130, `${runtime} exited with ${outcome.code} (${outcome.signal}): ${outcome.err}`);
    assertEquals(outcome.out.trim().split("\n"), ["ready", "main finally"]);
    const dump = outcome.err.trim().split("\n");
    assertMatch(dump[0], /^yieldio: SIGQUIT at t=\d+\.\d ms; 2 task\(s\) pending:$/);
    assertEquals(dump.length, 3, outcome.err);
    assertMatch(dump[1], /^main — waiting on sleep until t=\d+(\.\d+)?$/);
    assertEquals(dump[2], "waiter — waiting on Event#1");
  }
});

Deno.test("dumpOnSigquit: false leaves SIGQUIT to the runtime", async () => {
  const outcome = await inDeno(STUCK, [["ready", "SIGQUIT"]], ", { dumpOnSigquit: false }");
  assertEquals(outcome.signal, "SIGQUIT", `exited with ${outcome.code}; printed:\n${outcome.out}${outcome.err}`);
});

/** A loop's own signal handler: it runs through the loop, as often as the signal comes, until removed. */
const HANDLER = `
import { Event, getRunningLoop, run, waitFor } from "MOD";
await run(function* () {
  const loop = getRunningLoop();
  const got = new Event();
  let count = 0;
  loop.addSignalHandler("SIGUSR1", (what) => {
    console.log("handled " + what + " " + (++count));
    if (count === 2) got.set();
    else console.log("again");
  }, "SIGUSR1");
  console.log("ready");
  yield* waitFor(got.wait(), 10_000); // a timer armed: a signal handler alone keeps no process alive
  console.log("removed " + loop.removeSignalHandler("SIGUSR1"));
});
console.log("done");
`;

Deno.test("loop.addSignalHandler runs its callback through the loop each time the signal comes", async () => {
  for (const [runtime, outcome] of await inBoth(HANDLER, [["ready", "SIGUSR1"], ["again", "SIGUSR1"]])) {
    assertEquals(outcome.code, 0, `${runtime} exited with ${outcome.code} (${outcome.signal}): ${outcome.err}`);
    assertEquals(outcome.out.trim().split("\n"), [
      "ready",
      "handled SIGUSR1 1",
      "again",
      "handled SIGUSR1 2",
      "removed true",
      "done",
    ]);
  }
});

/** Main waits on something nothing can ever complete, on a real clock: no timer, no host wait. */
const IDLE = `
import { Event, run } from "MOD";
console.log("waiting");
await run(function* () { yield* new Event().wait(); }OPTIONS);
console.log("unreachable");
`;

for (const options of ["", ", { handleSignals: false }"]) {
  Deno.test(`a program idle on nothing exits as plain code would${options ? " (handleSignals: false)" : ""}`, async () => {
    for (const [runtime, outcome] of await inBoth(IDLE, [], options)) {
      assert(!outcome.killed, `${runtime} was still running after ${LIMIT_MS} ms: a listener holds it`);
      assertEquals(outcome.out.trim(), "waiting");
      // The runtime reports the top-level await that never settled: Deno exits 1, Node 13.
      assertEquals(outcome.code, runtime === "deno" ? 1 : 13, `${runtime}: ${outcome.err}`);
    }
  });
}
