// A program that awaits run() and returns must let its process exit, in Deno
// and in Node, exactly as plain async code would: an idle loop arms nothing,
// and a closed loop's MessageChannel port neither keeps the process alive nor
// is left listening. A regression here shows up to users as a script that
// never finishes, which no in-process test can see — so these spawn real
// processes and time them.
import { assert, assertEquals } from "@std/assert";
import { bundleForNode, type Exit, MOD, timedRun, withProgram } from "./_child.ts";

/** Far above a normal exit (well under a second): only a held-open process gets near it. */
const EXIT_LIMIT_MS = 10_000;

/** Each program prints "done" as its last act; the process must then exit on its own. */
const PROGRAMS = {
  "run() of a real 50 ms sleep": `
import { run, sleep } from "MOD";
await run(function* () {
  yield* sleep(50);
});
console.log("done");
`,
  "a MessageChannelIdle loop that ran a sleep and was closed": `
import { EventLoop, MessageChannelIdle, sleep } from "MOD";
const loop = new EventLoop({ idle: new MessageChannelIdle() });
await loop.runUntilComplete(sleep(20));
loop.close();
console.log("done");
`,
};

type ProgramName = keyof typeof PROGRAMS;

function assertExitedOnItsOwn(exit: Exit, what: string): void {
  assert(
    !exit.killed,
    `${what} was still running after ${EXIT_LIMIT_MS} ms (printed ${JSON.stringify(exit.out)}): ` +
      `something keeps the process alive\n${exit.err}`,
  );
  assertEquals(exit.code, 0, `${what} exited with ${exit.code}\n${exit.err}`);
  assertEquals(exit.out.trim(), "done", `${what} printed something else\n${exit.err}`);
  assert(exit.ms < EXIT_LIMIT_MS, `${what} took ${Math.round(exit.ms)} ms`);
}

async function denoExits(name: ProgramName): Promise<void> {
  await withProgram(PROGRAMS[name].replace("MOD", MOD.deno), async (dir) => {
    const exit = await timedRun(Deno.execPath(), ["run", "--no-config", `${dir}/main.ts`], EXIT_LIMIT_MS);
    assertExitedOnItsOwn(exit, `deno running ${name}`);
  });
}

async function nodeExits(name: ProgramName): Promise<void> {
  await withProgram(PROGRAMS[name].replace("MOD", MOD.node), async (dir) => {
    const exit = await timedRun("node", [await bundleForNode(dir)], EXIT_LIMIT_MS);
    assertExitedOnItsOwn(exit, `node running ${name}`);
  });
}

Deno.test("a Deno process exits by itself after run() of a real sleep", () => denoExits("run() of a real 50 ms sleep"));

Deno.test(
  "a Deno process exits by itself after closing a MessageChannelIdle loop",
  () => denoExits("a MessageChannelIdle loop that ran a sleep and was closed"),
);

Deno.test("a Node process exits by itself after run() of a real sleep", () => nodeExits("run() of a real 50 ms sleep"));

Deno.test(
  "a Node process exits by itself after closing a MessageChannelIdle loop",
  () => nodeExits("a MessageChannelIdle loop that ran a sleep and was closed"),
);
