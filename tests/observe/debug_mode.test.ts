/**
 * Debug mode beyond asyncio's: slow steps name the task and where it was
 * created, handles remember where they were made, the primitives' waits join
 * sleep() in the never-driven report, and each task runs inside a DevTools
 * console task (`console.createTask`) so async stacks show who spawned it.
 */

import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import {
  Barrier,
  Condition,
  createTask,
  Event,
  type ExceptionContext,
  getRunningLoop,
  inspect,
  Lock,
  Queue,
  run,
  Semaphore,
  sleep,
  taskGroup,
} from "../../mod.ts";
import { busyWait, captureConsole, captureConsoleAsync } from "../loop/_support.ts";
import { co, SteppedLoop } from "./_helpers.ts";

/** The file of the caller's caller frame: this test file, or the bundle it was built into. */
function hereFile(): string {
  const frame = (new Error().stack ?? "").split("\n").filter((line) => line.trim().startsWith("at "))[1] ?? "";
  return frame.replace(/^.*?\(?((?:https?|file):\/\/[^)]*?|\/[^)]*?):\d+:\d+\)?$/, "$1");
}

Deno.test("a slow step is reported naming the task and where it was created", async () => {
  let file = "";
  const calls = await captureConsoleAsync("warn", () =>
    run(function* () {
      getRunningLoop().slowCallbackDuration = 30; // far above what a trivial step takes on a loaded machine
      file = hereFile();
      const slowpoke = createTask(
        (function* () {
          busyWait(60);
          yield* sleep(0);
        })(),
        { name: "slowpoke" },
      );
      yield* slowpoke;
    }, { clock: "virtual", debug: true }));
  const warnings = calls.map((args) => String(args[0]));
  const mine = warnings.filter((text) => text.includes("slowpoke"));
  assertEquals(mine.length, 1, warnings.join("\n"));
  assertMatch(mine[0], /^yieldio: executing <Task \w+ name=slowpoke .*created at .+ took \d+\.\d{3} ms$/);
  assertStringIncludes(mine[0], file);
});

Deno.test("a slow callback and a failing one name the handle's creation site", () => {
  const stepped = new SteppedLoop({ debug: true });
  stepped.loop.slowCallbackDuration = 0;
  const file = hereFile();
  stepped.loop.callSoon(function slowCallback() {
    busyWait(1);
  });
  stepped.loop.callLater(0, function failing() {
    throw new Error("x");
  });
  const warnings = captureConsole("warn", () => stepped.step(1)).map((args) => String(args[0]));
  assertMatch(warnings[0], /^yieldio: executing <Handle slowCallback\(\)> \(created at .+:\d+:\d+\)+ took/);
  assertStringIncludes(warnings[0], file);
  const [report] = stepped.reports as ExceptionContext[];
  assertEquals(report.message, "Exception in callback <TimerHandle when=0 failing()>");
  assertStringIncludes(String(report.createdAt), file);
  stepped.close();
});

Deno.test("setDebug(true) later records callSoon sites, and setDebug(false) stops recording them", () => {
  const stepped = new SteppedLoop();
  const file = hereFile();
  const fail = () => {
    throw new Error("x");
  };
  stepped.loop.setDebug(true);
  stepped.loop.callSoon(fail);
  stepped.loop.setDebug(false);
  stepped.loop.callSoon(fail);
  stepped.step(1);
  const [on, off] = stepped.reports as ExceptionContext[];
  assertStringIncludes(String(on.createdAt), file);
  assertEquals("createdAt" in off, false);
  stepped.close();
});

Deno.test("outside debug mode handles record no creation site", () => {
  const stepped = new SteppedLoop();
  stepped.loop.callSoon(function failing() {
    throw new Error("x");
  });
  stepped.step(1);
  assertEquals("createdAt" in stepped.reports[0], false);
  stepped.close();
});

Deno.test("each primitive's wait created without yield* is reported at close, by name and creation site", async () => {
  const reports: ExceptionContext[] = [];
  let file = "";
  await run(function* () {
    getRunningLoop().setExceptionHandler((_loop, context) => reports.push(context));
    file = hereFile();
    const lock = new Lock(), queue = new Queue<number>();
    new Lock().acquire();
    lock.hold(() => sleep(1));
    new Event().wait();
    new Semaphore().acquire();
    new Condition().wait();
    new Barrier(2).wait();
    queue.get();
    queue.put(1);
    queue.join();
    yield* sleep(1); // driven: never reported
  }, { clock: "virtual", debug: true });
  assertEquals(reports.map((r) => r.message.replace(" was created but never driven: did you forget `yield*`?", "")), [
    "Lock.acquire()",
    "Lock.hold()",
    "Event.wait()",
    "Semaphore.acquire()",
    "Condition.wait()",
    "Barrier.wait()",
    "Queue.get()",
    "Queue.put()",
    "Queue.join()",
  ]);
  for (const report of reports) assertStringIncludes(String(report.createdAt), file);
});

