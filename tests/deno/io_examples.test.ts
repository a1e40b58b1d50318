/**
 * The I/O examples, run as child processes and checked by their output: the
 * crawler and the pipeline print exact text; the echo server echoes a real
 * client's lines, then shuts down gracefully on SIGTERM (exit 143) or Ctrl-C
 * (exit 130), in Deno and in Node through an esbuild bundle, closing the
 * connection still open.
 */

import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const ESBUILD = `${ROOT}node_modules/esbuild/bin/esbuild`;
const decoder = new TextDecoder();
const encoder = new TextEncoder();

async function runExample(path: string): Promise<{ code: number; out: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", `${ROOT}${path}`],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: output.code, out: decoder.decode(output.stdout) + decoder.decode(output.stderr) };
}

Deno.test("examples/io/crawler.ts crawls its own site, rate-limited, and reports every page once", async () => {
  const { code, out } = await runExample("examples/io/crawler.ts");
  assertEquals(code, 0, out);
  assertEquals(
    out,
    [
      "200 /",
      "200 /about",
      "200 /blog",
      "200 /blog/1",
      "200 /blog/2",
      "200 /docs",
      "200 /docs/servers",
      "200 /docs/streams",
      "404 /missing",
      "crawled 9 pages, never more than 3 requests in flight",
      "",
    ].join("\n"),
  );
});

Deno.test("examples/io/pipeline.ts pipes printf | sort | uniq -c through yieldio streams", async () => {
  const { code, out } = await runExample("examples/io/pipeline.ts");
  assertEquals(code, 0, out);
  assertEquals(out, "apple: 3\nfig: 1\npear: 2\ncopied 32 + 32 bytes between stages; exit codes 0, 0, 0\n");
});

/** Reads the child's stdout until `needle` appears; returns everything read. */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, seen: string, needle: string) {
  while (!seen.includes(needle)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the server's output ended before ${JSON.stringify(needle)}: ${seen}`);
    seen += decoder.decode(value);
  }
  return seen;
}

async function echoServerShutsDownOnSignal(cmd: string, args: string[], signal: "SIGINT" | "SIGTERM"): Promise<void> {
  const child = new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped", stdin: "null" }).spawn();
  const stdout = child.stdout.getReader();
  let seen = await readUntil(stdout, "", "\n");
  const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(seen)?.[1]);
  assert(port > 0, `no port in ${JSON.stringify(seen)}`);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(encoder.encode("hello\nworld\n"));
  const buffer = new Uint8Array(64);
  let echoed = "";
  while (echoed.length < 12) echoed += decoder.decode(buffer.subarray(0, (await conn.read(buffer)) ?? 0));
  assertEquals(echoed, "hello\nworld\n");
  // The client stays connected: the shutdown must close its connection after the grace period.
  child.kill(signal);
  assertEquals(await conn.read(buffer), null, "the server closed the idle connection");
  conn.close();
  seen = await readUntil(stdout, seen, "every socket is closed");
  stdout.releaseLock();
  const status = await child.status;
  const err = decoder.decode(await new Response(child.stderr).arrayBuffer());
  assertStringIncludes(seen, "shut down after serving 1 connection(s); every socket is closed", err);
  assertEquals(status.code, signal === "SIGTERM" ? 143 : 130, err);
}

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  Deno.test(`examples/io/echo_server.ts in Deno echoes lines, then closes every socket and exits on ${signal}`, () =>
    echoServerShutsDownOnSignal(
      Deno.execPath(),
      ["run", "-A", "--no-check", `${ROOT}examples/io/echo_server.ts`],
      signal,
    ));
}

Deno.test("examples/io/echo_server.ts in Node (esbuild bundle) does the same on SIGTERM", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bundled = await new Deno.Command(ESBUILD, {
      args: [
        `${ROOT}examples/io/echo_server.ts`,
        "--bundle",
        "--format=esm",
        "--platform=node",
        "--target=es2022",
        `--outfile=${dir}/echo.mjs`,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assertEquals(bundled.code, 0, decoder.decode(bundled.stderr));
    await echoServerShutsDownOnSignal("node", [`${dir}/echo.mjs`], "SIGTERM");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
