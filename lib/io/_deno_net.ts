/**
 * The Deno back end for sockets: `Deno.connect`, `Deno.connectTls`,
 * `Deno.listen`, `Deno.listenTls`. A connection is read with `conn.read()`
 * into one buffer per connection (the reader copies out of it) and written
 * with `conn.write()`, one write at a time in order. Not `conn.readable` /
 * `conn.writable`: in Deno those close the whole socket when the peer's EOF
 * is read or the writable side closes, which would break half-open streams
 * (read to EOF, then answer), which asyncio's streams allow.
 *
 * @module
 */

import { fromPromise } from "../task/from_promise.ts";
import type { EventLoop } from "../task/event_loop.ts";
import type { Coro } from "../task/yield_protocol.ts";
import { _pumpInto } from "./_pump.ts";
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

/** Bytes asked of the host per read (asyncio reads up to 256 KiB; 64 KiB matches what a socket delivers). */
const READ_SIZE = 64 * 1024;

/**
 * Reads land in a slab and are handed to the reader as views of it, never
 * copied: a fresh slab is taken when the current one has less than a read's
 * room left, and the old one lives as long as the chunks cut from it.
 */
const SLAB_SIZE = 4 * READ_SIZE;

function addressOf(addr: Deno.Addr): readonly [string, number] | string {
  if (addr.transport === "tcp" || addr.transport === "udp") return [addr.hostname, addr.port];
  return "path" in addr ? addr.path ?? "" : "";
}

function describe(address: readonly [string, number] | string): string {
  return typeof address === "string" ? address : address.join(":");
}

/** @internal Streams over a connected Deno socket, tracked as open on `loop` until it closes. */
export function _denoConnection(loop: EventLoop, conn: Deno.Conn, limit: number | undefined): _Connection {
  const remote = addressOf(conn.remoteAddr);
  const local = addressOf(conn.localAddr);
  const peer = describe(remote);
  let closed = false;
  const release = (): void => {
    if (closed) return;
    closed = true;
    try {
      conn.close();
    } catch {
      // Already closed by the host.
    }
    _untrack(loop, resource);
  };
  const translate = (error: unknown): unknown => {
    if (closed || error instanceof Deno.errors.BadResource || error instanceof Deno.errors.Interrupted) return null;
    if (error instanceof Deno.errors.ConnectionReset || error instanceof Deno.errors.BrokenPipe) {
      return _reset(peer, error);
    }
    return error;
  };
  if ("setNoDelay" in conn) (conn as Deno.TcpConn).setNoDelay(true);
  let tail: Promise<unknown> = Promise.resolve();
  const writer = new StreamWriter({
    write(chunk, done) {
      tail = tail.then(async () => {
        for (let at = 0; at < chunk.length;) at += await conn.write(at === 0 ? chunk : chunk.subarray(at));
      });
      tail.then(() => done(null), (error) => done(translate(error)));
    },
    close(done) {
      tail.then(release, release).then(() => done(null));
    },
    abort() {
      release();
    },
    translate,
  }, { extraInfo: { peername: remote, sockname: local } });
  const resource = { toString: () => `<socket ${describe(local)} → ${peer}>`, close: () => writer.abort() };
  _track(loop, resource);
  writer._onClosed(release);
  const reader = new StreamReader({ limit });
  let slab = new Uint8Array(SLAB_SIZE);
  let used = 0;
  _pumpInto(reader, {
    async read() {
      if (SLAB_SIZE - used < READ_SIZE) {
        slab = new Uint8Array(SLAB_SIZE);
        used = 0;
      }
      const at = used;
      const n = await conn.read(slab.subarray(at, at + READ_SIZE));
      if (n === null) return null;
      used += n;
      return slab.subarray(at, at + n);
    },
    cancel: release,
    translate,
    onEnd() {
      const failure = reader.exception();
      if (failure === null) return;
      writer._fail(failure);
      writer._closedByHost();
    },
  });
  return { reader, writer };
}

/** @internal Connects with Deno; a refused connection raises `ConnectionRefusedError`. */
export function* _denoConnect(
  loop: EventLoop,
  target: _Target,
  tls: _ClientTls | null,
  limit: number | undefined,
): Coro<_Connection> {
  const connecting: Promise<Deno.Conn> = target.kind === "unix"
    ? Deno.connect({ transport: "unix", path: target.path })
    : tls === null
    ? Deno.connect({ hostname: target.host, port: target.port })
    : Deno.connectTls({
      hostname: target.host,
      port: target.port,
      caCerts: tls.caCerts ? [...tls.caCerts] : undefined,
    });
  let conn: Deno.Conn;
  try {
    conn = yield* fromPromise(connecting);
  } catch (error) {
    connecting.then((late) => late.close(), () => {});
    if (error instanceof Deno.errors.ConnectionRefused || error instanceof Deno.errors.NotFound) {
      throw _refused(target, error);
    }
    throw error;
  }
  return _denoConnection(loop, conn, limit);
}

/** @internal Listens with Deno; `onConnection` gets each accepted connection's streams. */
export function _denoListen(
  loop: EventLoop,
  target: _Target,
  tls: _ServerTls | null,
  limit: number | undefined,
  onConnection: (connection: _Connection) => void,
): _Listener {
  const listener: Deno.Listener = target.kind === "unix"
    ? Deno.listen({ transport: "unix", path: target.path })
    : tls === null
    ? Deno.listen({ hostname: target.host, port: target.port })
    : Deno.listenTls({ hostname: target.host, port: target.port, cert: tls.cert, key: tls.key });
  let closed = false;
  // The listening socket is released once the pending accept has failed: only then does a connect get refused.
  const acceptLoop = (async () => {
    while (!closed) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch (error) {
        if (closed) return;
        // A failed handshake or an aborted connection ends that one accept, not the server.
        if (error instanceof Deno.errors.BadResource) return;
        continue;
      }
      if (closed) conn.close();
      else onConnection(_denoConnection(loop, conn, limit));
    }
  })();
  const bound = addressOf(listener.addr);
  return {
    addresses: [typeof bound === "string" ? _addressOf(target) : bound],
    close(onClosed) {
      closed = true;
      listener.close();
      acceptLoop.then(onClosed);
    },
  };
}
