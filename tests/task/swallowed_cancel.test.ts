/**
 * The first trap of a JavaScript `catch`: it catches `CancelledError` too. A
 * task that catches the CancelledError of its cancel and goes on (three new
 * waits), or returns a value, without raising it or calling `uncancel()`,
 * is warned about: at once in debug mode, and in `inspect().warnings`; so is
 * one still waiting a second after its cancel reached it. Code that re-raises,
 * withdraws its cancel, or cleans up in a `finally` stays quiet, and so do
 * yieldio's own task groups, timeouts and waitFor.
 */

import { assertEquals, assertMatch } from "@std/assert";
import {
  CancelledError,
  createTask,
  currentTask,
  Event,
  EventLoop,
  inspect,
  type LoopSnapshot,
  rethrowCancellation,
  sleep,
  taskGroup,
  timeout,
  TimeoutError,
  waitFor,
} from "../../mod.ts";
import { captureConsoleAsync } from "../loop/_support.ts";

/** Runs `body` on a virtual debug-mode loop; returns what console.warn got and the snapshots it took. */
async function watch(body: (snapshots: LoopSnapshot[]) => Generator<unknown, void, unknown>): Promise<{
  warnings: string[];
  snapshots: LoopSnapshot[];
}> {
  const loop = new EventLoop({ clock: "virtual", debug: true });
  const snapshots: LoopSnapshot[] = [];
  const calls = await captureConsoleAsync("warn", () => loop.runUntilComplete(loop.createTask(body(snapshots))));
  loop.close();
  return { warnings: calls.map((args) => String(args[0])), snapshots };
}

const swallowWarnings = (snapshot: LoopSnapshot) => snapshot.warnings.filter((w) => w.kind === "swallowed-cancel");

Deno.test("a crawler-style worker whose catch logs the CancelledError is warned about, once, naming it", async () => {
  const logged: string[] = [];
  let stop = false;
  const { warnings, snapshots } = await watch(function* (snapshots) {
    const worker = createTask(
      (function* () {
        for (let page = 0; !stop; page++) {
          try {
            yield* sleep(10);
          } catch (e) {
            logged.push(`page ${page} failed: ${(e as Error).name}`); // the trap: a catch-all
          }
        }
      })(),
      { name: "crawler" },
    );
    yield* sleep(15);
    worker.cancel();
    yield* sleep(95); // the crawler's timers fall due at 15 + 10k: no tie, whatever the schedule
    snapshots.push(inspect());
    worker.cancel(); // it swallows this one too
    stop = true; // only its own flag can stop it now
    yield* worker;
  });
  assertEquals(logged, ["page 1 failed: CancelledError", "page 11 failed: CancelledError"]);
  const mine = warnings.filter((text) => text.includes("crawler"));
  assertEquals(mine.length, 1, warnings.join("\n"));
  assertMatch(
    mine[0],
    /^yieldio: crawler caught the CancelledError of its cancel and went on waiting, without raising/,
  );
  const [warning] = swallowWarnings(snapshots[0]);
  assertEquals([warning.task, warning.message.startsWith("crawler caught the CancelledError")], [2, true]);
});

Deno.test("a task that catches its cancel and returns a value is warned about in debug mode", async () => {
  const { warnings } = await watch(function* () {
    const task = createTask(
      (function* () {
        try {
          yield* sleep(100);
        } catch {
          return "pretended nothing happened";
        }
        return "slept";
      })(),
      { name: "pretender" },
    );
    yield* sleep(1);
    task.cancel();
    assertEquals(yield* task, "pretended nothing happened");
  });
  assertEquals(warnings.filter((text) => text.includes("pretender")).length, 1);
  assertMatch(warnings[0], /pretender caught the CancelledError of its cancel and returned a value/);
});

Deno.test("a task that swallowed its cancel and blocks is warned about by inspect() once a second has passed", async () => {
  const { snapshots } = await watch(function* (snapshots) {
    const never = new Event();
    const task = createTask(
      (function* () {
        try {
          yield* sleep(100);
        } catch { /* swallowed */ }
        yield* never.wait();
      })(),
      { name: "stuck" },
    );
    yield* sleep(1);
    task.cancel();
    yield* sleep(500);
    snapshots.push(inspect());
    yield* sleep(1000);
    snapshots.push(inspect());
    task.uncancel();
    never.set();
    yield* task;
  });
  assertEquals(swallowWarnings(snapshots[0]), []);
  const [warning] = swallowWarnings(snapshots[1]);
  assertEquals(
    warning.message,
    "task stuck has waited 1500 ms since its cancel reached it (at t=1), on Event#1: a cleanup that long, or " +
      "a catch that swallowed the CancelledError",
  );
});

Deno.test("code that re-raises, withdraws its cancel or cleans up in finally is not warned about", async () => {
  const { warnings, snapshots } = await watch(function* (snapshots) {
    const reraise = createTask(
      (function* () {
        for (;;) {
          try {
            yield* sleep(10);
          } catch (e) {
            rethrowCancellation(e);
          }
        }
      })(),
      { name: "reraise" },
    );
    const withdraw = createTask(
      (function* () {
        for (let round = 0; round < 5; round++) {
          try {
            yield* sleep(10);
          } catch (e) {
            if (!(e instanceof CancelledError)) throw e;
            currentTask()!.uncancel(); // a deliberate refusal, said so
          }
        }
      })(),
      { name: "withdraw" },
    );
    const cleanup = createTask(
      (function* () {
        try {
          yield* sleep(1_000);
        } finally {
          yield* sleep(5); // closing a connection, say
          yield* sleep(5);
        }
      })(),
      { name: "cleanup" },
    );
    yield* sleep(15);
    for (const task of [reraise, withdraw, cleanup]) task.cancel();
    yield* sleep(5);
    snapshots.push(inspect());
    yield* sleep(100);
    assertEquals([reraise.cancelled(), withdraw.done() && !withdraw.cancelled(), cleanup.cancelled()], [
      true,
      true,
      true,
    ]);
  });
  assertEquals(warnings, []);
  assertEquals(swallowWarnings(snapshots[0]), []);
});

Deno.test("task groups, timeouts and waitFor catch cancels on purpose and are not warned about", async () => {
  const { warnings } = await watch(function* () {
    const group = createTask(
      taskGroup(function* (tg) {
        tg.createTask(sleep(1_000));
        tg.createTask(sleep(1_000));
        yield* sleep(1_000);
      }),
      { name: "group" },
    );
    yield* sleep(1);
    group.cancel();
    try {
      yield* group;
    } catch (e) {
      if (!(e instanceof CancelledError)) throw e;
    }
    try {
      yield* timeout(5, function* () {
        yield* sleep(100);
      });
    } catch (e) {
      if (!(e instanceof TimeoutError)) throw e;
    }
    try {
      yield* waitFor(sleep(100), 5);
    } catch (e) {
      if (!(e instanceof TimeoutError)) throw e;
    }
  });
  assertEquals(warnings, []);
});
