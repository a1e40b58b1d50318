// A program that awaits run() and returns must let its process exit, in Deno
// and in Node, exactly as plain async code would: an idle loop arms nothing,
// and a closed loop's MessageChannel port neither keeps the process alive nor
// is left listening. A regression here shows up to users as a script that
// never finishes, which no in-process test can see — so these spawn real
// processes and time them.
import { assert, assertEquals } from "@std/assert";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MOD_URL = new URL("../../mod.ts", import.meta.url).href;
const ESBUILD = `${ROOT}node_modules/esbuild/bin/esbuild`;

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

interface Exit {
  code: number | null;
  ms: number;
  out: string;
  err: string;
  killed: boolean;
}

/** Runs a command, killing it if it outlives EXIT_LIMIT_MS. */
async function timedRun(cmd: string, args: string[]): Promise<Exit> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), EXIT_LIMIT_MS);
  const start = performance.now();
  try {
    const output = await new Deno.Command(cmd, {
      args,
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: abort.signal,
    }).output();
    return {
      code: output.signal === null ? output.code : null,
      ms: performance.now() - start,
      out: new TextDecoder().decode(output.stdout),
      err: new TextDecoder().decode(output.stderr),
      killed: abort.signal.aborted,
    };
  } finally {
    clearTimeout(timer);
  }
}

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

async function withTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "yieldio_exit_" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function denoExits(name: ProgramName): Promise<void> {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/main.ts`, PROGRAMS[name].replace("MOD", MOD_URL));
    const exit = await timedRun(Deno.execPath(), ["run", "--no-config", `${dir}/main.ts`]);
    assertExitedOnItsOwn(exit, `deno running ${name}`);
  });
}

async function nodeExits(name: ProgramName): Promise<void> {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/main.ts`, PROGRAMS[name].replace("MOD", `${ROOT}mod.ts`));
    const bundled = await new Deno.Command(ESBUILD, {
      args: [
        `${dir}/main.ts`,
        "--bundle",
        "--format=esm",
        "--platform=node",
        "--target=es2022",
        `--outfile=${dir}/main.mjs`,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assertEquals(bundled.code, 0, `esbuild failed:\n${new TextDecoder().decode(bundled.stderr)}`);
    const exit = await timedRun("node", [`${dir}/main.mjs`]);
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