Deno.test("in debug mode the primitives still work, and driving their waits reports nothing", async () => {
  const reports: string[] = [];
  const log = await run(function* () {
    getRunningLoop().setExceptionHandler((_loop, context) => reports.push(context.message));
    const lock = new Lock(), queue = new Queue<number>(1), ready = new Event();
    const log: string[] = [];
    const consumer = createTask(queue.forEach(function* (item) {
      yield* lock.hold(function* () {
        log.push(`got ${item}`);
        yield* sleep(1);
      });
    }));
    createTask((function* () {
      yield* sleep(5);
      ready.set();
    })());
    yield* ready.wait();
    for (const item of [1, 2, 3]) yield* queue.put(item);
    yield* queue.join();
    queue.shutdown();
    yield* consumer;
    return log;
  }, { clock: "virtual", debug: true });
  assertEquals([log, reports], [["got 1", "got 2", "got 3"], []]);
});

Deno.test("in debug mode each step runs inside the task's DevTools console task", async () => {
  const host = console as { createTask?: unknown };
  const original = host.createTask;
  const created: string[] = [];
  let runs = 0;
  host.createTask = (name: string) => {
    created.push(name);
    return {
      run<R>(fn: () => R): R {
        runs++;
        return fn();
      },
    };
  };
  let coroutineSeen = false;
  try {
    await run(function* () {
      const body = (function* () {
        yield* sleep(1);
        return "child done";
      })();
      const child = createTask(body, { name: "child" });
      coroutineSeen = child.getCoro() === body; // the wrapper is invisible
      assertEquals(yield* child, "child done");
    }, { clock: "virtual", debug: true });
    await run(function* () {
      createTask(sleep(1), { name: "not debugged" });
      yield* sleep(2);
    }, { clock: "virtual" });
  } finally {
    host.createTask = original;
  }
  assertEquals(created.length, 2); // main and child; nothing outside debug mode
  assertEquals(created[1], "child");
  assert(runs >= 4, `${runs} steps ran inside console tasks`);
  assertEquals(coroutineSeen, true);
});

/** `file:line` of the caller: in a bundle (Node, Chromium) that is the bundle's line, as for the site itself. */
function callerLine(): string {
  const frame = (new Error().stack ?? "").split("\n").filter((line) => line.trim().startsWith("at "))[1] ?? "";
  return frame.replace(/^.*?\(?((?:https?|file):\/\/[^)]*?|\/[^)]*?:\d+):\d+\)?$/, "$1");
}

Deno.test("a task's creation site is the user's function and line, through createTask, loop.createTask and a task group", async () => {
  const expected: string[] = [];
  const sites = await run(function* spawner() {
    const loop = getRunningLoop();
    createTask(sleep(10), { name: "a" }), expected.push(`spawner (${callerLine()}:`);
    loop.createTask(sleep(10), { name: "b" }), expected.push(`spawner (${callerLine()}:`);
    let sites: (string | null)[] = [];
    yield* taskGroup(function* inGroup(tg) {
      tg.createTask(sleep(10), { name: "c" }), expected.push(`inGroup (${callerLine()}:`);
      yield* sleep(0);
      sites = inspect(loop).tasks.filter((task) => task.name.length === 1).map((task) => task.createdAt);
    });
    return sites;
  }, { clock: "virtual", debug: true });
  assertEquals(sites.length, 3);
  sites.forEach((site, i) => assert(site?.startsWith(expected[i]), `${site} does not start with ${expected[i]}`));
});

Deno.test("a coroutine handed to a task that has not stepped yet is owned, not reported as never driven", async () => {
  const stepped = new SteppedLoop({ debug: true });
  // deno-lint-ignore require-yield
  await stepped.loop.runUntilComplete(co(function* () {
    createTask(sleep(10), { name: "unstarted" });
    getRunningLoop().stop(); // the child's first step would come next iteration
  }));
  stepped.loop.close();
  assertEquals(stepped.reports.map((report) => report.message), ["Task was destroyed but it is pending!"]);
});
