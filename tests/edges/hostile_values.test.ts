/**
 * The hostile-values table: values that cannot be printed (or even looked
 * at) run through every public entry that accepts or delivers user values.
 * A delivered value reaches whoever awaits it untouched (the same object);
 * a bad argument gets a TypeError whose message names it; and after each
 * case the same loop still runs another task to completion.
 *
 * Each entry is one test, looping over the values, so a failure names both.
 */

import { assert, assertEquals, assertInstanceOf, assertStrictEquals, assertStringIncludes } from "@std/assert";
import {
  asCompleted,
  CancelledError,
  Condition,
  type Coro,
  createTask,
  ensureFuture,
  EventLoop,
  type ExceptionContext,
  formatTaskTable,
  formatTaskTree,
  fromPromise,
  gather,
  Lock,
  PriorityQueue,
  Queue,
  shield,
  sleep,
  taskGroup,
  timeout,
  wait,
  waitFor,
} from "../../mod.ts";
import { HOSTILE, type Hostile, NOT_CALLABLE, PRINTABLE } from "./_hostile.ts";

// deno-lint-ignore no-explicit-any
type Loose = any;

type Outcome = { returned: unknown } | { threw: unknown };

/** A loop whose exception handler records what reaches it, for one entry's cases. */
function newLoop(): { loop: EventLoop; reported: ExceptionContext[] } {
  const loop = new EventLoop({ clock: "virtual" });
  const reported: ExceptionContext[] = [];
  loop.setExceptionHandler((_loop, context) => reported.push(context));
  return { loop, reported };
}

/**
 * Runs `body` in a task and says how it ended. The task itself never fails
 * and returns a plain record, so no promise machinery reads the value.
 */
function outcome(loop: EventLoop, body: () => Coro<unknown>): Promise<Outcome> {
  return loop.runUntilComplete(loop.createTask((function* (): Coro<Outcome> {
    try {
      return { returned: yield* body() };
    } catch (error) {
      return { threw: error };
    }
  })()));
}

/** The loop is not wedged: a new task runs to completion on it. */
async function assertStillRuns(loop: EventLoop, value: Hostile): Promise<void> {
  const after = await loop.runUntilComplete(loop.createTask(sleep(5, "still runs")));
  assertEquals(after, "still runs", `after ${value.name}`);
}

function assertThrew(result: Outcome, expected: unknown, value: Hostile): void {
  assert("threw" in result, `${value.name}: expected a throw, got a result`);
  assertStrictEquals(result.threw, expected, `${value.name} must arrive untouched`);
}

/** A TypeError from `caller` that names the value as the table says it is described (`got …`). */
function assertNamedTypeError(result: Outcome, value: Hostile, caller: string, naming = "got"): void {
  assert("threw" in result, `${caller} accepted ${value.name}`);
  assertInstanceOf(result.threw, TypeError, `${caller} with ${value.name}`);
  assertStringIncludes(result.threw.message, caller, value.name);
  assertStringIncludes(result.threw.message, `${naming} ${value.described}`, value.name);
}

/** One entry: every value in `values`, each followed by a task that must still complete. */
async function forEach(
  values: readonly Hostile[],
  check: (value: Hostile, loop: EventLoop, reported: ExceptionContext[]) => Promise<void>,
): Promise<void> {
  const { loop, reported } = newLoop();
  try {
    for (const value of values) {
      reported.length = 0;
      await check(value, loop, reported);
      await assertStillRuns(loop, value);
    }
  } finally {
    loop.close();
  }
}

// ---- delivered values: the awaiter gets the very same value ----

Deno.test("a value a task throws is its exception and what yield* on the task throws", async () => {
  await forEach(HOSTILE, async (value, loop) => {
    const thrown = value.make();
    const thrower = loop.createTask((function* (): Coro<void> {
      yield* sleep(1);
      throw thrown;
    })());
    assertThrew(await outcome(loop, () => thrower), thrown, value);
    assertStrictEquals(thrower.exception(), thrown, value.name);
  });
});

