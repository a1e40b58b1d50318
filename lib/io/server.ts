/**
 * startServer / startUnixServer and the Server they return (asyncio's
 * `start_server` and `Server`).
 *
 * Each accepted connection gets its own task running the handler; the
 * connection closes when the handler returns or fails. A handler that fails
 * is reported through the loop's exception handler (asyncio: "Unhandled
 * exception in client_connected_cb") and closes its own connection only: the
 * handler tasks are not a TaskGroup, so one client's failure never cancels
 * the others or the server.
 *
 * Closing the server (`close()`, or cancelling `serveForever()`) stops
 * accepting at once, gives the handlers `gracePeriod` ms to finish, then
 * cancels those still running; each one's connection closes as it ends.
 * `waitClosed()` returns once the listener and every connection are closed.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { CancelledError } from "../errors.ts";
import type { EventLoop } from "../task/event_loop.ts";
import type { Future } from "../task/future.ts";
import { getRunningLoop } from "../task/running_loop.ts";
import type { Task } from "../task/task.ts";
import type { Coro } from "../task/yield_protocol.ts";
import { _denoListen } from "./_deno_net.ts";
import { _hostFuture, _settle } from "./_host_future.ts";
import { _nodeListen } from "./_node_net.ts";
import { _track, _untrack } from "./_resources.ts";
import type { _Connection, _Listener, _Target } from "./_transport.ts";
import { _checkPath, _checkTcp, _requireSockets } from "./open_connection.ts";
import type { StreamReader } from "./stream_reader.ts";
import type { StreamWriter } from "./stream_writer.ts";

/** What a server runs for each connection: a generator function of the connection's two streams. */
export type ConnectionHandler = (reader: StreamReader, writer: StreamWriter) => Coro<unknown>;

/** Options for {@linkcode startServer}. */
export interface StartServerOptions {
  /** Each connection's reader limit in bytes (default 64 KiB). */
  limit?: number;
  /** Ms the handlers may still run after the server closes, before they are cancelled. Default 0. */
  gracePeriod?: number;
  /** Serve TLS with this certificate chain and key (PEM). Default: plain TCP. */
  tls?: { cert: string; key: string };
}

/**
 * A listening server (asyncio's `Server`). Made by {@linkcode startServer}.
 *
 * @example Closing with a grace period: a quick handler finishes, a slow one is cancelled
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { run, sleep } from "yieldio";
 * import { openConnection, startServer } from "yieldio/io";
 * const replies = await run(function* () {
 *   const server = yield* startServer(function* (reader, writer) {
 *     const ms = Number(new TextDecoder().decode(yield* reader.readline()));
 *     yield* sleep(ms);
 *     writer.write(`slept ${ms}\n`);
 *   }, "127.0.0.1", 0, { gracePeriod: 50 });
 *   const [, port] = server.addresses()[0] as [string, number];
 *   const [quickReader, quickWriter] = yield* openConnection("127.0.0.1", port);
 *   const [slowReader, slowWriter] = yield* openConnection("127.0.0.1", port);
 *   quickWriter.write("10\n");
 *   slowWriter.write("10000\n");
 *   yield* sleep(5);
 *   server.close(); // stops accepting; handlers get 50 ms, then are cancelled
 *   yield* server.waitClosed();
 *   const got = [yield* quickReader.read(), yield* slowReader.read()].map((b) => new TextDecoder().decode(b));
 *   quickWriter.close();
 *   slowWriter.close();
 *   return got;
 * });
 * assertEquals(replies, ["slept 10\n", ""]);
 * ```
 */
export class Server {
  #loop: EventLoop;
  #handler: ConnectionHandler;
  #gracePeriod: number;
  #listener: _Listener | null = null;
  #state: "serving" | "closing" | "closed" = "serving";
  // Invariant: a task is in #handlers from its creation until it is done.
  #handlers = new Set<Task<void>>();
  #listenerClosed = false;
  #closeWaiters: Future<void>[] = [];
  #description: string;

  /** @internal Servers are made by `startServer` and `startUnixServer`. */
  constructor(loop: EventLoop, handler: ConnectionHandler, gracePeriod: number, description: string) {
    this.#loop = loop;
    this.#handler = handler;
    this.#gracePeriod = gracePeriod;
    this.#description = description;
  }

