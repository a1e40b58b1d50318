/**
 * openConnection and startServer over real sockets on 127.0.0.1, in Deno and
 * in Node (the bundled suite); registered only where the host has sockets
 * (not in browsers). Cases named "(test_x)" port CPython's
 * test_asyncio/test_streams.py. Real time: the sockets are the thing tested.
 */

import { assert, assertEquals, assertInstanceOf, assertStringIncludes } from "@std/assert";
import { CancelledError, createTask, type ExceptionContext, getRunningLoop, run, sleep } from "../../mod.ts";
import {
  ConnectionRefusedError,
  ConnectionResetError,
  openConnection,
  openUnixConnection,
  type Server,
  startServer,
  startUnixServer,
  type StreamReader,
  type StreamWriter,
} from "../../lib/io/mod.ts";
import { _openResources } from "../../lib/io/_resources.ts";
import { caught } from "../_support/caught.ts";
import { hasHostIo, isDeno, text } from "./_helpers.ts";
import { CERT, KEY } from "./_tls.ts";

const HOST = "127.0.0.1";

function test(name: string, fn: () => Promise<void>): void {
  if (hasHostIo) Deno.test(name, fn);
}

function portOf(server: Server): number {
  return (server.addresses()[0] as [string, number])[1];
}

function* echo(reader: StreamReader, writer: StreamWriter) {
  for (let line = yield* reader.readline(); line.length > 0; line = yield* reader.readline()) {
    writer.write(line);
    yield* writer.drain();
  }
}

function* stop(server: Server) {
  server.close();
  yield* server.waitClosed();
}

test("(test_open_connection, test_start_server) a client's lines come back from an echo server", async () => {
  const lines = await run(function* () {
    const server = yield* startServer(echo, HOST, 0);
    const [reader, writer] = yield* openConnection(HOST, portOf(server));
    writer.write("GET / HTTP/1.0\r\n\r\n");
    const got = [text(yield* reader.readline()), text(yield* reader.readline())];
    writer.close();
    yield* writer.waitClosed();
    yield* stop(server);
    return got;
  });
  assertEquals(lines, ["GET / HTTP/1.0\r\n", "\r\n"]);
});

test("port 0 binds a free port, which addresses() reports", async () => {
  const [address, serving] = await run(function* () {
    const server = yield* startServer(echo, HOST, 0);
    const result = [server.addresses()[0], server.isServing()] as const;
    yield* stop(server);
    return result;
  });
  assertEquals(address[0], HOST);
  assert(typeof address[1] === "number" && address[1] > 0, `bound ${address}`);
  assertEquals(serving, true);
});

test("getExtraInfo gives the peer and local addresses on both ends", async () => {
  const [client, handler] = await run(function* () {
    let seen: unknown[] = [];
    const server = yield* startServer(
      function* (_reader, writer) {
        seen = [writer.getExtraInfo("peername"), writer.getExtraInfo("sockname")];
      },
      HOST,
      0,
    );
    const [reader, writer] = yield* openConnection(HOST, portOf(server));
    yield* reader.read();
    const mine = [writer.getExtraInfo("peername"), writer.getExtraInfo("sockname"), writer.getExtraInfo("pid", "-")];
    writer.close();
    yield* stop(server);
    return [mine, seen];
  });
  assertEquals(client[0], [HOST, (handler[1] as [string, number])[1]]);
  assertEquals(handler[0], client[1]);
  assertEquals(client[2], "-");
});

test("a refused connection is a ConnectionRefusedError naming host and port", async () => {
  const error = await run(function* () {
    const server = yield* startServer(echo, HOST, 0);
    const port = portOf(server);
    yield* stop(server);
    return yield* caught(openConnection(HOST, port));
  });
  assertInstanceOf(error, ConnectionRefusedError);
  assertEquals(error.host, HOST);
  assert(typeof error.port === "number" && error.port > 0);
  assertStringIncludes(error.message, `connection to ${HOST}:${error.port} was refused`);
});

test("an invalid port is a RangeError and a bad host a TypeError, naming the value", async () => {
  const errors = await run(function* () {
    return [
      yield* caught(openConnection(HOST, 70000)),
      yield* caught(openConnection(HOST, 0)),
      yield* caught(openConnection(HOST, "80" as unknown as number)),
      yield* caught(openConnection("", 80)),
      yield* caught(startServer(echo, HOST, -1)),
    ].map((e) => `${(e as Error).name}: ${(e as Error).message}`);
  });
  assertEquals(errors, [
    "RangeError: openConnection expects a port from 1 to 65535, got 70000 (a number)",
    "RangeError: openConnection expects a port from 1 to 65535, got 0 (a number)",
    'TypeError: openConnection expects a port number, got "80" (a string)',
    'TypeError: openConnection expects a host name or address, got "" (a string)',
    "RangeError: startServer expects a port from 0 to 65535, got -1 (a number)",
  ]);
});

