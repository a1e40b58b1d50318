/** Instruments (Trio's hooks): what they see, and how a failing one is handled. */

import { assert, assertEquals, assertFalse, assertStringIncludes, assertThrows } from "@std/assert";
import {
  createTask,
  EventLoop,
  type ExceptionContext,
  getRunningLoop,
  type Instrument,
  run,
  sleep,
  type Task,
} from "../../mod.ts";

/** Logs every hook, tasks by name and the loop's time. */
function recorder(loop: () => EventLoop, log: string[]): Instrument<Task<unknown>> {
  const at = () => `t=${loop().time()}`;
  return {
    beforeRun: () => log.push("beforeRun"),
    afterRun: () => log.push("afterRun"),
    taskSpawned: (task) => log.push(`spawned ${task.getName()} ${at()}`),
    taskScheduled: (task) => log.push(`scheduled ${task.getName()} ${at()}`),
    beforeTaskStep: (task) => log.push(`step ${task.getName()} ${at()}`),
    afterTaskStep: (task) => log.push(`stepped ${task.getName()} ${at()}`),
    taskExited: (task) => log.push(`exited ${task.getName()} ${at()}`),
    beforeIdleWait: (ms) => log.push(`idle ${ms} ms ${at()}`),
    afterIdleWait: (ms) => log.push(`woke after ${ms} ms ${at()}`),
  };
}

Deno.test("an instrument sees a small program's runs, spawns, steps, idle waits and exits, in order", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  const log: string[] = [];
  loop.addInstrument(recorder(() => loop, log));
  await loop.runUntilComplete(loop.createTask(
    (function* () {
      const child = createTask(sleep(10), { name: "child" });
      yield* child;
    })(),
    { name: "main" },
  ));
  loop.close();
  assertEquals(log, [
    "spawned main t=0",
    "scheduled main t=0",
    "beforeRun",
    "step main t=0",
    "spawned child t=0",
    "scheduled child t=0",
    "stepped main t=0",
    "step child t=0",
    "stepped child t=0",
    "idle 10 ms t=0",
    "woke after 10 ms t=10",
    "scheduled child t=10",
    "step child t=10",
    "stepped child t=10",
    "scheduled main t=10", // finishing the child wakes main, then the child counts as exited
    "exited child t=10",
    "step main t=10",
    "stepped main t=10",
    "exited main t=10",
    "afterRun",
  ]);
});

Deno.test("an instrument that throws is removed and reported once through the exception handler", async () => {
  const reports: ExceptionContext[] = [];
  let calls = 0;
  await run(function* () {
    const loop = getRunningLoop();
    loop.setExceptionHandler((_loop, context) => reports.push(context));
    loop.addInstrument({
      beforeTaskStep() {
        calls++;
        throw new Error("broken instrument");
      },
    });
    yield* sleep(1);
    yield* sleep(1);
  }, { clock: "virtual" });
  assertEquals(calls, 1);
  assertEquals(reports.length, 1);
  assertStringIncludes(reports[0].message, "beforeTaskStep");
  assertEquals((reports[0].exception as Error).message, "broken instrument");
});

Deno.test("removing an instrument inside its own hook is safe, and the others still run", async () => {
  const log: string[] = [];
  await run(function* () {
    const loop = getRunningLoop();
    const once: Instrument = {
      beforeTaskStep() {
        log.push("once");
        assert(loop.removeInstrument(once));
      },
    };
    loop.addInstrument(once);
    loop.addInstrument({ beforeTaskStep: () => log.push("always") });
    yield* sleep(1);
    yield* sleep(1);
  }, { clock: "virtual" });
  // Added during main's first step, so they see its second and third: "once" only the first of those.
  assertEquals(log, ["once", "always", "always"]);
});

Deno.test("addInstrument refuses an object with no hook, and removeInstrument reports unknown ones", () => {
  const loop = new EventLoop({ clock: "virtual" });
  assertThrows(() => loop.addInstrument({} as Instrument), TypeError, "at least one hook");
  assertThrows(() => loop.addInstrument(null as unknown as Instrument), TypeError, "null");
  assertFalse(loop.removeInstrument({ afterRun() {} }));
  loop.close();
});

Deno.test("a blocking driver reports its real idle waits to instruments", () => {
  const loop = new EventLoop({ clock: "virtual" });
  const log: string[] = [];
  loop.addInstrument({ beforeIdleWait: (ms) => log.push(`idle ${ms}`), afterIdleWait: (ms) => log.push(`woke ${ms}`) });
  loop.callLater(5, () => loop.stop());
  try {
    loop.runForeverSync();
    assertEquals(log, ["idle 5", "woke 5"]);
  } catch (error) {
    // A browser page's main thread may not block: nothing ran, nothing was reported.
    assertEquals([(error as Error).name, log], ["CannotBlockError", []]);
  } finally {
    loop.close();
  }
});

Deno.test("hooks written inline get the loop's task type: task.getName() type-checks as in the README", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  const seen: string[] = [];
  loop.addInstrument({
    taskSpawned(task) {
      seen.push(`spawned ${task.getName()}`);
    },
    beforeTaskStep(task) {
      seen.push(`step ${task.getName()} at t=${task.getLoop().time()}`);
    },
  });
  await loop.runUntilComplete(loop.createTask(sleep(5), { name: "napper" }));
  loop.close();
  assertEquals(seen, ["spawned napper", "step napper at t=0", "step napper at t=5"]);
});
