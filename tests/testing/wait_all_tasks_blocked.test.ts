/** waitAllTasksBlocked() returns once every other task is parked and nothing is ready — and lets no time pass. */

import { assert, assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { CancelledError, createTask, Event, getRunningLoop, InvalidStateError, Lock, Queue, sleep } from "../../mod.ts";
import { exploreSeeds, runTest, waitAllTasksBlocked } from "../../lib/testing/mod.ts";
import { caught } from "../_support/caught.ts";

/** A child that takes a few steps of its own before it reaches `lock.acquire()`. */
function* parkedOnLock(): Generator<unknown, string[], unknown> {
  const seen: string[] = [];
  const lock = new Lock();
  yield* lock.acquire();
  const child = createTask(
    (function* () {
      for (let i = 0; i < 3; i++) yield;
      yield* sleep(0);
      seen.push("child reaches acquire()");
      yield* lock.acquire();
      seen.push("child holds the lock");
      lock.release();
    })(),
    { name: "child" },
  );
  yield* waitAllTasksBlocked();
  seen.push(`parent resumes: ${lock} ${child}`);
  assertEquals(getRunningLoop().time(), 0);
  lock.release();
  yield* child;
  return seen;
}

Deno.test("waitAllTasksBlocked returns only after the child is parked on lock.acquire()", async () => {
  const seen = await runTest(parkedOnLock, { seed: null });
  assertEquals(seen.slice(0, 1), ["child reaches acquire()"]);
  assertStringIncludes(seen[1], "parent resumes: <Lock locked waiters=1> <Task pending name=child waiting=");
  assertEquals(seen[2], "child holds the lock");
});

Deno.test("waitAllTasksBlocked holds under every schedule", async () => {
  const { failures } = await exploreSeeds(function* () {
    const seen = yield* parkedOnLock();
    assertEquals(seen[0], "child reaches acquire()");
    assertStringIncludes(seen[1], "<Lock locked waiters=1>");
  }, { seeds: 30, shuffle: "all" });
  assertEquals(failures, []);
});

Deno.test("tasks sleeping on timers count as blocked: no time passes, and a busy task is waited out", async () => {
  await runTest(function* () {
    const sleeper = createTask(sleep(100));
    let spins = 0;
    const spinner = createTask((function* () {
      for (; spins < 5; spins++) yield;
    })());
    yield* waitAllTasksBlocked();
    assertEquals([getRunningLoop().time(), spins, spinner.done(), sleeper.done()], [0, 5, true, false]);
    yield* sleeper;
  }, { seed: null });
});

Deno.test("a due timer is work: a callLater(0) runs before waitAllTasksBlocked returns", async () => {
  await runTest(function* () {
    const ran: string[] = [];
    getRunningLoop().callLater(0, () => ran.push("timer"));
    yield* waitAllTasksBlocked();
    assertEquals(ran, ["timer"]);
  }, { seed: null });
});

Deno.test("several waiters wake together; a cancelled one drops out", async () => {
  await runTest(function* () {
    const woke: string[] = [];
    const event = new Event();
    const consumer = createTask(new Queue<number>().get());
    const waiter = (name: string) =>
      createTask((function* () {
        yield* waitAllTasksBlocked();
        woke.push(`${name}@${getRunningLoop().time()}`);
      })());
    const [a, b, c] = [waiter("a"), waiter("b"), waiter("c")];
    const blocked = createTask(event.wait());
    b.cancel();
    yield* a;
    yield* c;
    assertEquals(woke, ["a@0", "c@0"]);
    assert((yield* caught(b)) instanceof CancelledError);
    event.set();
    yield* blocked;
    consumer.cancel();
    yield* waitAllTasksBlocked();
    assert(consumer.cancelled());
  }, { seed: null });
});

Deno.test("waitAllTasksBlocked outside a task is an InvalidStateError", async () => {
  await runTest(function* () {
    const outcome = getRunningLoop().createFuture<unknown>();
    getRunningLoop().callSoon(() => {
      try {
        waitAllTasksBlocked().next();
        outcome.setResult("no error");
      } catch (e) {
        outcome.setResult(e);
      }
    });
    const error = yield* outcome;
    assert(error instanceof InvalidStateError, String(error));
    assertStringIncludes(error.message, "inside a task");
  }, { seed: null });
  assertThrows(() => waitAllTasksBlocked().next(), InvalidStateError, "needs a running event loop");
});
