// yieldio is meant to be imported straight from a URL (`import ... from
// "https://host/mod.ts"`), with no import map and no config. These tests
// serve the repository over HTTP the way a static host would and make a
// fresh Deno, with an empty cache, type-check and run it from there: a bare
// specifier, a missing `.ts` extension or a path outside the repo in lib/
// would fail here and nowhere else.
import { assertEquals, assertStringIncludes } from "@std/assert";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Serves the repository read-only, `.ts` as `application/typescript`, on a free loopback port. */
function serveRepo(): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const path = decodeURIComponent(new URL(request.url).pathname);
    if (request.method !== "GET" || path.split("/").includes("..") || path.includes("/node_modules/")) {
      return new Response("not served", { status: 404 });
    }
    const type = path.endsWith(".ts") ? "application/typescript; charset=utf-8" : "text/plain; charset=utf-8";
    try {
      return new Response(await Deno.readFile(`${ROOT}${path.slice(1)}`), { headers: { "Content-Type": type } });
    } catch {
      return new Response(`not found: ${path}`, { status: 404 });
    }
  });
}

async function deno(args: string[], cwd: string, denoDir: string): Promise<{ code: number; out: string; err: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    // An empty DENO_DIR: nothing cached from earlier runs can hide a bad import.
    env: { DENO_DIR: denoDir, NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code, out: new TextDecoder().decode(stdout), err: new TextDecoder().decode(stderr) };
}

async function withServedRepo(body: (base: string, dir: string, denoDir: string) => Promise<void>): Promise<void> {
  const server = serveRepo();
  const dir = await Deno.makeTempDir({ prefix: "yieldio_url_import_" });
  try {
    await body(`http://127.0.0.1:${server.addr.port}`, dir, `${dir}/deno_dir`);
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("mod.ts served over HTTP type-checks with `deno check` and no config", async () => {
  await withServedRepo(async (base, dir, denoDir) => {
    const host = base.slice("http://".length);
    // --all: without it deno check skips remote modules and passes even on a type error.
    const result = await deno(
      ["check", "--no-config", "--all", `--allow-import=${host}`, `${base}/mod.ts`],
      dir,
      denoDir,
    );
    assertEquals(result.code, 0, `deno check ${base}/mod.ts failed:\n${result.err}${result.out}`);
    assertStringIncludes(result.err + result.out, `${base}/mod.ts`, "deno check should name the module it checked");
  });
});

Deno.test("a script that imports mod.ts by HTTP URL runs a program on it", async () => {
  await withServedRepo(async (base, dir, denoDir) => {
    const host = base.slice("http://".length);
    await Deno.writeTextFile(
      `${dir}/main.ts`,
      `import { createTask, getRunningLoop, run, sleep } from "${base}/mod.ts";

const result = await run(function* () {
  const slow = createTask(sleep(30, "slow"));
  const fast: string = yield* sleep(10, "fast");
  return [fast, yield* slow, getRunningLoop().time()];
}, { clock: "virtual" });
console.log(JSON.stringify(result));
`,
    );
    const result = await deno(["run", "--no-config", `--allow-import=${host}`, "main.ts"], dir, denoDir);
    assertEquals(result.code, 0, `deno run failed:\n${result.err}${result.out}`);
    assertEquals(result.out.trim(), JSON.stringify(["fast", "slow", 30]));
  });
});
