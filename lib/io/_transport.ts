/**
 * What every socket back end hands the portable layer: a connected reader
 * and writer that share one host socket, and a listener. The back ends
 * (`_node_net.ts`, `_deno_net.ts`) build these; `open_connection.ts` and
 * `server.ts` use only this shape.
 *
 * A connection is an open resource from the moment it is made until its
 * host socket closes (our `close()`, an abort, or the peer); see
 * `_resources.ts`.
 *
 * @module
 */

import { ConnectionRefusedError, ConnectionResetError } from "./errors.ts";
import type { StreamReader } from "./stream_reader.ts";
import type { StreamWriter } from "./stream_writer.ts";

/** Where to connect or listen: a TCP host and port, or a Unix socket path. */
export type _Target =
  | { readonly kind: "tcp"; readonly host: string; readonly port: number }
  | { readonly kind: "unix"; readonly path: string };

/** TLS for a client: trust these CAs (PEM) on top of the system's, and check this name. */
export interface _ClientTls {
  caCerts?: readonly string[];
  serverName?: string;
}

/** TLS for a server: its certificate chain and key, PEM. */
export interface _ServerTls {
  cert: string;
  key: string;
}

/** A connected socket as streams. */
export interface _Connection {
  reader: StreamReader;
  writer: StreamWriter;
}

/** A listening socket. */
export interface _Listener {
  /** The bound addresses: `[host, port]` for TCP (the real port when 0 was asked), the path for Unix. */
  readonly addresses: readonly (readonly [string, number] | string)[];
  /** Stops accepting; `onClosed` runs once the host released the listening socket. */
  close(onClosed: () => void): void;
}

/** @internal `[host, port]` for TCP, the path for Unix: how `getExtraInfo` gives addresses (asyncio's shape). */
export function _addressOf(target: _Target): readonly [string, number] | string {
  return target.kind === "tcp" ? [target.host, target.port] : target.path;
}

/** @internal Text for a target: `127.0.0.1:8080` or `/tmp/socket`. */
export function _describeTarget(target: _Target): string {
  return target.kind === "tcp" ? `${target.host}:${target.port}` : target.path;
}

/** @internal A refused connect as `ConnectionRefusedError`, naming the target. */
export function _refused(target: _Target, cause: unknown): ConnectionRefusedError {
  return target.kind === "tcp"
    ? new ConnectionRefusedError(target.host, target.port, { cause })
    : new ConnectionRefusedError(target.path, null, { cause });
}

/** @internal A reset or broken pipe as `ConnectionResetError`, naming the peer. */
export function _reset(peer: string, cause: unknown): ConnectionResetError {
  return new ConnectionResetError(`the connection to ${peer} was reset by the peer`, { cause });
}
