/**
 * Scenario 9's probe, run as a child in Deno and (bundled) in Node: TCP echo
 * throughput over 127.0.0.1 and subprocess spawn + communicate rate, yieldio
 * streams beside plain `async`/`await` on the host's own API (`Deno.Conn` in
 * Deno, `node:net` / `node:child_process` in Node). Server and clients share
 * the process, as in the CPython peer (bench/peers/io_asyncio.py). Prints
 * one JSON line: `IoReport`.
 *
 * Each echo case: `clients` connections each send a message of `size` bytes
 * and read the whole echo back, `trips` times; throughput counts the bytes
 * echoed (one way) per second. Sides alternate, `rounds` times.
 *
 * @module
 */

import { createTask, gather, run } from "../../mod.ts";
import {
  createSubprocessExec,
  openConnection,
  startServer,
  type StreamReader,
  type StreamWriter,
} from "../../lib/io/mod.ts";

/** One echo configuration. */
export interface EchoCase {
  clients: number;
  size: number;
  trips: number;
}

/** What the probe prints. */
export interface IoReport {
  runtime: string;
  /** Per case label, per side: MB/s of each round. */
  echo: Record<string, Record<string, number[]>>;
  /** Per side: spawn + communicate per second, each round. */
  spawn: Record<string, number[]>;
}

const quick = (globalThis as { Deno?: { args: string[] } }).Deno?.args.includes("--quick") ??
  (globalThis as unknown as { process: { argv: string[] } }).process.argv.includes("--quick");
const isDeno = typeof (globalThis as { Deno?: { version?: unknown } }).Deno?.version === "object";

export const CASES: EchoCase[] = quick
  ? [{ clients: 1, size: 1024, trips: 200 }, { clients: 100, size: 65536, trips: 2 }]
  : [
    { clients: 1, size: 1024, trips: 4000 },
    { clients: 1, size: 65536, trips: 800 },
    { clients: 100, size: 1024, trips: 200 },
    { clients: 100, size: 65536, trips: 16 },
  ];
const ROUNDS = quick ? 1 : 3;
const SPAWNS = quick ? 20 : 200;

function label(c: EchoCase): string {
  return `${c.clients} client${c.clients === 1 ? "" : "s"} × ${c.size === 1024 ? "1 KB" : "64 KB"}`;
}

// ---------------------------------------------------------------- yieldio

function* yieldioEcho(reader: StreamReader, writer: StreamWriter) {
  for (let chunk = yield* reader.read(65536); chunk.length > 0; chunk = yield* reader.read(65536)) {
    writer.write(chunk);
    yield* writer.drain();
  }
}

async function yieldioCase(c: EchoCase): Promise<number> {
  return await run(function* () {
    const server = yield* startServer(yieldioEcho, "127.0.0.1", 0);
    const port = (server.addresses()[0] as [string, number])[1];
    const message = new Uint8Array(c.size).fill(120);
    const start = performance.now();
    yield* gather(Array.from({ length: c.clients }, () =>
      createTask(function* () {
        const [reader, writer] = yield* openConnection("127.0.0.1", port);
        for (let i = 0; i < c.trips; i++) {
          writer.write(message);
          yield* writer.drain();
          yield* reader.readexactly(c.size);
        }
        writer.close();
        yield* writer.waitClosed();
      }())));
    const seconds = (performance.now() - start) / 1000;
    server.close();
    yield* server.waitClosed();
    return c.clients * c.trips * c.size / 1e6 / seconds;
  });
}

async function yieldioSpawn(): Promise<number> {
  return await run(function* () {
    const start = performance.now();
    for (let i = 0; i < SPAWNS; i++) {
      const proc = yield* createSubprocessExec("cat", [], { stdin: "pipe", stdout: "pipe" });
      yield* proc.communicate("hello");
    }
    return SPAWNS / ((performance.now() - start) / 1000);
  });
}

// ---------------------------------------------------------------- plain Deno

async function denoWriteAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
}

