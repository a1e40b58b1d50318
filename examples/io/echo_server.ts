/**
 * A TCP echo server that shuts down gracefully: each client's lines come
 * back to it; on SIGTERM or Ctrl-C (SIGINT), `run()` cancels `main`, so
 * `serveForever()` stops accepting, gives each connection a second to
 * finish (the grace period), cancels the rest, closes every socket, and the
 * `finally` below prints how it ended.
 *
 * Run it: `deno run -A examples/io/echo_server.ts [port]`, then
 * `nc 127.0.0.1 <port>`. In Node, bundle it first:
 * `esbuild examples/io/echo_server.ts --bundle --platform=node --format=esm --outfile=echo.mjs && node echo.mjs`.
 * tests/deno/io_examples.test.ts runs it in both.
 *
 * @module
 */

import { run } from "../../mod.ts";
import { startServer, type StreamReader, type StreamWriter } from "../../lib/io/mod.ts";

let served = 0;

function* echo(reader: StreamReader, writer: StreamWriter) {
  served++;
  for (let line = yield* reader.readline(); line.length > 0; line = yield* reader.readline()) {
    writer.write(line);
    yield* writer.drain();
  }
}

const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ??
  (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
const port = Number(args[0] ?? 0);

// On SIGTERM or SIGINT, run() cancels main, lets every finally run, then exits with 128 + the signal number.
await run(function* () {
  const server = yield* startServer(echo, "127.0.0.1", port, { gracePeriod: 1000 });
  const [host, bound] = server.addresses()[0] as [string, number];
  console.log(`listening on ${host}:${bound}`);
  try {
    yield* server.serveForever();
  } finally {
    console.log(`shut down after serving ${served} connection(s); every socket is closed`);
  }
});