  /** @internal Attaches the listening socket. */
  _listen(listener: _Listener): void {
    this.#listener = listener;
    _track(this.#loop, this);
  }

  /** @internal Starts the handler task of one accepted connection. */
  _accept({ reader, writer }: _Connection): void {
    if (this.#state !== "serving" || this.#loop.isClosed()) return writer.abort();
    const peer = writer.getExtraInfo("peername");
    const name = `connection ${Array.isArray(peer) ? peer.join(":") : String(peer)}`;
    const task = this.#loop.createTask(this.#serve(reader, writer), { name });
    this.#handlers.add(task);
    task.addDoneCallback(() => {
      this.#handlers.delete(task);
      this.#maybeClosed();
    });
  }

  /**
   * Where the server listens (asyncio's `Server.sockets`, as addresses): how
   * to learn the port the system chose for port 0.
   * @returns The bound addresses: `[host, port]` each (the real port when 0 was asked), or a Unix path.
   */
  addresses(): (readonly [string, number] | string)[] {
    return [...(this.#listener?.addresses ?? [])];
  }

  /**
   * Like asyncio's `Server.is_serving()`.
   * @returns Whether it still accepts connections.
   */
  isServing(): boolean {
    return this.#state === "serving";
  }

  /**
   * The handler tasks still running: `close()` lets them finish, up to its grace period.
   * @returns How many connection handlers are running.
   */
  connectionCount(): number {
    return this.#handlers.size;
  }

  /**
   * Stops accepting; after the grace period cancels the handlers still
   * running. Idempotent; returns at once (see `waitClosed`).
   */
  close(): void {
    if (this.#state !== "serving") return;
    this.#state = "closing";
    this.#listener?.close(() => {
      this.#listenerClosed = true;
      this.#maybeClosed();
    });
    const cancelAll = () => {
      for (const task of this.#handlers) task.cancel("the server is closing");
    };
    if (this.#gracePeriod > 0) this.#loop.callLater(this.#gracePeriod, cancelAll);
    else cancelAll();
  }

  /**
   * Waits until the listener and every connection are closed.
   *
   * @returns A coroutine to `yield*`.
   */
  *waitClosed(): Coro<void> {
    if (this.#state === "closed") return;
    const waiter = _hostFuture<void>(this.#loop);
    this.#closeWaiters.push(waiter);
    yield* waiter;
  }

  /**
   * Serves until cancelled (asyncio's `serve_forever`): the cancellable
   * scope of the server. Cancelling it closes the server, lets the handlers
   * finish within the grace period, waits until everything is closed, then
   * raises the `CancelledError`.
   *
   * @returns A coroutine that never returns normally.
   * @throws {CancelledError} When cancelled, after the server closed.
   */
  *serveForever(): Coro<never> {
    try {
      yield* _hostFuture<never>(this.#loop);
      throw new Error("unreachable: a future nobody resolves resolved");
    } finally {
      this.close();
      yield* this.waitClosed();
    }
  }

  /**
   * Describes the server for messages and `console.log`.
   * @returns e.g. `<Server 127.0.0.1:8080 serving connections=2>`.
   */
  toString(): string {
    return `<Server ${this.#description} ${this.#state} connections=${this.#handlers.size}>`;
  }

  *#serve(reader: StreamReader, writer: StreamWriter): Coro<void> {
    try {
      const body = this.#handler(reader, writer);
      yield* body;
    } catch (error) {
      if (error instanceof CancelledError) throw error;
      // asyncio (3.13): the failure goes to the exception handler and only this connection closes.
      this.#loop.callExceptionHandler({
        message: "Unhandled exception in client_connected_cb",
        exception: error,
        transport: String(writer),
      });
    } finally {
      writer.close();
    }
  }

  #maybeClosed(): void {
    if (this.#state !== "closing" || !this.#listenerClosed || this.#handlers.size > 0) return;
    this.#state = "closed";
    _untrack(this.#loop, this);
    for (const waiter of this.#closeWaiters.splice(0)) _settle(waiter, undefined);
  }
}

function checkOptions(options: StartServerOptions | undefined, caller: string): number {
  const grace = options?.gracePeriod ?? 0;
  if (typeof grace !== "number" || Number.isNaN(grace) || grace < 0) {
    throw new RangeError(`${caller}'s gracePeriod must be a number of ms, 0 or more, got ${describeValue(grace)}`);
  }
  return grace;
}

function* listen(
  handler: ConnectionHandler,
  target: _Target,
  options: StartServerOptions | undefined,
  caller: string,
): Coro<Server> {
  if (typeof handler !== "function") {
    throw new TypeError(`${caller} expects a handler (a generator function), got ${describeValue(handler)}`);
  }
  const grace = checkOptions(options, caller);
  const host = _requireSockets(caller);
  const loop = getRunningLoop();
  const where = target.kind === "tcp" ? `${target.host}:${target.port}` : target.path;
  const server = new Server(loop, handler, grace, where);
  const accept = (connection: _Connection) => server._accept(connection);
  const tls = options?.tls ?? null;
  server._listen(
    host === "deno"
      ? _denoListen(loop, target, tls, options?.limit, accept)
      : yield* _nodeListen(loop, target, tls, options?.limit, accept),
  );
  return server;
}

/**
 * Starts a TCP (or TLS) server on `host:port` that runs `handler` for each
 * connection in its own task (asyncio's `start_server`).
 *
 * @param handler `function* (reader, writer) { ... }`; the connection closes when it returns or fails.
 * @param host The address to bind, e.g. `"127.0.0.1"` or `"0.0.0.0"`.
 * @param port 0 to 65535; 0 picks a free port (read it from `addresses()`).
 * @param options The readers' `limit`, the `gracePeriod` at close, `tls`.
 * @returns A coroutine of the serving {@linkcode Server}.
 * @throws {RangeError} When `port` is out of range or `gracePeriod` negative.
 * @throws {TypeError} When `handler` is not a function, `host` not a string, or in a browser.
 *
 * @example An echo server, served until cancelled
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createTask, run } from "yieldio";
 * import { openConnection, startServer, type StreamReader, type StreamWriter } from "yieldio/io";
 * function* echo(reader: StreamReader, writer: StreamWriter) {
 *   for (let line = yield* reader.readline(); line.length > 0; line = yield* reader.readline()) {
 *     writer.write(line);
 *     yield* writer.drain();
 *   }
 * }
 * const replies = await run(function* () {
 *   const server = yield* startServer(echo, "127.0.0.1", 0);
 *   const serving = createTask(server.serveForever());
 *   const [, port] = server.addresses()[0] as [string, number];
 *   const [reader, writer] = yield* openConnection("127.0.0.1", port);
 *   writer.write("one\ntwo\n");
 *   const got = [yield* reader.readline(), yield* reader.readline()].map((b) => new TextDecoder().decode(b));
 *   writer.close();
 *   serving.cancel();
 *   return got;
 * });
 * assertEquals(replies, ["one\n", "two\n"]);
 * ```
 */
export function* startServer(
  handler: ConnectionHandler,
  host: string,
  port: number,
  options?: StartServerOptions,
): Coro<Server> {
  return yield* listen(handler, _checkTcp(host, port, "startServer", true), options, "startServer");
}

/**
 * Starts a server on a Unix domain socket (asyncio's `start_unix_server`).
 *
 * @param handler `function* (reader, writer) { ... }`.
 * @param path Where to create the socket (it must not exist).
 * @param options The readers' `limit` and the `gracePeriod` at close.
 * @returns A coroutine of the serving {@linkcode Server}.
 * @throws {TypeError} When `path` is not a non-empty string, or in a browser.
 *
 * @example A server and a client on a Unix socket
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { run } from "yieldio";
 * import { openUnixConnection, startUnixServer } from "yieldio/io";
 * const path = `/tmp/yieldio-doc-${Date.now()}.sock`;
 * const reply = await run(function* () {
 *   const server = yield* startUnixServer(function* (reader, writer) {
 *     writer.write(yield* reader.readline());
 *   }, path);
 *   const [reader, writer] = yield* openUnixConnection(path);
 *   writer.write("over a unix socket\n");
 *   const line = new TextDecoder().decode(yield* reader.readline());
 *   writer.close();
 *   server.close();
 *   yield* server.waitClosed();
 *   return line;
 * });
 * assertEquals(reply, "over a unix socket\n");
 * ```
 */
export function* startUnixServer(
  handler: ConnectionHandler,
  path: string,
  options?: Omit<StartServerOptions, "tls">,
): Coro<Server> {
  return yield* listen(handler, _checkPath(path, "startUnixServer"), options, "startUnixServer");
}