Deno.test("a value a task returns is its result, as it is", async () => {
  await forEach(HOSTILE, async (value, loop) => {
    const returned = value.make();
    const task = loop.createTask(sleep(1, returned));
    const result = await outcome(loop, () => task);
    assert("returned" in result, value.name);
    assertStrictEquals(result.returned, returned, value.name);
  });
});

Deno.test("a value gather's child throws is what the gather throws", async () => {
  await forEach(HOSTILE, async (value, loop) => {
    const thrown = value.make();
    const result = await outcome(loop, () =>
      gather([
        sleep(5),
        (function* (): Coro<void> {
          yield* sleep(1);
          throw thrown;
        })(),
      ]));
    assertThrew(result, thrown, value);
  });
});

Deno.test("setException(value) makes yield* on the future throw that value", async () => {
  await forEach(HOSTILE.filter((value) => value.name !== "undefined"), async (value, loop) => {
    const thrown = value.make();
    const future = loop.createFuture();
    loop.callLater(1, () => future.setException(thrown));
    assertThrew(await outcome(loop, () => future), thrown, value);
    assertStrictEquals(future.exception(), thrown, value.name);
  });
});

Deno.test("a value a callSoon or callLater callback throws reaches the exception handler as it is", async () => {
  await forEach(HOSTILE, async (value, loop, reported) => {
    const thrown = value.make();
    loop.callSoon(() => {
      throw thrown;
    });
    loop.callLater(2, () => {
      throw thrown;
    });
    await loop.runUntilComplete(sleep(3));
    assertEquals(reported.length, 2, value.name);
    assertStrictEquals(reported[0].exception, thrown, value.name);
    assertStrictEquals(reported[1].exception, thrown, value.name);
    assertStringIncludes(reported[0].message, "Exception in callback", value.name);
  });
});

Deno.test("a value a done-callback throws reaches the exception handler as it is", async () => {
  await forEach(HOSTILE, async (value, loop, reported) => {
    const thrown = value.make();
    const future = loop.createFuture<number>();
    future.addDoneCallback(() => {
      throw thrown;
    });
    loop.callSoon(() => future.setResult(1));
    assertEquals(await loop.runUntilComplete(future), 1);
    await loop.runUntilComplete(sleep(0));
    assertEquals(reported.length, 1, value.name);
    assertStrictEquals(reported[0].exception, thrown, value.name);
  });
});

/**
 * Each printable value thrown by `raise` (given the loop) must be logged once by the default handler, its first
 * line starting with `heading`. console.error is captured: the Chromium stage fails on any console error.
 */
async function assertLoggedOnce(heading: string, raise: (loop: EventLoop, thrown: unknown) => void): Promise<void> {
  const logged: string[] = [];
  const original = console.error;
  console.error = (text: string) => logged.push(text);
  try {
    await forEach(HOSTILE, async (value, loop) => {
      logged.length = 0;
      raise(loop, value.make());
      await loop.runUntilComplete(sleep(1));
      assertEquals(logged.length, 1, value.name);
      assertStringIncludes(logged[0], heading, value.name);
    });
  } finally {
    console.error = original;
  }
}

Deno.test("the default exception handler logs a callback's printable hostile value, and the loop goes on", async () => {
  await assertLoggedOnce("Exception in callback", (loop, thrown) => {
    loop.setExceptionHandler(null);
    loop.callSoon(() => {
      throw thrown;
    });
  });
});

Deno.test("an exception handler that throws a printable hostile value is logged, and the loop goes on", async () => {
  await assertLoggedOnce("Unhandled error in exception handler", (loop, thrown) => {
    loop.setExceptionHandler(() => {
      throw thrown;
    });
    loop.callSoon(() => {
      throw new Error("first");
    });
  });
});

Deno.test("cancel(value) with any value cancels: the awaiter gets a CancelledError", async () => {
  await forEach(HOSTILE, async (value, loop) => {
    const task = loop.createTask(sleep(10));
    loop.callLater(1, () => task.cancel(value.make() as Loose));
    const result = await outcome(loop, () => task);
    assert("threw" in result, value.name);
    assertInstanceOf(result.threw, CancelledError, value.name);
    assertEquals(task.cancelled(), true, value.name);
  });
});

