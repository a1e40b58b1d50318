/**
 * Errors nobody else can catch go to the loop's exception handler (asyncio's
 * `call_exception_handler`); the default handler logs them with
 * console.error. The loop keeps running either way.
 */
import {
  assertEquals,
  assertInstanceOf,
  assertMatch,
  assertStrictEquals,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { defaultExceptionHandler, EventLoop, type ExceptionContext, type Handle } from "../../mod.ts";
import { captureConsole, captureConsoleAsync } from "./_support.ts";

Deno.test("an exception thrown by a callback reaches the exception handler with message, exception and handle", () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    const contexts: ExceptionContext[] = [];
    loop.setExceptionHandler((_loop, context) => void contexts.push(context));
    const error = new Error("boom");
    const handle = loop.callSoon(function explode() {
      throw error;
    });
    loop.runOnce();
    assertEquals(contexts.length, 1);
    const [context] = contexts;
    assertEquals(context.message, "Exception in callback <Handle explode()>");
    assertStrictEquals(context.exception, error);
    assertStrictEquals(context.handle, handle);
  } finally {
    loop.close();
  }
});

Deno.test("an exception thrown by a timer callback names its TimerHandle", () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    const contexts: ExceptionContext[] = [];
    loop.setExceptionHandler((_loop, context) => void contexts.push(context));
    const handle = loop.callLater(25, function tick() {
      throw new RangeError("late");
    });
    loop.runOnce();
    assertEquals(contexts.map((c) => c.message), ["Exception in callback <TimerHandle when=25 tick()>"]);
    assertStrictEquals(contexts[0].handle, handle);
    assertInstanceOf(contexts[0].exception, RangeError);
  } finally {
    loop.close();
  }
});

Deno.test("the exception handler is called with the loop as its first argument", () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    const loops: unknown[] = [];
    loop.setExceptionHandler((which) => void loops.push(which));
    loop.callSoon(() => {
      throw new Error("x");
    });
    loop.runOnce();
    assertEquals(loops.length, 1);
    assertStrictEquals(loops[0], loop);
  } finally {
    loop.close();
  }
});

Deno.test("a thrown value that is not an Error reaches the handler unchanged", () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    const thrown = { reason: "plain object" };
    const seen: unknown[] = [];
    loop.setExceptionHandler((_loop, context) => void seen.push(context.exception));
    loop.callSoon(() => {
      throw thrown;
    });
    loop.callSoon(() => {
      throw "a string";
    });
    loop.callSoon(() => {
      throw undefined;
    });
    loop.runOnce();
    assertEquals(seen.length, 3);
    assertStrictEquals(seen[0], thrown);
    assertStrictEquals(seen[1], "a string");
    assertStrictEquals(seen[2], undefined);
  } finally {
    loop.close();
  }
});

Deno.test("the rest of the iteration runs after a callback throws, and later iterations too", () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    const log: string[] = [];
    loop.setExceptionHandler((_loop, context) => void log.push(`handler: ${(context.exception as Error).message}`));
    loop.callSoon(() => {
      log.push("a");
      loop.callSoon(() => log.push("next iteration"));
      throw new Error("a failed");
    });
    loop.callSoon(() => log.push("b"));
    loop.runOnce();
    loop.runOnce();
    assertEquals(log, ["a", "handler: a failed", "b", "next iteration"]);
  } finally {
    loop.close();
  }
});

Deno.test("callbacks that throw do not stop runForever", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    const log: [string, number][] = [];
    loop.setExceptionHandler((_loop, context) => void log.push([context.message, loop.time()]));
    loop.callLater(10, function first() {
      throw new Error("1");
    });
    loop.callLater(20, function second() {
      throw new Error("2");
    });
    loop.callLater(30, () => {
      log.push(["still running", loop.time()]);
      loop.stop();
    });
    await loop.runForever();
    assertEquals(log, [
      ["Exception in callback <TimerHandle when=10 first()>", 10],
      ["Exception in callback <TimerHandle when=20 second()>", 20],
      ["still running", 30],
    ]);
  } finally {
    loop.close();
  }
});

Deno.test("the default exception handler logs a callback's exception with console.error", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    loop.callSoon(function explode() {
      throw new Error("kaboom");
    });
    loop.callLater(1, () => loop.stop());
    const calls = await captureConsoleAsync("error", () => loop.runForever());
    assertEquals(calls.length, 1);
    const text = String(calls[0][0]);
    assertMatch(text, /^Exception in callback <Handle explode\(\)>/);
    assertStringIncludes(text, "handle: <Handle explode()>");
    assertStringIncludes(text, "kaboom");
  } finally {
    loop.close();
  }
});

