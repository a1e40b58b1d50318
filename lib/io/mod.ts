/**
 * yieldio/io: the I/O half of asyncio — streams, TCP and Unix sockets,
 * subprocesses, and adapters between host events, async iterables and
 * coroutines. Back ends are chosen by feature test (Deno, Node; browsers get
 * streams over `fetch` bodies and WebSockets); Node's modules are loaded
 * only when first used, so no bundle carries a static `node:` import.
 *
 * @example Reading a fetch body line by line
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { run } from "yieldio";
 * import { wrapReadable } from "yieldio/io";
 * const lines = await run(function* () {
 *   const reader = wrapReadable(new Response("a\nb\n").body!);
 *   const out: string[] = [];
 *   for (let line = yield* reader.readline(); line.length > 0; line = yield* reader.readline()) {
 *     out.push(new TextDecoder().decode(line).trim());
 *   }
 *   return out;
 * });
 * assertEquals(lines, ["a", "b"]);
 * ```
 *
 * @module
 */

export {
  CommandNotFoundError,
  ConnectionError,
  ConnectionRefusedError,
  ConnectionResetError,
  IncompleteReadError,
  LimitOverrunError,
} from "./errors.ts";
export { StreamReader, type StreamReaderOptions } from "./stream_reader.ts";
export { StreamWriter, type StreamWriterOptions } from "./stream_writer.ts";
export { wrapReadable, wrapWritable } from "./web_streams.ts";
export {
  openConnection,
  type OpenConnectionOptions,
  openUnixConnection,
  type TlsClientOptions,
} from "./open_connection.ts";
export { type ConnectionHandler, Server, startServer, type StartServerOptions, startUnixServer } from "./server.ts";
export {
  createSubprocessExec,
  createSubprocessShell,
  Process,
  type StdioMode,
  type SubprocessOptions,
} from "./process.ts";
export type { Signal } from "./signal.ts";
export { type EventSource, waitEvent, type WaitEventOptions } from "./wait_event.ts";
export { subscribe, type SubscribeOptions, Subscription } from "./subscription.ts";
export { asyncIterate, AsyncIteration, fromAsyncIterable } from "./async_iteration.ts";
export { openWebSocket, WebSocketConnection, type WebSocketMessage } from "./web_socket.ts";