Deno.test("a task's signal option aborted with a printable hostile reason cancels the task", async () => {
  await forEach(HOSTILE, async (value, loop) => {
    const controller = new AbortController();
    const task = loop.createTask(sleep(10), { signal: controller.signal });
    loop.callLater(1, () => controller.abort(value.make()));
    const result = await outcome(loop, () => task);
    assert("threw" in result, value.name);
    assertInstanceOf(result.threw, CancelledError, value.name);
  });
});

Deno.test("fromPromise delivers the reason a host promise rejects with (an AbortSignal's) untouched", async () => {
  await forEach(HOSTILE, async (value, loop) => {
    const controller = new AbortController();
    const request = new Promise((_, reject) => {
      controller.signal.addEventListener("abort", () => reject(controller.signal.reason));
    });
    // From the host, as a real abort comes: virtual time does not move while a host promise is pending.
    setTimeout(() => controller.abort(value.make()), 0);
    // abort(undefined) makes the reason an AbortError: what the signal holds is what must arrive.
    assertThrew(await outcome(loop, () => fromPromise(request)), controller.signal.reason, value);
  });
});

Deno.test("a value a coroutine yields is refused with a TypeError naming it, thrown in at the yield", async () => {
  const yieldable = HOSTILE.filter((value) =>
    value.name !== "undefined" && // a bare `yield` is allowed
    value.name !== "an object whose then getter throws" &&
    value.name !== "an object whose Symbol.iterator getter throws"
  );
  await forEach(yieldable, async (value, loop) => {
    const result = await outcome(loop, function* () {
      yield value.make();
    });
    assert("threw" in result, value.name);
    assertInstanceOf(result.threw, TypeError, value.name);
    assertStringIncludes(result.threw.message, `a coroutine yielded ${value.described}`, value.name);
  });
});

Deno.test("a task named with a hostile value runs, and the views print its name on one line", async () => {
  // An undefined name is no name: the task is Task-<n>. A name String() cannot convert is described instead.
  await forEach(HOSTILE.filter((value) => value.name !== "undefined"), async (value, loop) => {
    const name = value.make() as Loose;
    const task = loop.createTask(sleep(10, "done"), { name });
    await loop.runUntilComplete(sleep(1));
    const printable = PRINTABLE.includes(value);
    assertEquals(task.getName(), printable ? String(name) : value.described, value.name);
    assertEquals(formatTaskTree(loop).split("\n").length, 1, value.name);
    assertEquals(formatTaskTable(loop).split("\n").length, 2, value.name);
    assertEquals(await loop.runUntilComplete(task), "done");
  });
});

Deno.test("a Queue hands on whatever is put into it, as it is", async () => {
  await forEach(HOSTILE, async (value, loop) => {
    const item = value.make();
    const queue = new Queue<unknown>();
    const result = await outcome(loop, function* () {
      yield* queue.put(item);
      return yield* queue.get();
    });
    assert("returned" in result, value.name);
    assertStrictEquals(result.returned, item, value.name);
  });
});

// ---- bad arguments: a TypeError that names the value, never the value's own error ----

/** `call` with the value as a bad argument, inside a task: the TypeError it raises names the value. */
async function assertRefused(
  values: readonly Hostile[],
  caller: string,
  call: (value: unknown, loop: EventLoop) => Coro<unknown> | unknown,
  naming = "got",
): Promise<void> {
  await forEach(values, async (value, loop) => {
    const result = await outcome(loop, function* () {
      const made = call(value.make(), loop);
      return typeof (made as Coro<unknown>)?.next === "function" ? yield* made as Coro<unknown> : made;
    });
    assertNamedTypeError(result, value, caller, naming);
  });
}

