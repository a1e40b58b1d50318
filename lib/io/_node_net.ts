/**
 * The Node back end for sockets: `node:net` and `node:tls`, imported on
 * first use. A socket feeds its StreamReader straight from `data` events
 * (pausing the socket for flow control) and its StreamWriter writes with
 * `socket.write(chunk, callback)`, whose callbacks give the bytes in flight.
 * Node's Web Streams adapter (`Duplex.toWeb`) would add a copy and a promise
 * per chunk for nothing: the reader and writer are the same either way.
 *
 * Sockets are half-open (`allowHalfOpen`), as asyncio's streams: EOF from
 * the peer ends the reader, and the writer stays open until `close()`.
 * TCP_NODELAY is set, as asyncio does for every TCP connection.
 *
 * @module
 */

import type { Server as NetServer, Socket } from "node:net";
import type { EventLoop } from "../task/event_loop.ts";
import type { Coro } from "../task/yield_protocol.ts";
import { _nodeModule } from "./_host.ts";
import { _hostFuture, _settle } from "./_host_future.ts";
import { _track, _untrack } from "./_resources.ts";
import {
  _addressOf,
  type _ClientTls,
  type _Connection,
  type _Listener,
  _refused,
  _reset,
  type _ServerTls,
  type _Target,
} from "./_transport.ts";
import { StreamReader } from "./stream_reader.ts";
import { StreamWriter } from "./stream_writer.ts";

const RESET_CODES = new Set([
  "ECONNRESET",
  "EPIPE",
  "ECONNABORTED",
  "ERR_STREAM_DESTROYED",
  "ERR_STREAM_WRITE_AFTER_END",
]);

/** @internal Streams over a connected Node socket, tracked as open on `loop` until the socket closes. */
export function _nodeConnection(loop: EventLoop, socket: Socket, limit: number | undefined): _Connection {
  const local = socket.localPort === undefined
    ? socket.localAddress ?? ""
    : [socket.localAddress ?? "", socket.localPort] as const;
  const remote = socket.remotePort === undefined
    ? socket.remoteAddress ?? ""
    : [socket.remoteAddress ?? "", socket.remotePort] as const;
  const peer = typeof remote === "string" ? remote : remote.join(":");
  const translate = (error: unknown): unknown =>
    RESET_CODES.has((error as { code?: string })?.code ?? "") ? _reset(peer, error) : error;
  if (socket.remotePort !== undefined) socket.setNoDelay(true);
  const reader = new StreamReader({ limit });
  const writer = new StreamWriter({
    write(chunk, done) {
      socket.write(chunk, (error) => done(error ?? null));
    },
    close(done) {
      if (socket.destroyed) return done(null);
      socket.once("close", () => done(null));
      socket.once("finish", () => socket.destroy());
      socket.end();
    },
    abort() {
      // A reset while a shutdown (`end()`) is under way fails inside libuv
      // (EINVAL) and leaves the handle open, which Node 20 then spins on at
      // exit; the FIN is on its way, so a plain close is all that is left.
      if (socket.writableEnded) return void socket.destroy();
      try {
        socket.resetAndDestroy(); // TCP only: pipes and TLS sockets throw, and are destroyed below
      } catch {
        socket.destroy();
      }
    },
    translate,
  }, { extraInfo: { peername: remote, sockname: local } });
  const resource = {
    toString: () => `<socket ${typeof local === "string" ? local : local.join(":")} → ${peer}>`,
    close: () => writer.abort(),
  };
  _track(loop, resource);
  socket.pause();
  socket.on("data", (chunk: Uint8Array) => reader._feedData(chunk));
  socket.on("end", () => reader._feedEof());
  socket.on("error", (error) => {
    const failure = translate(error);
    reader._setException(failure);
    writer._fail(failure);
  });
  socket.on("close", () => {
    if (!reader.atEof() && reader.exception() === null) reader._feedEof();
    writer._closedByHost();
    _untrack(loop, resource);
  });
  reader._setSource({
    pause: () => socket.pause(),
    resume: () => socket.resume(),
    cancel: () => socket.destroy(),
  }, true);
  return { reader, writer };
}

/** @internal Connects with Node; a refused connection raises `ConnectionRefusedError`. */
export function* _nodeConnect(
  loop: EventLoop,
  target: _Target,
  tls: _ClientTls | null,
  limit: number | undefined,
): Coro<_Connection> {
  const net = yield* _nodeModule("net");
  const tlsModule = tls === null ? null : yield* _nodeModule("tls");
  const where = target.kind === "tcp" ? { host: target.host, port: target.port } : { path: target.path };
  const socket: Socket = tlsModule === null ? net.connect({ ...where, allowHalfOpen: true }) : tlsModule.connect({
    ...where,
    ca: tls?.caCerts === undefined ? undefined : [...tlsModule.rootCertificates, ...tls.caCerts],
    servername: tls?.serverName,
  });
  const ready = _hostFuture<unknown>(loop);
  const onError = (error: unknown) => _settle(ready, error);
  socket.once(tlsModule === null ? "connect" : "secureConnect", () => _settle(ready, null));
  socket.once("error", onError);
  let outcome: unknown;
  try {
    outcome = yield* ready;
  } catch (error) {
    socket.destroy();
    throw error;
  }
  socket.off("error", onError);
  if (outcome !== null) {
    socket.destroy();
    const code = (outcome as { code?: string })?.code;
    throw code === "ECONNREFUSED" || code === "ENOENT" ? _refused(target, outcome) : outcome;
  }
  return _nodeConnection(loop, socket, limit);
}

/** @internal Listens with Node; `onConnection` gets each accepted socket's streams. */
export function* _nodeListen(
  loop: EventLoop,
  target: _Target,
  tls: _ServerTls | null,
  limit: number | undefined,
  onConnection: (connection: _Connection) => void,
): Coro<_Listener> {
  const net = yield* _nodeModule("net");
  const tlsModule = tls === null ? null : yield* _nodeModule("tls");
  const accept = (socket: Socket) => onConnection(_nodeConnection(loop, socket, limit));
  const server: NetServer = tlsModule === null
    ? net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, accept)
    : tlsModule.createServer({ allowHalfOpen: true, pauseOnConnect: true, cert: tls?.cert, key: tls?.key }, accept);
  const ready = _hostFuture<unknown>(loop);
  const onError = (error: unknown) => _settle(ready, error);
  server.once("error", onError);
  if (target.kind === "tcp") server.listen(target.port, target.host, () => _settle(ready, null));
  else server.listen(target.path, () => _settle(ready, null));
  let outcome: unknown;
  try {
    outcome = yield* ready;
  } catch (error) {
    server.close();
    throw error;
  }
  if (outcome !== null) throw outcome;
  server.off("error", onError);
  const bound = server.address();
  const address = bound === null || typeof bound === "string"
    ? _addressOf(target)
    : [bound.address, bound.port] as const;
  return {
    addresses: [address],
    close(onClosed) {
      server.close(() => onClosed());
    },
  };
}
