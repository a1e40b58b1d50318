/**
 * Long chains of tasks, each awaiting the next: cancelling one, shutting one
 * down, diagnosing a deadlocked one, and eager starts nested by recursion —
 * iterative and linear in the number of tasks, never a stack overflow, and
 * the same loop runs another task to completion afterwards.
 */

import { assert, assertEquals, assertRejects } from "@std/assert";
import { allTasks, type Coro, createTask, DeadlockError, Event, EventLoop, run, sleep, type Task } from "../../mod.ts";

/** Far deeper than a recursive cancel, shutdown or report could go without overflowing the stack. */
const DEPTH = 100_000;

function* awaiting<T>(task: Task<T>): Coro<T> {
  return yield* task;
}

/** A chain: each task awaits the next, the last an event nobody sets. Returns the tasks, the head first. */
function chain(depth: number, end: Event): Task<unknown>[] {
  const tasks: Task<unknown>[] = [createTask(end.wait())];
  for (let i = 1; i < depth; i++) tasks.push(createTask(awaiting(tasks[i - 1])));
  return tasks.reverse();
}

Deno.test("cancel() on the head of a 100k-deep chain cancels every task, without overflowing the stack", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  const outcome = await loop.runUntilComplete((function* () {
    const tasks = chain(DEPTH, new Event());
    yield* sleep(0); // every task is now suspended on the next one
    assertEquals(tasks[0].cancel("stop"), true);
    yield* sleep(0);
    const cancelling = tasks.filter((task) => task.cancelling() === 1).length;
    while (!tasks[0].done()) yield* sleep(0);
    return { cancelling, cancelled: tasks.filter((task) => task.cancelled()).length };
  })());
  assertEquals(outcome, { cancelling: DEPTH, cancelled: DEPTH });
  assertEquals(await loop.runUntilComplete(sleep(1, "the loop still runs")), "the loop still runs");
  loop.close();
});

Deno.test("run() shuts down a 100k-deep chain it leaves behind in linear time", async () => {
  const start = performance.now();
  let tasks: Task<unknown>[] = [];
  const value = await run(function* () {
    tasks = chain(DEPTH, new Event());
    yield* sleep(0);
    return "main returned";
  }, { clock: "virtual" });
  assertEquals(value, "main returned");
  assertEquals(tasks.filter((task) => task.cancelled()).length, DEPTH);
  // Generous: linear takes well under a second; n²/2 forwarded cancels would take minutes.
  assert(performance.now() - start < 30_000, `the shutdown took ${performance.now() - start} ms`);
});

Deno.test("a deadlocked 100k-deep chain is a DeadlockError naming every task, not a RangeError", async () => {
  const error = await assertRejects(
    () =>
      run(function* () {
        const tasks = chain(DEPTH, new Event());
        yield* tasks[0];
      }, { clock: "virtual" }),
    DeadlockError,
  );
  assertEquals(error.tasks.length, DEPTH + 1);
  const lines = error.tree.split("\n");
  assertEquals(lines.length, DEPTH + 1);
  assertEquals(lines[0], "main — waiting on task Task-100001"); // main, on the head
  assertEquals(lines[1], "Task-2 — waiting on Event#1"); // the end, made first
  assertEquals(lines[DEPTH], "Task-100001 — waiting on task Task-100000");
});

Deno.test("an await cycle in a deadlock is named once, however long the chain that leads into it", async () => {
  const error = await assertRejects(
    () =>
      run(function* () {
        const holder: { last?: Task<unknown> } = {};
        const first = createTask(
          (function* (): Coro<unknown> {
            yield* sleep(0);
            return yield* holder.last!;
          })(),
          { name: "first" },
        );
        let previous: Task<unknown> = first;
        for (let i = 0; i < 1000; i++) previous = createTask(awaiting(previous), { name: `t${i}` });
        holder.last = previous;
        yield* previous;
      }, { clock: "virtual" }),
    DeadlockError,
  );
  const cycles = error.tree.split("\n").filter((line) => line.startsWith("cycle: "));
  assertEquals(cycles.length, 1);
  assert(cycles[0].startsWith("cycle: t999 → t998 → "), cycles[0]);
  assert(cycles[0].endsWith(" → first → t999"), cycles[0]);
});

Deno.test("eager starts nested by recursion past the eager depth start lazily instead of overflowing", async () => {
  function* descend(n: number): Coro<number> {
    if (n === 5_000) return n;
    return yield* createTask(descend(n + 1), { eager: true });
  }
  const loop = new EventLoop({ clock: "virtual" });
  assertEquals(await loop.runUntilComplete(loop.createTask(descend(0))), 5_000);
  assertEquals(allTasks(loop).size, 0);
  assertEquals(await loop.runUntilComplete(sleep(1, "the loop still runs")), "the loop still runs");
  loop.close();
});

Deno.test("cancelling the middle of a chain cancels what it awaits, and those awaiting it end cancelled too", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  const tasks = await loop.runUntilComplete((function* () {
    const tasks = chain(1000, new Event());
    yield* sleep(0);
    assertEquals(tasks[500].cancel(), true);
    return tasks;
  })());
  await loop.runUntilComplete(sleep(10));
  assertEquals(tasks.filter((task) => task.cancelled()).length, 1000);
  assertEquals([tasks[0].cancelling(), tasks[500].cancelling(), tasks[999].cancelling()], [0, 1, 1]);
  assertEquals(await loop.runUntilComplete(sleep(1, "the loop still runs")), "the loop still runs");
  loop.close();
});
