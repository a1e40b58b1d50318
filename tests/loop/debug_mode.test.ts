/**
 * Debug mode: every callback is timed on the real clock, and one that takes
 * slowCallbackDuration ms or more is reported with console.warn (asyncio's
 * "Executing <Handle …> took N seconds"). The callbacks here busy-wait on
 * performance.now, which measures the host, not the loop.
 */
import { assert, assertEquals, assertGreaterOrEqual, assertMatch, assertStringIncludes } from "@std/assert";
import { EventLoop, type ExceptionContext } from "../../mod.ts";
import { busyWait, captureConsole } from "./_support.ts";

Deno.test("debug mode is off by default and is turned on by the debug option or setDebug", () => {
  const plain = new EventLoop({ clock: "virtual" });
  const debug = new EventLoop({ clock: "virtual", debug: true });
  try {
    const seen = [plain.getDebug(), debug.getDebug()];
    plain.setDebug(true);
    debug.setDebug(false);
    seen.push(plain.getDebug(), debug.getDebug());
    assertEquals(seen, [false, true, true, false]);
  } finally {
    plain.close();
    debug.close();
  }
});

Deno.test("slowCallbackDuration defaults to 100 ms", () => {
  const loop = new EventLoop({ clock: "virtual", debug: true });
  try {
    assertEquals(loop.slowCallbackDuration, 100);
  } finally {
    loop.close();
  }
});

Deno.test("debug mode warns with console.warn naming a callback slower than slowCallbackDuration", () => {
  const loop = new EventLoop({ clock: "virtual", debug: true });
  try {
    loop.slowCallbackDuration = 0;
    loop.callSoon(function slowCallback() {
      busyWait(3);
    });
    const warnings = captureConsole("warn", () => loop.runOnce());
    assertEquals(warnings.length, 1);
    const text = String(warnings[0][0]);
    assertStringIncludes(text, "<Handle slowCallback()>");
    assertMatch(text, /took [\d.]+ ms/);
  } finally {
    loop.close();
  }
});

Deno.test("a slow timer callback is reported with its TimerHandle", () => {
  const loop = new EventLoop({ clock: "virtual", debug: true });
  try {
    loop.slowCallbackDuration = 0;
    loop.callLater(40, function slowTimer() {
      busyWait(2);
    });
    const warnings = captureConsole("warn", () => loop.runOnce());
    assertEquals(warnings.length, 1);
    assertStringIncludes(String(warnings[0][0]), "<TimerHandle when=40 slowTimer()>");
  } finally {
    loop.close();
  }
});

Deno.test("the slow-callback warning reports at least the time the callback took", () => {
  const loop = new EventLoop({ clock: "virtual", debug: true });
  try {
    loop.slowCallbackDuration = 5;
    let took = 0;
    loop.callSoon(function slow() {
      const start = performance.now();
      busyWait(20);
      took = performance.now() - start;
    });
    const warnings = captureConsole("warn", () => loop.runOnce());
    assertEquals(warnings.length, 1);
    const match = /took ([\d.]+) ms/.exec(String(warnings[0][0]));
    assert(match !== null, String(warnings[0][0]));
    assertGreaterOrEqual(Number(match[1]) + 0.001, took); // printed with 3 decimals
  } finally {
    loop.close();
  }
});

Deno.test("debug mode says nothing about callbacks faster than slowCallbackDuration", () => {
  const loop = new EventLoop({ clock: "virtual", debug: true });
  try {
    loop.slowCallbackDuration = 60_000;
    loop.callSoon(function quickEnough() {
      busyWait(5);
    });
    loop.callSoon(() => {});
    const warnings = captureConsole("warn", () => loop.runOnce());
    assertEquals(warnings, []);
  } finally {
    loop.close();
  }
});

Deno.test("slow callbacks are not reported when debug mode is off", () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    loop.slowCallbackDuration = 0;
    loop.callSoon(function slowCallback() {
      busyWait(3);
    });
    const warnings = captureConsole("warn", () => loop.runOnce());
    assertEquals(warnings, []);
  } finally {
    loop.close();
  }
});

Deno.test("setDebug(true) from a callback reports slow callbacks from the next iteration on", () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    loop.slowCallbackDuration = 0;
    loop.callSoon(function turnOn() {
      loop.setDebug(true);
      loop.callSoon(function nextIteration() {
        busyWait(1);
      });
    });
    const warnings = captureConsole("warn", () => {
      loop.runOnce();
      loop.runOnce();
    });
    assertEquals(warnings.length, 1);
    assertStringIncludes(String(warnings[0][0]), "nextIteration");
  } finally {
    loop.close();
  }
});

Deno.test("debug mode keeps FIFO order and the snapshot rule", () => {
  const loop = new EventLoop({ clock: "virtual", debug: true });
  try {
    const log: [string, number][] = [];
    loop.callLater(0, () => log.push(["due timer", loop.time()]));
    loop.callSoon(() => {
      log.push(["a", loop.time()]);
      loop.callSoon(() => log.push(["queued by a", loop.time()]));
    });
    loop.callSoon(() => log.push(["b", loop.time()]));
    loop.runOnce();
    assertEquals(log, [["a", 0], ["b", 0], ["due timer", 0]]);
    loop.runOnce();
    assertEquals(log, [["a", 0], ["b", 0], ["due timer", 0], ["queued by a", 0]]);
  } finally {
    loop.close();
  }
});

Deno.test("debug mode still sends callback exceptions to the exception handler and runs the rest", () => {
  const loop = new EventLoop({ clock: "virtual", debug: true });
  try {
    const log: string[] = [];
    loop.setExceptionHandler((_loop, context: ExceptionContext) => void log.push(context.message));
    loop.callSoon(function explode() {
      throw new Error("x");
    });
    loop.callSoon(() => log.push("after"));
    loop.runOnce();
    assertEquals(log, ["Exception in callback <Handle explode()>", "after"]);
  } finally {
    loop.close();
  }
});

Deno.test("a slow callback that throws is both reported to the handler and warned about", () => {
  const loop = new EventLoop({ clock: "virtual", debug: true });
  try {
    loop.slowCallbackDuration = 0;
    const handled: string[] = [];
    loop.setExceptionHandler((_loop, context) => void handled.push(context.message));
    loop.callSoon(function slowAndBroken() {
      busyWait(2);
      throw new Error("x");
    });
    const warnings = captureConsole("warn", () => loop.runOnce());
    assertEquals(handled, ["Exception in callback <Handle slowAndBroken()>"]);
    assertEquals(warnings.length, 1);
    assertStringIncludes(String(warnings[0][0]), "slowAndBroken");
  } finally {
    loop.close();
  }
});