Deno.test("gather, wait, waitFor, shield and asCompleted refuse a hostile awaitable with a TypeError naming it", async () => {
  await assertRefused(HOSTILE, "gather", (value) => gather([value as Loose]));
  await assertRefused(HOSTILE, "wait", (value) => wait([value as Loose]));
  await assertRefused(HOSTILE, "waitFor", (value) => waitFor(value as Loose, 10));
  await assertRefused(HOSTILE, "shield", (value) => shield(value as Loose));
  await assertRefused(HOSTILE, "asCompleted", (value) => asCompleted([value as Loose]));
  await assertRefused(HOSTILE, "ensureFuture", (value) => ensureFuture(value as Loose));
});

Deno.test("gather, wait and asCompleted refuse a hostile collection with a TypeError naming it", async () => {
  await assertRefused(HOSTILE, "gather", (value) => gather(value as Loose));
  await assertRefused(HOSTILE, "wait", (value) => wait(value as Loose));
  await assertRefused(HOSTILE, "asCompleted", (value) => asCompleted(value as Loose));
});

Deno.test("fromPromise refuses a hostile value that is not a function with a TypeError naming it", async () => {
  await assertRefused(NOT_CALLABLE, "fromPromise", (value) => fromPromise(value as Loose));
  await assertRefused(NOT_CALLABLE, "fromPromise", (value) => fromPromise(() => value as Loose));
});

Deno.test("taskGroup, timeout and Lock.hold refuse a hostile body with a TypeError naming it", async () => {
  await assertRefused(NOT_CALLABLE, "taskGroup", (value) => taskGroup(value as Loose));
  await assertRefused(NOT_CALLABLE, "timeout", (value) => timeout(10, value as Loose));
  await assertRefused(NOT_CALLABLE, "Lock.hold()", (value) => new Lock().hold(value as Loose));
});

Deno.test("a timeout or Lock.hold body that returns a readable hostile value is refused with a TypeError naming it", async () => {
  const returnable = HOSTILE.filter((value) => value.name !== "an object whose then getter throws");
  await assertRefused(returnable, "timeout's body", (value) => timeout(10, () => value as Loose), "returned");
  await assertRefused(returnable, "Lock.hold()'s body", (value) => new Lock().hold(() => value as Loose), "returned");
});

Deno.test("new Condition() and Condition.waitFor() refuse a hostile argument with a TypeError naming it", async () => {
  const notUndefined = HOSTILE.filter((value) => value.name !== "undefined");
  await assertRefused(notUndefined, "new Condition()", (value) => new Condition(value as Loose));
  await assertRefused(NOT_CALLABLE, "waitFor", (value) => {
    const condition = new Condition();
    return condition.hold(() => condition.waitFor(value as Loose));
  });
});

Deno.test("a PriorityQueue refuses to order a hostile item, names it, and keeps what it held", async () => {
  await forEach(HOSTILE, async (value, loop) => {
    const queue = new PriorityQueue<unknown>();
    queue.putNowait(1);
    // deno-lint-ignore require-yield -- the put must run inside a task, and never waits
    const result = await outcome(loop, function* () {
      queue.putNowait(value.make());
    });
    assert("threw" in result, value.name);
    assertInstanceOf(result.threw, TypeError, value.name);
    assertStringIncludes(result.threw.message, `cannot order ${value.described} and 1 (a number)`, value.name);
    assertEquals([queue.qsize(), queue.getNowait()], [1, 1], value.name);
  });
});

Deno.test("createTask, callSoon and runUntilComplete refuse a hostile argument with a TypeError naming it", async () => {
  const classifiable = HOSTILE.filter((value) => value.name !== "an object whose then getter throws");
  await assertRefused(classifiable, "expects a coroutine", (value) => createTask(value as Loose));
  await assertRefused(NOT_CALLABLE, "callSoon", (value, loop) => loop.callSoon(value as Loose));
  await forEach(HOSTILE, async (value, loop) => {
    let result: Outcome;
    try {
      result = { returned: await loop.runUntilComplete(value.make() as Loose) };
    } catch (error) {
      result = { threw: error };
    }
    assertNamedTypeError(result, value, "ensureFuture");
  });
});
