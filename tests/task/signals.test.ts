/**
 * Signals as far as every runtime can check them: the arguments of
 * `addSignalHandler`, `removeSignalHandler` and run()'s `handleSignals`, and
 * a clear refusal where a thread has no signals. What a real signal does is
 * tested on child processes in tests/deno/signals.test.ts.
 */

import { assertEquals, assertRejects, assertThrows } from "@std/assert";
import { EventLoop, InvalidStateError, run, type SignalName, sleep } from "../../mod.ts";
import { _letGoIdleListeners, LET_GO_MS, watchSignal } from "../../lib/task/signals.ts";
import { untyped } from "./_helpers.ts";

/** Deno's and Node's main threads have signals; a browser page or worker has none. */
const hasSignals = typeof (globalThis as { Deno?: { addSignalListener?: unknown } }).Deno?.addSignalListener ===
    "function" ||
  typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === "string";

Deno.test("addSignalHandler refuses what is no catchable signal, and a callback that is not a function", () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    assertThrows(() => loop.addSignalHandler(untyped(15), () => {}), TypeError, "got 15 (a number)");
    assertThrows(
      () => loop.addSignalHandler(untyped("SIGKILL"), () => {}),
      RangeError,
      '"SIGKILL" can never be caught',
    );
    assertThrows(() => loop.addSignalHandler(untyped("SIGSTOP"), () => {}), RangeError, "can never be caught");
    assertThrows(() => loop.addSignalHandler(untyped("SIGFOO"), () => {}), RangeError, '"SIGFOO" is not a signal');
    assertThrows(() => loop.addSignalHandler("SIGTERM", untyped("stop")), TypeError, 'got "stop" (a string)');
    assertThrows(() => loop.removeSignalHandler(untyped(null)), TypeError, "got null");
    assertEquals(loop.removeSignalHandler("SIGTERM"), false);
  } finally {
    loop.close();
  }
});

Deno.test(
  hasSignals
    ? "a loop adds, replaces and removes its signal handlers; close() removes the rest"
    : "where a thread has no signals, addSignalHandler says so",
  () => {
    const loop = new EventLoop({ clock: "virtual" });
    if (!hasSignals) {
      assertThrows(() => loop.addSignalHandler("SIGTERM", () => {}), InvalidStateError, "this thread has no signals");
      loop.close();
      return;
    }
    const names: SignalName[] = ["SIGUSR2", "SIGHUP"];
    for (const name of names) loop.addSignalHandler(name, () => {});
    loop.addSignalHandler("SIGUSR2", () => {}); // replaces the first
    assertEquals(loop.removeSignalHandler("SIGUSR2"), true);
    assertEquals(loop.removeSignalHandler("SIGUSR2"), false);
    loop.close();
    assertEquals(loop.removeSignalHandler("SIGHUP"), false);
    assertThrows(() => loop.addSignalHandler("SIGHUP", () => {}), InvalidStateError, "closed event loop");
  },
);

Deno.test("run() refuses options that are not an object, and handleSignals that names no signal", async () => {
  const main = function* () {
    yield* sleep(0);
  };
  await assertRejects(
    () => run(main, untyped(42)),
    TypeError,
    "run() expects an options object, got 42",
  );
  await assertRejects(() => run(main, untyped({ handleSignals: "yes" })), TypeError, 'got "yes" (a string)');
  await assertRejects(() => run(main, { handleSignals: untyped(["SIGKILL"]) }), RangeError, "can never be caught");
  assertEquals(
    await run(function* () {
      yield* sleep(0);
      return "ran";
    }, { handleSignals: ["SIGINT", "SIGHUP"], dumpOnSigquit: false }),
    "ran",
  );
});

/** Records the host's signal listener calls ("on SIGINT", "off SIGINT") until the returned function restores it. */
function spyOnSignalListeners(calls: string[]): () => void {
  const deno = (globalThis as { Deno?: Record<string, unknown> }).Deno;
  const host = typeof deno?.addSignalListener === "function"
    ? { target: deno, on: "addSignalListener", off: "removeSignalListener" }
    : { target: (globalThis as unknown as { process: Record<string, unknown> }).process, on: "on", off: "off" };
  const saved = { on: host.target[host.on], off: host.target[host.off] };
  for (const [key, word] of [[host.on, "on"], [host.off, "off"]] as const) {
    const original = host.target[key] as (this: unknown, ...args: unknown[]) => unknown;
    host.target[key] = function (this: unknown, event: unknown, ...rest: unknown[]) {
      if (typeof event === "string" && event.startsWith("SIG")) calls.push(`${word} ${event}`);
      return original.call(this, event, ...rest);
    };
  }
  return () => {
    host.target[host.on] = saved.on;
    host.target[host.off] = saved.off;
  };
}

const hostTurn = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test(
  hasSignals
    ? "back-to-back run() calls bind each signal once, and let go LET_GO_MS after the last one ends"
    : "where a thread has no signals, run() watches none",
  async () => {
    if (!hasSignals) {
      const loop = new EventLoop({ clock: "virtual" });
      assertEquals(watchSignal(loop, "SIGINT", () => {}), null);
      loop.close();
      return assertEquals(
        await run(function* () {
          yield* sleep(0);
          return "ran";
        }),
        "ran",
      );
    }
    _letGoIdleListeners(); // what earlier tests bound
    const calls: string[] = [];
    const restore = spyOnSignalListeners(calls);
    try {
      for (let i = 0; i < 20; i++) await run(function* () {});
      await hostTurn(20);
      assertEquals(calls, ["on SIGINT", "on SIGTERM", "on SIGQUIT"]);
      await hostTurn(LET_GO_MS + 250);
      assertEquals(calls.slice(3).sort(), ["off SIGINT", "off SIGQUIT", "off SIGTERM"]);
      await run(function* () {}, { handleSignals: ["SIGTERM"], dumpOnSigquit: false });
      assertEquals(calls.slice(6), ["on SIGTERM"]);
      _letGoIdleListeners();
      assertEquals(calls.slice(7), ["off SIGTERM"]);
    } finally {
      restore();
    }
  },
);