test("a handler that fails is reported to the exception handler and closes only its own connection", async () => {
  const [reports, otherReply, serving] = await run(function* () {
    const reports: ExceptionContext[] = [];
    getRunningLoop().setExceptionHandler((_loop, context) => reports.push(context));
    const server = yield* startServer(
      function* (reader, writer) {
        const line = text(yield* reader.readline());
        if (line === "fail\n") throw new Error("handler bug");
        writer.write(line);
      },
      HOST,
      0,
    );
    const [goodReader, goodWriter] = yield* openConnection(HOST, portOf(server));
    const [badReader, badWriter] = yield* openConnection(HOST, portOf(server));
    badWriter.write("fail\n");
    const closedBad = yield* badReader.read();
    goodWriter.write("still here\n");
    const otherReply = text(yield* goodReader.readline());
    const serving = server.isServing();
    goodWriter.close();
    badWriter.close();
    yield* stop(server);
    return [reports, `${otherReply}|${closedBad.length}`, serving];
  });
  assertEquals(reports.map((r) => [r.message, (r.exception as Error).message]), [
    ["Unhandled exception in client_connected_cb", "handler bug"],
  ]);
  assertEquals([otherReply, serving], ["still here\n|0", true]);
});

test("close() stops accepting, gives handlers the grace period, then cancels them and closes their sockets", async () => {
  const log = await run(function* () {
    const log: string[] = [];
    const server = yield* startServer(
      function* (reader, writer) {
        const line = text(yield* reader.readline()).trim();
        try {
          yield* sleep(line === "quick" ? 10 : 10_000);
          writer.write(`${line} done\n`);
        } catch (e) {
          if (e instanceof CancelledError) log.push(`${line} cancelled`);
          throw e;
        }
      },
      HOST,
      0,
      { gracePeriod: 100 },
    );
    const port = portOf(server);
    const [quickReader, quickWriter] = yield* openConnection(HOST, port);
    const [slowReader, slowWriter] = yield* openConnection(HOST, port);
    quickWriter.write("quick\n");
    slowWriter.write("slow\n");
    yield* sleep(5);
    server.close();
    log.push(`serving: ${server.isServing()}`);
    yield* server.waitClosed();
    log.push(`refused: ${(yield* caught(openConnection(HOST, port))) instanceof ConnectionRefusedError}`);
    log.push(`quick got: ${text(yield* quickReader.read()).trim()}`);
    log.push(`slow got: ${(yield* slowReader.read()).length} bytes`);
    quickWriter.close();
    slowWriter.close();
    return log;
  });
  assertEquals(log, [
    "serving: false",
    "slow cancelled",
    "refused: true",
    "quick got: quick done",
    "slow got: 0 bytes",
  ]);
});

test("cancelling serveForever() closes the server, cancels handlers and leaves nothing open", async () => {
  const [error, left, eof] = await run(function* () {
    const loop = getRunningLoop();
    const server = yield* startServer(echo, HOST, 0);
    const serving = createTask(server.serveForever());
    const [reader, writer] = yield* openConnection(HOST, portOf(server));
    writer.write("hi\n");
    yield* reader.readline();
    serving.cancel();
    const error = yield* caught(serving);
    const eof = (yield* reader.read()).length;
    writer.close();
    yield* writer.waitClosed();
    return [error, _openResources(loop).map(String), eof];
  });
  assertInstanceOf(error, CancelledError);
  assertEquals([left, eof], [[], 0]);
});

test("a peer that resets mid-write makes drain() raise ConnectionResetError", async () => {
  const error = await run(function* () {
    const server = yield* startServer(
      function* (reader, writer) {
        yield* reader.readexactly(1);
        writer.abort();
      },
      HOST,
      0,
    );
    const [, writer] = yield* openConnection(HOST, portOf(server));
    const chunk = new Uint8Array(64 * 1024);
    let error: unknown = null;
    for (let i = 0; i < 2000 && error === null; i++) {
      try {
        writer.write(chunk);
        yield* writer.drain();
      } catch (e) {
        error = e;
      }
    }
    writer.abort();
    yield* stop(server);
    return error;
  });
  assertInstanceOf(error, ConnectionResetError);
  assertStringIncludes(error.message, `the connection to ${HOST}:`);
});

test("ten clients at once are each served by their own handler", async () => {
  const replies = await run(function* () {
    const server = yield* startServer(echo, HOST, 0);
    const port = portOf(server);
    const clients = Array.from({ length: 10 }, (_, i) =>
      createTask(function* () {
        const [reader, writer] = yield* openConnection(HOST, port);
        writer.write(`client ${i}\n`);
        const line = text(yield* reader.readline());
        writer.close();
        yield* writer.waitClosed();
        return line;
      }()));
    const out: string[] = [];
    for (const client of clients) out.push(yield* client);
    yield* stop(server);
    return out;
  });
  assertEquals(replies, Array.from({ length: 10 }, (_, i) => `client ${i}\n`));
});

test("(test_open_unix_connection, test_start_unix_server) a Unix socket echoes like TCP", async () => {
  const path = `/tmp/yieldio-test-${Math.random().toString(36).slice(2)}.sock`;
  const line = await run(function* () {
    const server = yield* startUnixServer(echo, path);
    const [reader, writer] = yield* openUnixConnection(path);
    writer.write("over a unix socket\n");
    const line = text(yield* reader.readline());
    writer.close();
    yield* stop(server);
    return [line, server.addresses()[0]];
  });
  assertEquals(line, ["over a unix socket\n", path]);
  if (isDeno) await Deno.remove(path).catch(() => {});
});

test("TLS: a client trusting the server's certificate talks to it", async () => {
  const line = await run(function* () {
    const server = yield* startServer(echo, HOST, 0, { tls: { cert: CERT, key: KEY } });
    const [reader, writer] = yield* openConnection(HOST, portOf(server), { tls: { caCerts: [CERT] } });
    writer.write("secret\n");
    const line = text(yield* reader.readline());
    writer.close();
    yield* writer.waitClosed();
    yield* stop(server);
    return line;
  });
  assertEquals(line, "secret\n");
});
