/**
 * Await cycles (t1 awaits t2, which awaits t1): printing a task prints what
 * it awaits one level deep, a cancel passed on round the cycle stops where it
 * came back and unwinds the cycle, so run() reports the DeadlockError itself.
 */

import { assertEquals, assertInstanceOf, assertRejects } from "@std/assert";
import { createTask, currentTask, DeadlockError, gather, run, sleep, type Task } from "../../mod.ts";
import { captureConsoleAsync } from "../loop/_support.ts";
import { awaitCycle, co, SteppedLoop } from "./_helpers.ts";

Deno.test("a task in an await cycle prints the task it awaits by state and name only", () => {
  const stepped = new SteppedLoop();
  const [t1, t2] = awaitCycle(stepped);
  assertEquals(String(t1), "<Task pending name=t1 waiting=<Task pending name=t2>>");
  assertEquals(String(t2), "<Task pending name=t2 waiting=<Task pending name=t1>>");
  stepped.close();
});

Deno.test("cancelling a task in an await cycle cancels both: the cancel stops where it comes back round", () => {
  const stepped = new SteppedLoop();
  const [t1, t2] = awaitCycle(stepped);
  assertEquals(t1.cancel("stop"), true);
  assertEquals([t1.cancelling(), t2.cancelling()], [1, 1]);
  assertEquals(String(t2), "<Task cancelling name=t2>"); // it left the cycle: its step is queued
  assertEquals(t1.cancel(), true); // a second cancel goes round again without queueing a second step
  stepped.step(2);
  assertEquals([t1.cancelled(), t2.cancelled()], [true, true]);
  assertEquals(stepped.reports, []);
  stepped.close();
});

Deno.test("a cycle through gather unwinds on cancel too", () => {
  const stepped = new SteppedLoop();
  const tasks: Task<unknown>[] = [];
  tasks.push(stepped.task(
    "outer",
    co(function* () {
      yield* sleep(0);
      yield* gather([tasks[1]]);
    }),
  ));
  tasks.push(stepped.task(
    "inner",
    co(function* () {
      yield* tasks[0];
    }),
  ));
  stepped.step(2);
  assertEquals(tasks[0].cancel(), true);
  stepped.step(3);
  assertEquals(tasks.map((task) => task.cancelled()), [true, true]);
  stepped.close();
});

Deno.test("run() on a two-task cycle rejects with DeadlockError under the default exception handler", async () => {
  let error: DeadlockError | undefined;
  const logged = await captureConsoleAsync("error", async () => {
    error = await assertRejects(
      () =>
        run(function* () {
          currentTask()!.setName("main");
          const tasks: Task<void>[] = [];
          tasks.push(createTask(
            co(function* () {
              yield* sleep(0);
              yield* tasks[1];
            }),
            { name: "t1" },
          ));
          tasks.push(createTask(
            co(function* () {
              yield* tasks[0];
            }),
            { name: "t2" },
          ));
          yield* tasks[0];
        }, { clock: "virtual" }),
      DeadlockError,
    );
  });
  assertInstanceOf(error, DeadlockError);
  assertEquals(
    error.tree,
    "main — waiting on task t1\nt1 — waiting on task t2\nt2 — waiting on task t1\ncycle: t1 → t2 → t1",
  );
  assertEquals(error.tasks.map((task) => String(task)), [
    "<Task cancelled name=main>",
    "<Task cancelled name=t1>",
    "<Task cancelled name=t2>",
  ]);
  assertEquals(logged, []);
});
