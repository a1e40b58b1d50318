// deno-lint-ignore-file require-yield -- coroutines that finish in their first step are part of what is tested
/**
 * Coroutines used wrongly: a hand-written iterator whose `next()` answers
 * something that is no iterator result, a coroutine handed to a second task
 * (caught in debug mode), and an instrument hook that starts an eager task in
 * the middle of another task's step. Each is a clear error naming the object,
 * or harmless, and the same loop runs another task to completion afterwards.
 */

import { assertEquals, assertInstanceOf, assertStringIncludes, assertThrows } from "@std/assert";
import { type Coro, createTask, EventLoop, type Future, sleep } from "../../mod.ts";
import { untyped } from "./_helpers.ts";

/** A hand-written coroutine whose `next()` answers `answer`. */
function answering(answer: unknown): Coro<unknown> {
  const coro = {
    next: () => answer,
    return: (value: unknown) => ({ done: true as const, value }),
    throw: (error: unknown) => {
      throw error;
    },
    [Symbol.iterator]: () => coro,
    toString: () => "<answers " + String(answer) + ">",
  };
  return untyped(coro);
}

async function assertLoopStillRuns(loop: EventLoop): Promise<void> {
  assertEquals(await loop.runUntilComplete(sleep(1, "still runs")), "still runs");
}

for (const answer of [null, undefined, 5, "done"]) {
  Deno.test(`a coroutine whose next() answers ${String(answer)} fails its task with a TypeError naming it`, async () => {
    const loop = new EventLoop({ clock: "virtual" });
    const task = loop.createTask(answering(answer));
    const error = await loop.runUntilComplete(task).catch((e) => e);
    assertInstanceOf(error, TypeError);
    assertStringIncludes(error.message, `<answers ${String(answer)}>`);
    assertStringIncludes(error.message, "must return iterator results ({ done, value })");
    assertEquals(task.done(), true);
    await assertLoopStillRuns(loop);
    loop.close();
  });
}

Deno.test("in debug mode, a generator handed to a second task is a TypeError at createTask naming the first", async () => {
  const loop = new EventLoop({ clock: "virtual", debug: true });
  function* work(): Coro<string> {
    yield* sleep(5);
    return "worked";
  }
  const coro = work();
  const first = loop.createTask(coro, { name: "first" });
  const pending = assertThrows(() => loop.createTask(coro), TypeError);
  assertStringIncludes(pending.message, "was handed to a second task: <Task pending name=first");
  assertStringIncludes(pending.message, "call its generator function again");
  assertEquals(await loop.runUntilComplete(first), "worked");
  const finished = assertThrows(() => loop.createTask(coro), TypeError);
  assertStringIncludes(finished.message, "drove it to its end");
  await assertLoopStillRuns(loop);
  loop.close();
});

Deno.test("an instrument hook that starts an eager task mid-step does not disturb the stepping task", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  const started: string[] = [];
  let waited: Future<number> | null = null;
  loop.addInstrument({
    afterTaskStep(task) {
      // Between a step's yield and the stepping task reading what it yielded: the worst moment.
      if (task.getName() !== "stepper" || started.length > 0) return;
      started.push("eager");
      const other = loop.createFuture<void>();
      loop.callLater(1, () => other.setResult());
      createTask(
        (function* () {
          yield* other; // it too suspends on a future, through the same shared marker
        })(),
        { eager: true, name: "eager" },
      );
    },
  });
  const value = await loop.runUntilComplete(loop.createTask(
    (function* () {
      waited = loop.createFuture<number>();
      loop.callLater(3, (future: Future<number>) => future.setResult(42), waited);
      return yield* waited;
    })(),
    { name: "stepper" },
  ));
  assertEquals([value, started], [42, ["eager"]]);
  await assertLoopStillRuns(loop);
  loop.close();
});

Deno.test("a task whose coroutine only returns finishes with the value, whatever the loop did before", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  const task = loop.createTask((function* () {
    return "returned at once";
  })());
  assertEquals(await loop.runUntilComplete(task), "returned at once");
  loop.close();
});
