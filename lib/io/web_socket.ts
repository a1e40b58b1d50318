/**
 * openWebSocket: a WebSocket client as a coroutine API, wherever the host
 * has the standard `WebSocket` (browsers, Deno, Node 22+). Messages queue
 * as they arrive (a WebSocket cannot be told to wait) and `receive()` takes
 * them in order; after the close every queued message is still received,
 * then `receive()` returns null (a clean close) or raises
 * `ConnectionResetError` (the connection was lost).
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { InvalidStateError } from "../errors.ts";
import type { EventLoop } from "../task/event_loop.ts";
import type { Future } from "../task/future.ts";
import { getRunningLoop } from "../task/running_loop.ts";
import type { Coro } from "../task/yield_protocol.ts";
import { ConnectionError, ConnectionResetError } from "./errors.ts";
import { _hostFuture, _settle } from "./_host_future.ts";
import { _track, _untrack } from "./_resources.ts";

/** A message: text, or bytes for a binary frame. */
export type WebSocketMessage = string | Uint8Array;

/**
 * An open WebSocket. Made by {@linkcode openWebSocket}.
 *
 * @example An echo round trip against a local Deno server
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { fromPromise, run } from "yieldio";
 * import { openWebSocket } from "yieldio/io";
 * const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (request) => {
 *   const { socket, response } = Deno.upgradeWebSocket(request);
 *   socket.onmessage = (event) => socket.send(event.data);
 *   return response;
 * });
 * const echoed = await run(function* () {
 *   const ws = yield* openWebSocket(`ws://127.0.0.1:${server.addr.port}/`);
 *   ws.send("ping");
 *   const reply = yield* ws.receive();
 *   ws.close();
 *   yield* ws.waitClosed();
 *   yield* fromPromise(server.shutdown());
 *   return reply;
 * });
 * assertEquals(echoed, "ping");
 * ```
 */
export class WebSocketConnection {
  #ws: WebSocket;
  #loop: EventLoop;
  // Invariant: #head indexes the first unreceived message; the array is trimmed when it is all received.
  #messages: WebSocketMessage[] = [];
  #head = 0;
  #waiter: Future<void> | null = null;
  #closeEvent: { code: number; reason: string; wasClean: boolean } | null = null;
  #closeWaiters: Future<void>[] = [];