async function denoCase(c: EchoCase): Promise<number> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const serving = (async () => {
    const handlers: Promise<void>[] = [];
    for (let i = 0; i < c.clients; i++) {
      const conn = await listener.accept();
      conn.setNoDelay(true);
      handlers.push((async () => {
        const buffer = new Uint8Array(65536);
        for (let n = await conn.read(buffer); n !== null; n = await conn.read(buffer)) {
          await denoWriteAll(conn, buffer.subarray(0, n));
        }
        conn.close();
      })());
    }
    await Promise.all(handlers);
  })();
  const port = (listener.addr as Deno.NetAddr).port;
  const message = new Uint8Array(c.size).fill(120);
  const start = performance.now();
  await Promise.all(Array.from({ length: c.clients }, async () => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.setNoDelay(true);
    const buffer = new Uint8Array(c.size);
    for (let i = 0; i < c.trips; i++) {
      await denoWriteAll(conn, message);
      for (let got = 0; got < c.size;) got += (await conn.read(buffer.subarray(got))) ?? Infinity;
    }
    conn.close();
  }));
  const seconds = (performance.now() - start) / 1000;
  await serving;
  listener.close();
  return c.clients * c.trips * c.size / 1e6 / seconds;
}

async function denoSpawn(): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < SPAWNS; i++) {
    const child = new Deno.Command("cat", { stdin: "piped", stdout: "piped" }).spawn();
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode("hello"));
    await writer.close();
    await child.output();
  }
  return SPAWNS / ((performance.now() - start) / 1000);
}

// ---------------------------------------------------------------- plain Node

type NodeNet = typeof import("node:net");
type NodeSocket = import("node:net").Socket;

/** A minimal promise-based reader over a Node socket: what plain async/await code writes. */
function nodeReader(socket: NodeSocket) {
  const chunks: Uint8Array[] = [];
  let buffered = 0;
  let wake: (() => void) | null = null;
  socket.on("data", (chunk: Uint8Array) => {
    chunks.push(chunk);
    buffered += chunk.length;
    wake?.();
  });
  return async (n: number): Promise<void> => {
    while (buffered < n) await new Promise<void>((resolve) => wake = resolve);
    // Consume n bytes (the benchmark needs no copy of them).
    let left = n;
    while (left > 0) {
      const head = chunks[0];
      if (head.length <= left) {
        chunks.shift();
        left -= head.length;
      } else {
        chunks[0] = head.subarray(left);
        left = 0;
      }
    }
    buffered -= n;
  };
}

async function nodeCase(net: NodeNet, c: EchoCase): Promise<number> {
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    (async () => {
      for await (const chunk of socket) {
        if (!socket.write(chunk)) await new Promise((resolve) => socket.once("drain", resolve));
      }
      socket.end();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  const message = new Uint8Array(c.size).fill(120);
  const start = performance.now();
  await Promise.all(Array.from({ length: c.clients }, async () => {
    const socket = net.connect({ host: "127.0.0.1", port });
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.setNoDelay(true);
    const readExactly = nodeReader(socket);
    for (let i = 0; i < c.trips; i++) {
      if (!socket.write(message)) await new Promise((resolve) => socket.once("drain", resolve));
      await readExactly(c.size);
    }
    socket.end();
  }));
  const seconds = (performance.now() - start) / 1000;
  await new Promise((resolve) => server.close(resolve));
  return c.clients * c.trips * c.size / 1e6 / seconds;
}

async function nodeSpawn(): Promise<number> {
  const { spawn } = await import("node:child_process");
  const start = performance.now();
  for (let i = 0; i < SPAWNS; i++) {
    const child = spawn("cat", [], { stdio: ["pipe", "pipe", "inherit"] });
    const chunks: Uint8Array[] = [];
    child.stdout.on("data", (chunk: Uint8Array) => chunks.push(chunk));
    child.stdin.end("hello");
    await new Promise((resolve) => child.once("close", resolve));
  }
  return SPAWNS / ((performance.now() - start) / 1000);
}

// ---------------------------------------------------------------- the run

const report: IoReport = { runtime: isDeno ? "Deno" : "Node", echo: {}, spawn: { yieldio: [], plain: [] } };
const net: NodeNet | null = isDeno ? null : await import("node:net");
for (let round = 0; round < ROUNDS; round++) {
  for (const c of CASES) {
    const row = report.echo[label(c)] ??= { yieldio: [], plain: [] };
    // Alternate which side goes first, so neither always runs on a warmer process.
    const sides = round % 2 === 0 ? ["yieldio", "plain"] : ["plain", "yieldio"];
    for (const side of sides) {
      row[side].push(
        side === "yieldio" ? await yieldioCase(c) : isDeno ? await denoCase(c) : await nodeCase(net!, c),
      );
    }
  }
  report.spawn.yieldio.push(await yieldioSpawn());
  report.spawn.plain.push(isDeno ? await denoSpawn() : await nodeSpawn());
}
console.log(JSON.stringify(report));
