/** DeadlockError: its tree is formatTaskTree(), so it says which task waits on what. */

import { assert, assertEquals, assertInstanceOf, assertRejects, assertStringIncludes } from "@std/assert";
import {
  currentTask,
  DeadlockError,
  Event,
  EventLoop,
  fromPromise,
  getRunningLoop,
  inspect,
  run,
  sleep,
  type Task,
  taskGroup,
} from "../../mod.ts";
import { co } from "./_helpers.ts";

const nameOf = (task: unknown): string => (task as Task<unknown>).getName();

Deno.test("two tasks each waiting on an Event only the other sets: the error names both tasks and both events", async () => {
  const ping = new Event(), pong = new Event();
  const error = await assertRejects(
    () =>
      run(function* () {
        currentTask()!.setName("main");
        yield* taskGroup(function* (tg) {
          tg.createTask(
            co(function* () {
              yield* ping.wait();
              pong.set();
            }),
            { name: "p" },
          );
          tg.createTask(
            co(function* () {
              yield* pong.wait();
              ping.set();
            }),
            { name: "c" },
          );
        });
      }, { clock: "virtual" }),
    DeadlockError,
  );
  assertEquals(
    error.tree,
    ["main — waiting on taskGroup exit", "p — waiting on Event#1", "c — waiting on Event#2"].join("\n"),
  );
  assertEquals(error.tasks.map(nameOf), ["main", "p", "c"]);
  assertEquals(
    error.message,
    "deadlock: nothing is ready, no timer is armed and no host wake-up is expected, but 3 task(s) still wait:\n" +
      error.tree,
  );
});

Deno.test("a two-task cycle in a deadlock is reported as a cycle", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  const reports: string[] = [];
  loop.setExceptionHandler((_loop, context) => reports.push(context.message));
  const tasks: Task<void>[] = [];
  tasks.push(loop.createTask(
    co(function* () {
      yield* sleep(0);
      yield* tasks[1];
    }),
    { name: "t1" },
  ));
  tasks.push(loop.createTask(
    co(function* () {
      yield* tasks[0];
    }),
    { name: "t2" },
  ));
  const error = await assertRejects(() => loop.runUntilComplete(tasks[0]), DeadlockError);
  assertEquals(error.tree, "t1 — waiting on task t2\nt2 — waiting on task t1\ncycle: t1 → t2 → t1");
  loop.close(); // closed as they are: each pending task is reported (await_cycle.test.ts cancels them)
  assertEquals(reports.length, 2);
});

Deno.test("a virtual loop with a fromPromise in flight waits for it instead of reporting a deadlock", async () => {
  let during = "";
  const value = await run(function* () {
    currentTask()!.setName("main");
    const answer = new Promise<string>((resolve) => setTimeout(() => resolve("host answered"), 5));
    getRunningLoop().callSoon(() => during = inspect(getRunningLoop()).tasks.map((t) => t.waitingOn).join());
    return yield* fromPromise(answer);
  }, { clock: "virtual" });
  assertEquals([value, during], ["host answered", "a Promise"]);
});

Deno.test("a deadlock with nothing but a bare future names the task and the future", async () => {
  const error = await assertRejects(
    () =>
      run(function* () {
        currentTask()!.setName("main");
        yield* getRunningLoop().createFuture();
      }, { clock: "virtual" }),
    DeadlockError,
  );
  assertInstanceOf(error, Error);
  assertEquals(error.tree, "main — waiting on <Future pending>");
  assertStringIncludes(error.message, "1 task(s) still wait");
  assert(error.tasks.length === 1);
});