  /** @internal Made by `openWebSocket`, as it creates the socket. */
  constructor(loop: EventLoop, ws: WebSocket) {
    this.#loop = loop;
    this.#ws = ws;
    ws.binaryType = "arraybuffer";
    ws.addEventListener("message", (event) => {
      const data = event.data;
      this.#messages.push(typeof data === "string" ? data : new Uint8Array(data as ArrayBuffer));
      _settle(this.#waiter, undefined);
    });
    ws.addEventListener("close", (event) => {
      this.#closeEvent = { code: event.code, reason: event.reason, wasClean: event.wasClean };
      _untrack(loop, this);
      _settle(this.#waiter, undefined);
      for (const waiter of this.#closeWaiters.splice(0)) _settle(waiter, undefined);
    });
    _track(loop, this);
  }

  /** The subprotocol the server chose ("" when none). */
  get protocol(): string {
    return this.#ws.protocol;
  }

  /** The close code and reason once closed, else null. */
  get closed(): { code: number; reason: string } | null {
    const event = this.#closeEvent;
    return event === null ? null : { code: event.code, reason: event.reason };
  }

  /**
   * Sends a message; never waits.
   *
   * @param data Text, or bytes (a binary frame).
   * @throws {InvalidStateError} Once closing or closed.
   * @throws {TypeError} When `data` is neither text nor bytes.
   */
  send(data: WebSocketMessage): void {
    if (typeof data !== "string" && !(data instanceof Uint8Array)) {
      throw new TypeError(`send expects a string or a Uint8Array, got ${describeValue(data)}`);
    }
    if (this.#ws.readyState !== WebSocket.OPEN) throw new InvalidStateError(`send() on ${this}`);
    this.#ws.send(data);
  }

  /**
   * Takes the next message, waiting for one.
   *
   * @returns A coroutine of the message, or null once the socket closed cleanly and every message was taken.
   * @throws {ConnectionResetError} When the connection was lost (closed uncleanly).
   * @throws {InvalidStateError} When another coroutine is already waiting.
   */
  *receive(): Coro<WebSocketMessage | null> {
    while (this.#head === this.#messages.length) {
      const event = this.#closeEvent;
      if (event !== null) {
        if (event.wasClean) return null;
        throw new ConnectionResetError(`the WebSocket to ${this.#ws.url} was lost (close code ${event.code})`);
      }
      if (this.#waiter !== null) {
        throw new InvalidStateError("receive() called while another coroutine is already waiting for a message");
      }
      this.#waiter = _hostFuture<void>(this.#loop);
      try {
        yield* this.#waiter;
      } finally {
        this.#waiter = null;
      }
    }
    const message = this.#messages[this.#head++];
    if (this.#head === this.#messages.length) this.#messages.length = this.#head = 0;
    return message;
  }

  /**
   * Starts the closing handshake. Idempotent.
   *
   * @param code A close code (1000, or 3000–4999). Default 1000.
   * @param reason A short text for the peer.
   */
  close(code = 1000, reason = ""): void {
    if (this.#ws.readyState === WebSocket.CLOSING || this.#ws.readyState === WebSocket.CLOSED) return;
    this.#ws.close(code, reason);
  }

  /**
   * Waits until the socket is closed.
   *
   * @returns A coroutine of the close code and reason.
   */
  *waitClosed(): Coro<{ code: number; reason: string }> {
    if (this.#closeEvent === null) {
      const waiter = _hostFuture<void>(this.#loop);
      this.#closeWaiters.push(waiter);
      yield* waiter;
    }
    return this.closed!;
  }

  /**
   * Describes the connection for messages and `console.log`.
   * @returns e.g. `<WebSocketConnection ws://127.0.0.1:8080/echo open>`.
   */
  toString(): string {
    const states = ["connecting", "open", "closing", "closed"];
    return `<WebSocketConnection ${this.#ws.url} ${states[this.#ws.readyState]}>`;
  }
}

/**
 * Opens a WebSocket and waits until it is open.
 *
 * @param url A `ws:` or `wss:` URL.
 * @param protocols Subprotocols to offer.
 * @returns A coroutine of the open connection.
 * @throws {ConnectionError} When the connection cannot be opened.
 * @throws {TypeError} When the host has no `WebSocket` (Node before 22).
 * @throws {SyntaxError} When `url` is not a WebSocket URL (from the host).
 *
 * @example A server that does not answer WebSockets
 * ```ts
 * import { assertInstanceOf } from "@std/assert";
 * import { fromPromise, run } from "yieldio";
 * import { ConnectionError, openWebSocket } from "yieldio/io";
 * const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () => new Response("no"));
 * const error = await run(function* () {
 *   try {
 *     yield* openWebSocket(`ws://127.0.0.1:${server.addr.port}/`);
 *   } catch (e) {
 *     return e;
 *   } finally {
 *     yield* fromPromise(server.shutdown());
 *   }
 * });
 * assertInstanceOf(error, ConnectionError);
 * ```
 */
export function* openWebSocket(url: string | URL, protocols?: string | string[]): Coro<WebSocketConnection> {
  if (typeof WebSocket !== "function") {
    throw new TypeError("openWebSocket needs the standard WebSocket, which this host lacks (Node has it from 22)");
  }
  const loop = getRunningLoop();
  const ws = new WebSocket(url, protocols);
  // Made at once, so its listeners see a message that arrives before this coroutine resumes.
  const connection = new WebSocketConnection(loop, ws);
  const opened = _hostFuture<boolean>(loop);
  const onOpen = () => _settle(opened, true);
  const onFail = () => _settle(opened, false);
  ws.addEventListener("open", onOpen);
  ws.addEventListener("close", onFail);
  let ok: boolean;
  try {
    ok = yield* opened;
  } catch (error) {
    ws.close();
    throw error;
  } finally {
    ws.removeEventListener("open", onOpen);
    ws.removeEventListener("close", onFail);
  }
  if (!ok) throw new ConnectionError(`the WebSocket to ${String(url)} could not be opened`);
  return connection;
}
