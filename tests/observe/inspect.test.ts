/** inspect(loop): a plain, JSON-ready snapshot that equal virtual-time programs reproduce exactly. */

import { assertEquals, assertMatch } from "@std/assert";
import { EventLoop, inspect, Lock, type LoopSnapshot, Queue, sleep, taskGroup, type TaskSnapshot } from "../../mod.ts";
import { busyWait } from "../loop/_support.ts";
import { co, SteppedLoop } from "./_helpers.ts";

/** A group whose three children end up on a sleep, a lock and a queue; inspected after two iterations. */
function snapshotOfFixedProgram(): LoopSnapshot {
  const stepped = new SteppedLoop();
  const lock = new Lock(), queue = new Queue<string>(1);
  stepped.task(
    "main",
    co(function* () {
      yield* taskGroup(function* (tg) {
        tg.createTask(lock.hold(() => sleep(1000)), { name: "holder" });
        tg.createTask(lock.acquire(), { name: "waiter" });
        tg.createTask(queue.get(), { name: "consumer" });
      });
    }),
  );
  inspect(stepped.loop, { countSteps: true }); // starts counting steps
  stepped.step(2);
  const snapshot = inspect(stepped.loop);
  stepped.close();
  return snapshot;
}

const task = (id: number, name: string, waitingOn: string, awaitedBy: number[]): TaskSnapshot => ({
  id,
  name,
  state: "waiting",
  cancelling: 0,
  waitingOn,
  awaitedBy,
  createdAt: null,
  steps: 1,
  busyMs: 0,
});

Deno.test("inspect() of a fixed virtual-time program is a fixed snapshot", () => {
  assertEquals(snapshotOfFixedProgram(), {
    time: 0,
    iteration: 2,
    state: "idle",
    virtual: true,
    ready: 0,
    timerCount: 1,
    refs: 0,
    timers: [{ when: 1000, what: "<sleep until t=1000>" }],
    tasks: [
      task(1, "main", "taskGroup exit", []),
      task(2, "holder", "sleep until t=1000", [1]),
      task(3, "waiter", "Lock#1 (held by holder)", [1]),
      task(4, "consumer", "Queue#1.get", [1]),
    ],
    warnings: [],
  });
});

Deno.test("equal virtual-time programs give equal snapshots, and a snapshot survives JSON", () => {
  const first = snapshotOfFixedProgram(), second = snapshotOfFixedProgram();
  assertEquals(first, second);
  assertEquals(JSON.parse(JSON.stringify(first)), first);
});

Deno.test("a task that only wakes itself gets the self-wakes warning", () => {
  const stepped = new SteppedLoop();
  stepped.task(
    "spinner",
    co(function* () {
      for (;;) yield* sleep(0);
    }),
  );
  stepped.task("sleeper", sleep(1000));
  inspect(stepped.loop, { countSteps: true });
  stepped.step(30);
  assertEquals(inspect(stepped.loop).warnings, [{
    kind: "self-wakes",
    task: 1,
    message: "task spinner woke itself for 100% of its 30 wake-ups: " +
      "it spins (sleep(0) or a bare yield in a loop) instead of waiting on something",
  }]);
  stepped.close();
});

Deno.test("a task woken by timers and futures is not spinning", () => {
  const stepped = new SteppedLoop();
  stepped.task(
    "ticker",
    co(function* () {
      for (let i = 0; i < 40; i++) yield* sleep(10);
    }),
  );
  inspect(stepped.loop, { countSteps: true });
  stepped.step(61); // the first step, then two iterations per sleep: the timer fires, the task steps
  const snapshot = inspect(stepped.loop);
  assertEquals([snapshot.warnings, snapshot.time, snapshot.tasks[0].steps], [[], 300, 31]);
  stepped.close();
});

Deno.test("a step longer than a 5 ms slice gets the long-step warning", () => {
  const stepped = new SteppedLoop();
  stepped.task(
    "hog",
    co(function* () {
      yield* sleep(0);
      busyWait(8);
      yield* sleep(1000);
    }),
  );
  inspect(stepped.loop, { countSteps: true });
  stepped.step(2);
  const [warning] = inspect(stepped.loop).warnings;
  assertEquals([warning.kind, warning.task], ["long-step", 1]);
  assertMatch(warning.message, /^task hog ran \d+\.\d ms in one step without yielding \(longer than a 5 ms slice\)/);
  stepped.close();
});

