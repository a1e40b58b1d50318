// No worker may outlive run(): the pool closes with its loop, so a program
// that used toThread() exits as soon as its last line ran — in Deno, whose
// web Workers keep a process alive until terminated, and in Node — even when
// a worker is stuck in a job that ignores cancellation. Only a real process
// can show a leaked worker, so these spawn one and time it.
import { assert, assertEquals } from "@std/assert";
import { bundleForNode, type Exit, MOD, timedRun, withProgram } from "./_child.ts";

/** Far above a prompt exit; only a leaked worker gets near it. */
const LIMIT_MS = 10_000;
/** What "promptly" means here: start-up, the jobs, and exit. */
const PROMPT_MS = 4_000;

/** Job modules as data: URLs, so the programs need no files beside them. */
const JOBS = "data:text/javascript," + encodeURIComponent(`
export const add = (a, b) => a + b;
export function stuck() { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); }
export function spin() { for (;;); }
`);

const PROGRAMS: Record<string, string> = {
  "run() that used toThread() and left idle workers": `
import { gather, run } from "MOD";
import { toThread, workerFunction } from "THREADS";
const add = workerFunction("JOBS", "add");
const sums = await run(function* () { return yield* gather([1, 2, 3, 4].map((n) => toThread(add, n, n))); });
if (sums.join() !== "2,4,6,8") throw new Error(String(sums));
console.log("done");
`,
  "run() that gave up on jobs stuck in Atomics.wait and in a busy loop": `
import { run, waitFor, TimeoutError } from "MOD";
import { toThread, WorkerPool, workerFunction } from "THREADS";
const stuck = workerFunction("JOBS", "stuck"), spin = workerFunction("JOBS", "spin");
await run(function* () {
  const pool = new WorkerPool({ size: 2, graceMs: 60_000 });
  for (const fn of [stuck, spin]) {
    try { yield* waitFor(pool.submit(fn), 50); } catch (e) { if (!(e instanceof TimeoutError)) throw e; }
  }
});
console.log("done");
`,
  "runSync() that used toThread()": `
import { runSync } from "MOD";
import { toThread, workerFunction } from "THREADS";
const add = workerFunction("JOBS", "add");
if (runSync(function* () { return yield* toThread(add, 20, 22); }) !== 42) throw new Error("wrong sum");
console.log("done");
`,
};

function assertExitedPromptly(exit: Exit, what: string): void {
  assert(!exit.killed, `${what} was still running after ${LIMIT_MS} ms: a worker keeps it alive\n${exit.err}`);
  assertEquals(exit.code, 0, `${what} exited with ${exit.code}\n${exit.err}`);
  assertEquals(exit.out.trim(), "done", `${what} printed something else\n${exit.err}`);
  assert(exit.ms < PROMPT_MS, `${what} took ${Math.round(exit.ms)} ms to exit`);
}

function source(name: string, mod: string): string {
  const threads = mod.replace(/mod\.ts$/, "lib/threads/mod.ts");
  return PROGRAMS[name].replace("MOD", mod).replace("THREADS", threads).replaceAll('"JOBS"', JSON.stringify(JOBS));
}

for (const name of Object.keys(PROGRAMS)) {
  Deno.test(`a Deno process exits promptly after ${name}`, async () => {
    await withProgram(source(name, MOD.deno), async (dir) => {
      assertExitedPromptly(
        await timedRun(Deno.execPath(), ["run", "-A", "--no-config", `${dir}/main.ts`], LIMIT_MS),
        name,
      );
    });
  });

  Deno.test(`a Node process exits promptly after ${name}`, async () => {
    await withProgram(source(name, MOD.node), async (dir) => {
      assertExitedPromptly(await timedRun("node", [await bundleForNode(dir)], LIMIT_MS), name);
    });
  });
}
