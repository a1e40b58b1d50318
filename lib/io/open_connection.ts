/**
 * openConnection / openUnixConnection: asyncio's `open_connection` and
 * `open_unix_connection`, on Deno's or Node's sockets, chosen by feature
 * test. The arguments are checked here, once, for every back end.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { getRunningLoop } from "../task/running_loop.ts";
import type { Coro } from "../task/yield_protocol.ts";
import { _denoConnect } from "./_deno_net.ts";
import { _host } from "./_host.ts";
import { _nodeConnect } from "./_node_net.ts";
import type { _ClientTls, _Connection, _Target } from "./_transport.ts";
import type { StreamReader } from "./stream_reader.ts";
import type { StreamWriter } from "./stream_writer.ts";

/** TLS options for {@linkcode openConnection}. */
export interface TlsClientOptions {
  /** Extra trusted CA certificates, PEM (e.g. a test server's self-signed one). Default: the system's only. */
  caCerts?: readonly string[];
  /** The name the certificate must carry, when it is not `host` (Node only; Deno checks `host`). */
  serverName?: string;
}

/** Options for {@linkcode openConnection}. */
export interface OpenConnectionOptions {
  /** The reader's limit in bytes (default 64 KiB). */
  limit?: number;
  /** Connect with TLS: `true` for the system's CAs, or options. Default: plain TCP. */
  tls?: boolean | TlsClientOptions;
}

/** @internal Checks a TCP host and port; `allowZero` for listening. */
export function _checkTcp(host: unknown, port: unknown, caller: string, allowZero: boolean): _Target {
  if (typeof host !== "string" || host === "") {
    throw new TypeError(`${caller} expects a host name or address, got ${describeValue(host)}`);
  }
  if (typeof port !== "number") throw new TypeError(`${caller} expects a port number, got ${describeValue(port)}`);
  if (!Number.isInteger(port) || port < (allowZero ? 0 : 1) || port > 65535) {
    throw new RangeError(`${caller} expects a port from ${allowZero ? 0 : 1} to 65535, got ${describeValue(port)}`);
  }
  return { kind: "tcp", host, port };
}

/** @internal Checks a Unix socket path. */
export function _checkPath(path: unknown, caller: string): _Target {
  if (typeof path !== "string" || path === "") {
    throw new TypeError(`${caller} expects a socket path, got ${describeValue(path)}`);
  }
  return { kind: "unix", path };
}

/** @internal Throws unless this host has sockets and processes (Deno, Node). */
export function _requireSockets(caller: string, what = "sockets"): "deno" | "node" {
  const host = _host();
  if (host === "other") {
    throw new TypeError(`${caller} needs ${what}, which only Deno and Node have; in a browser use fetch or WebSocket`);
  }
  return host;
}

function* connect(target: _Target, options: OpenConnectionOptions | undefined, caller: string): Coro<_Connection> {
  const host = _requireSockets(caller);
  const tls = options?.tls === undefined || options.tls === false ? null : options.tls === true ? {} : options.tls;
  const loop = getRunningLoop();
  return host === "deno"
    ? yield* _denoConnect(loop, target, tls as _ClientTls | null, options?.limit)
    : yield* _nodeConnect(loop, target, tls as _ClientTls | null, options?.limit);
}

/**
 * Connects to `host:port` over TCP (or TLS) and returns the connection's
 * two streams. Closing the writer closes the connection.
 *
 * @param host A host name or address.
 * @param port 1 to 65535.
 * @param options The reader's `limit`; `tls`.
 * @returns A coroutine of `[reader, writer]`.
 * @throws {ConnectionRefusedError} When nothing listens there (naming host and port).
 * @throws {RangeError} When `port` is not an integer from 1 to 65535.
 * @throws {TypeError} When `host` is not a non-empty string, or in a browser (no sockets).
 *
 * @example A client and a server on a free port
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { run } from "yieldio";
 * import { openConnection, startServer, type StreamReader, type StreamWriter } from "yieldio/io";
 * const reply = await run(function* () {
 *   const server = yield* startServer(function* (reader: StreamReader, writer: StreamWriter) {
 *     writer.write(yield* reader.readline());
 *   }, "127.0.0.1", 0);
 *   const [, port] = server.addresses()[0] as [string, number];
 *   const [reader, writer] = yield* openConnection("127.0.0.1", port);
 *   writer.write("ping\n");
 *   const line = new TextDecoder().decode(yield* reader.readline());
 *   writer.close();
 *   server.close();
 *   yield* server.waitClosed();
 *   return line;
 * });
 * assertEquals(reply, "ping\n");
 * ```
 */
export function* openConnection(
  host: string,
  port: number,
  options?: OpenConnectionOptions,
): Coro<[StreamReader, StreamWriter]> {
  const { reader, writer } = yield* connect(_checkTcp(host, port, "openConnection", false), options, "openConnection");
  return [reader, writer];
}

/**
 * Connects to a Unix domain socket and returns the connection's two
 * streams (asyncio's `open_unix_connection`).
 *
 * @param path The socket's path.
 * @param options The reader's `limit`.
 * @returns A coroutine of `[reader, writer]`.
 * @throws {ConnectionRefusedError} When nothing listens at `path`.
 * @throws {TypeError} When `path` is not a non-empty string, or in a browser.
 *
 * @example Nothing listens at that path
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { run } from "yieldio";
 * import { ConnectionRefusedError, openUnixConnection } from "yieldio/io";
 * const refused = await run(function* () {
 *   try {
 *     yield* openUnixConnection("/tmp/yieldio-nothing-here.sock");
 *   } catch (e) {
 *     return e instanceof ConnectionRefusedError ? e.host : e;
 *   }
 * });
 * assertEquals(refused, "/tmp/yieldio-nothing-here.sock");
 * ```
 */
export function* openUnixConnection(
  path: string,
  options?: Omit<OpenConnectionOptions, "tls">,
): Coro<[StreamReader, StreamWriter]> {
  const target = _checkPath(path, "openUnixConnection");
  const { reader, writer } = yield* connect(target, { limit: options?.limit }, "openUnixConnection");
  return [reader, writer];
}
