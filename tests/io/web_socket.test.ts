/**
 * openWebSocket against a local echo server: Deno's (Deno.upgradeWebSocket)
 * in Deno, the page server's in Chromium (page and worker). Not registered
 * in Node 20, which has no WebSocket client (decided by feature test).
 */

import { assertEquals, assertInstanceOf } from "@std/assert";
import { createTask, getRunningLoop, InvalidStateError, run, sleep } from "../../mod.ts";
import { ConnectionError, openWebSocket } from "../../lib/io/mod.ts";
import { _openResources } from "../../lib/io/_resources.ts";
import { caught } from "../_support/caught.ts";
import { bytes, isDeno, text } from "./_helpers.ts";
import { canWebSocket, withTestServer } from "./_test_server.ts";

function test(name: string, fn: () => Promise<void>): void {
  if (canWebSocket) Deno.test(name, fn);
}

function wsUrl(base: string): string {
  return `${base.replace(/^http/, "ws")}/io/echo`;
}

test("openWebSocket echoes text and bytes in order, then closes cleanly", async () => {
  const got = await run(function* () {
    return yield* withTestServer(function* (base) {
      const ws = yield* openWebSocket(wsUrl(base));
      ws.send("hello");
      ws.send(bytes("binary"));
      const first = yield* ws.receive();
      const second = yield* ws.receive();
      ws.close(1000, "bye");
      const closed = yield* ws.waitClosed();
      const after = yield* ws.receive();
      return [first, second instanceof Uint8Array ? `bytes:${text(second)}` : second, closed.code, after];
    });
  });
  assertEquals(got, ["hello", "bytes:binary", 1000, null]);
});

test("messages that arrive while nobody receives are queued, and send() after close is refused", async () => {
  const [messages, error, left] = await run(function* () {
    return yield* withTestServer(function* (base) {
      const ws = yield* openWebSocket(wsUrl(base));
      for (let i = 0; i < 3; i++) ws.send(`m${i}`);
      yield* sleep(50);
      const messages = [yield* ws.receive(), yield* ws.receive(), yield* ws.receive()];
      ws.close();
      yield* ws.waitClosed();
      let error: unknown = null;
      try {
        ws.send("late");
      } catch (e) {
        error = e;
      }
      return [messages, error, _openResources(getRunningLoop())] as const;
    });
  });
  assertEquals(messages, ["m0", "m1", "m2"]);
  assertInstanceOf(error, InvalidStateError);
  assertEquals(left, []);
});

test("a receive() cancelled while it waits takes nothing: the next one gets the message", async () => {
  const message = await run(function* () {
    return yield* withTestServer(function* (base) {
      const ws = yield* openWebSocket(wsUrl(base));
      const waiting = createTask(ws.receive());
      yield* sleep(0);
      waiting.cancel();
      yield* caught(waiting);
      ws.send("kept");
      const message = yield* ws.receive();
      ws.close();
      yield* ws.waitClosed();
      return message;
    });
  });
  assertEquals(message, "kept");
});

// Deno only: a browser logs every failed WebSocket handshake as a console error, which fails the Chromium stage.
(isDeno ? Deno.test : () => {})("a WebSocket to a path that does not upgrade fails with ConnectionError", async () => {
  const error = await run(function* () {
    return yield* withTestServer(function* (base) {
      return yield* caught(openWebSocket(`${base.replace(/^http/, "ws")}/io/nothing-here`));
    });
  });
  assertInstanceOf(error, ConnectionError);
});