Deno.test("a failed task nobody awaited is warned about until someone retrieves its exception", () => {
  const stepped = new SteppedLoop();
  const failing = stepped.task(
    "failing",
    // deno-lint-ignore require-yield
    co(function* () {
      throw new RangeError("boom");
    }),
  );
  stepped.step(1);
  assertEquals(inspect(stepped.loop).warnings, [{
    kind: "unretrieved",
    task: null,
    message: "<Task finished name=failing exception=RangeError: boom> failed and nobody retrieved its exception",
  }]);
  failing.exception();
  assertEquals(inspect(stepped.loop).warnings, []);
  stepped.close();
});

Deno.test("in debug mode, a primitive's wait created and never driven is warned about", () => {
  const stepped = new SteppedLoop({ debug: true });
  const lock = new Lock();
  stepped.task(
    "forgetful",
    // deno-lint-ignore require-yield
    co(function* () {
      lock.acquire(); // the bug: no yield*
    }),
  );
  stepped.step(1);
  const [warning] = inspect(stepped.loop).warnings;
  assertEquals([warning.kind, warning.task], ["never-driven", null]);
  assertMatch(warning.message, /^Lock\.acquire\(\) was created at .+ but never driven: did you forget `yield\*`\?$/);
  stepped.close();
  assertEquals(stepped.reports.map((r) => r.message), [
    "Lock.acquire() was created but never driven: did you forget `yield*`?",
  ]);
});

Deno.test("inspected from inside a task, the loop is running and so is that task; a closed loop is empty", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  const seen: unknown[] = [];
  const main = loop.createTask(
    co(function* () {
      yield* sleep(5);
      const snapshot = inspect(loop);
      seen.push(snapshot.state, snapshot.tasks[0].state, snapshot.iteration);
    }),
    { name: "main" },
  );
  await loop.runUntilComplete(main);
  assertEquals(seen, ["running", "running", 3]); // the timer fires in iteration 2, the task steps in 3
  loop.close();
  const closed = inspect(loop);
  assertEquals([closed.state, closed.tasks, closed.timers], ["closed", [], []]);
});

/** Two unnamed tasks, one of which fails unawaited; another loop makes tasks in between, as a test suite would. */
async function snapshotOfUnnamedProgram(): Promise<LoopSnapshot> {
  const stepped = new SteppedLoop();
  const other = new EventLoop({ clock: "virtual" });
  stepped.loop.createTask(sleep(50));
  other.createTask(sleep(1)); // takes a thread-wide Task-N between this loop's tasks
  stepped.loop.createTask(co(function* () {
    yield* sleep(0);
    throw new RangeError("lost");
  }));
  await other.runUntilComplete(sleep(1));
  other.close();
  stepped.step(2);
  const snapshot = inspect(stepped.loop);
  stepped.close();
  return snapshot;
}

Deno.test("inspect() names unnamed tasks by their per-loop id, so equal programs match whatever ran before", async () => {
  const first = await snapshotOfUnnamedProgram();
  const second = await snapshotOfUnnamedProgram();
  assertEquals(second, first);
  assertEquals(first.tasks.map(({ id, name, waitingOn }) => ({ id, name, waitingOn })), [
    { id: 1, name: "Task-1", waitingOn: "sleep until t=50" },
  ]);
  assertEquals(first.warnings, [{
    kind: "unretrieved",
    task: null,
    message: "<Task finished name=Task-2 exception=RangeError: lost> failed and nobody retrieved its exception",
  }]);
});

Deno.test("a snapshot alone leaves the loop as it was: steps are counted only once countSteps asks", () => {
  const stepped = new SteppedLoop();
  stepped.task("sleeper", sleep(1000));
  stepped.step(1);
  const plain = inspect(stepped.loop);
  assertEquals([plain.tasks[0].steps, stepped.loop._instruments], [0, null]);
  inspect(stepped.loop, { countSteps: true });
  stepped.step(1);
  assertEquals(inspect(stepped.loop).tasks[0].steps, 0); // the sleeper has not stepped since counting began
  stepped.close();
});