Deno.test("setExceptionHandler(null) restores the default handler", () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    const seen: string[] = [];
    loop.setExceptionHandler((_loop, context) => void seen.push(context.message));
    loop.setExceptionHandler(null);
    loop.callSoon(function explode() {
      throw new Error("to the console");
    });
    const calls = captureConsole("error", () => loop.runOnce());
    assertEquals(seen, []);
    assertEquals(calls.length, 1);
    assertStringIncludes(String(calls[0][0]), "to the console");
  } finally {
    loop.close();
  }
});

Deno.test("getExceptionHandler returns the handler that was set, or null", () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    const handler = () => {};
    const seen = [loop.getExceptionHandler()];
    loop.setExceptionHandler(handler);
    seen.push(loop.getExceptionHandler());
    loop.setExceptionHandler(null);
    seen.push(loop.getExceptionHandler());
    assertEquals(seen.length, 3);
    assertStrictEquals(seen[0], null);
    assertStrictEquals(seen[1], handler);
    assertStrictEquals(seen[2], null);
  } finally {
    loop.close();
  }
});

Deno.test("an exception handler that throws is logged, not propagated, and the loop goes on", () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    const log: string[] = [];
    loop.setExceptionHandler(() => {
      throw new Error("the handler broke");
    });
    loop.callSoon(() => {
      throw new Error("original");
    });
    loop.callSoon(() => log.push("after"));
    const calls = captureConsole("error", () => loop.runOnce());
    assertEquals(log, ["after"]);
    assertEquals(calls.length, 1);
    const text = String(calls[0][0]);
    assertMatch(text, /^Unhandled error in exception handler/);
    assertStringIncludes(text, "the handler broke");
  } finally {
    loop.close();
  }
});

Deno.test("callExceptionHandler passes the context to the handler as given", () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    const seen: ExceptionContext[] = [];
    loop.setExceptionHandler((_loop, context) => void seen.push(context));
    const context = { message: "something odd", exception: new Error("odd"), extra: 42 };
    loop.callExceptionHandler(context);
    assertEquals(seen.length, 1);
    assertStrictEquals(seen[0], context);
  } finally {
    loop.close();
  }
});

Deno.test("callExceptionHandler with no handler set logs with console.error", () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    const calls = captureConsole("error", () => loop.callExceptionHandler({ message: "reported by hand" }));
    assertEquals(calls.length, 1);
    assertMatch(String(calls[0][0]), /^reported by hand/);
  } finally {
    loop.close();
  }
});

Deno.test("defaultExceptionHandler prints the message, then each other field, then the exception's stack", () => {
  const error = new TypeError("bad thing");
  const fakeHandle = { toString: () => "<Handle f()>" } as unknown as Handle;
  const calls = captureConsole(
    "error",
    () => defaultExceptionHandler({ message: "It broke", exception: error, handle: fakeHandle, attempt: 3 }),
  );
  assertEquals(calls.length, 1);
  const lines = String(calls[0][0]).split("\n");
  assertEquals(lines.slice(0, 3), ["It broke", "  handle: <Handle f()>", "  attempt: 3"]);
  assertMatch(lines[3], /^ {2}exception: TypeError: bad thing/);
  // The stack follows, indented under the exception line.
  const frames = (error.stack ?? "").split("\n").slice(1).map((frame) => frame.trim()).filter((f) => f !== "");
  assertEquals(lines.slice(4).map((line) => line.trim()), frames);
  for (const line of lines.slice(4)) assertMatch(line, /^ {4}/);
});

Deno.test("defaultExceptionHandler prints a context without an exception as its message alone", () => {
  const calls = captureConsole("error", () => defaultExceptionHandler({ message: "just this" }));
  assertEquals(calls, [["just this"]]);
});

Deno.test("setExceptionHandler rejects a handler that is neither a function nor null with TypeError", () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    for (const bad of [42, "handler", {}, undefined]) {
      assertThrows(
        // deno-lint-ignore no-explicit-any
        () => loop.setExceptionHandler(bad as any),
        TypeError,
        "setExceptionHandler",
      );
    }
    assertStrictEquals(loop.getExceptionHandler(), null);
  } finally {
    loop.close();
  }
});
