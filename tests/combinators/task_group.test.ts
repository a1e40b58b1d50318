/**
 * taskGroup / TaskGroup (asyncio's taskgroups.py, test_taskgroups.py): exit
 * waits for every child; the first child error cancels the siblings and the
 * body and all errors come out as one ExceptionGroup; a cancelled parent
 * cancels the children and propagates CancelledError; errors take priority;
 * nested groups; lifecycle errors; the parent's cancelling() restored.
 */

import { assert, assertEquals, assertInstanceOf, assertThrows } from "@std/assert";
import {
  CancelledError,
  type Coro,
  createTask,
  currentTask,
  ExceptionGroup,
  getRunningLoop,
  InvalidStateError,
  run,
  sleep,
  type Task,
  TaskGroup,
  taskGroup,
} from "../../mod.ts";
import { caught, untyped } from "../task/_helpers.ts";
import { now } from "./_helpers.ts";

const virtual = { clock: "virtual" } as const;

/** Sleeps `ms` and returns `value`, logging a cancellation (with the time) if one arrives. */
function* child<T>(ms: number, value: T, log: unknown[], name = String(value)): Coro<T> {
  try {
    yield* sleep(ms);
    return value;
  } catch (e) {
    if (e instanceof CancelledError) log.push([`${name} cancelled`, now()]);
    throw e;
  }
}

function* failAfter(ms: number, error: unknown): Coro<never> {
  yield* sleep(ms);
  throw error;
}

function messages(group: unknown): unknown[] {
  assertInstanceOf(group, ExceptionGroup);
  return group.exceptions.map((e) => e instanceof ExceptionGroup ? messages(e) : (e as Error).message);
}

Deno.test("the group waits for every child, including one started late, and returns the body's value", async () => {
  const out = await run(function* () {
    const log: unknown[] = [];
    const value = yield* taskGroup(function* (tg) {
      const a = tg.createTask(child(100, "a", log));
      yield* sleep(150);
      const b = tg.createTask(child(200, "b", log));
      return [a, b] as const;
    });
    return [value[0].result(), value[1].result(), now(), log];
  }, virtual);
  assertEquals(out, ["a", "b", 350, []]);
});

Deno.test("the first child error cancels the siblings and the body; the errors come out as one ExceptionGroup", async () => {
  const out = await run(function* () {
    const log: unknown[] = [];
    let sibling: Task<string> | null = null;
    const error = yield* caught(taskGroup(function* (tg) {
      tg.createTask(failAfter(100, new RangeError("boom")));
      sibling = tg.createTask(child(1000, "sibling", log));
      try {
        yield* sleep(10_000);
      } catch (e) {
        log.push([`body got ${(e as Error).name}`, now()]);
        throw e;
      }
      log.push(["after the body's sleep: never"]);
    }));
    assertEquals(error, new ExceptionGroup("unhandled errors in a TaskGroup", [new RangeError("boom")]));
    return [log, sibling!.cancelled(), now(), currentTask()!.cancelling()];
  }, virtual);
  assertEquals(out, [[["sibling cancelled", 100], ["body got CancelledError", 100]], true, 100, 0]);
});

Deno.test("children failing in the same iteration are all in the group, in the order they failed", async () => {
  const error = await run(function* () {
    return yield* caught(taskGroup(function* (tg) {
      tg.createTask(failAfter(10, new Error("first")));
      tg.createTask(failAfter(10, new Error("second")));
      tg.createTask(failAfter(20, new Error("never: cancelled at 10")));
    }));
  }, virtual);
  assertEquals(messages(error), ["first", "second"]);
});

Deno.test("an error in the body cancels the children and comes out last in the group", async () => {
  const out = await run(function* () {
    const log: unknown[] = [];
    const error = yield* caught(taskGroup(function* (tg) {
      tg.createTask(child(100, "a", log));
      tg.createTask(child(200, "b", log));
      yield* sleep(10);
      throw new TypeError("body failed");
    }));
    return [messages(error), log];
  }, virtual);
  assertEquals(out, [["body failed"], [["a cancelled", 10], ["b cancelled", 10]]]);
});

Deno.test("a child that fails while another fails in its cleanup: both errors, in order", async () => {
  const out = await run(function* () {
    const error = yield* caught(taskGroup(function* (tg) {
      tg.createTask(failAfter(10, new Error("first")));
      tg.createTask((function* () {
        try {
          yield* sleep(100);
        } finally {
          yield* sleep(5); // cleanup takes time, then fails
          // deno-lint-ignore no-unsafe-finally -- a child failing while it is cancelled
          throw new Error("during cleanup");
        }
      })());
    }));
    return [messages(error), now()];
  }, virtual);
  assertEquals(out, [["first", "during cleanup"], 15]);
});

Deno.test("a body that catches the group's cancel and raises its own error: the child's error, then the body's", async () => {
  const error = await run(function* () {
    return yield* caught(taskGroup(function* (tg) {
      tg.createTask(failAfter(10, new Error("child")));
      try {
        yield* sleep(100);
      } catch {
        throw new Error("body"); // asyncio's test_taskgroup_18 in reverse
      }
    }));
  }, virtual);
  assertEquals(messages(error), ["child", "body"]);
});

Deno.test("cancelling the parent cancels every child and propagates CancelledError (no group), with its message", async () => {
  const out = await run(function* () {
    const log: unknown[] = [];
    const parent = createTask(taskGroup(function* (tg) {
      for (const name of ["a", "b"]) tg.createTask(child(1000, name, log));
      yield* sleep(5000);
    }));
    yield* sleep(10);
    parent.cancel("shutting down");
    const error = yield* caught(parent);
    return [(error as Error).name, (error as Error).message, parent.cancelled(), log];
  }, virtual);
  assertEquals(out, ["CancelledError", "shutting down", true, [["a cancelled", 10], ["b cancelled", 10]]]);
});

Deno.test("a parent cancelled while exit waits for the children: they are cancelled then, and CancelledError propagates", async () => {
  const out = await run(function* () {
    const log: unknown[] = [];
    // deno-lint-ignore require-yield -- the body only starts a child: exit does the waiting
    const parent = createTask(taskGroup(function* (tg) {
      tg.createTask(child(1000, "a", log));
    }));
    getRunningLoop().callLater(10, () => parent.cancel());
    const error = yield* caught(parent);
    return [(error as Error).name, parent.cancelled(), log, now()];
  }, virtual);
  assertEquals(out, ["CancelledError", true, [["a cancelled", 10]], 10]);
});

Deno.test("errors take priority over a cancel of the parent, which is requested again so it is not lost", async () => {
  const out = await run(function* () {
    const log: unknown[] = [];
    const parent = createTask((function* () {
      const error = yield* caught(taskGroup(function* (tg) {
        tg.createTask((function* () {
          try {
            yield* sleep(1000);
          } finally {
            // deno-lint-ignore no-unsafe-finally -- fails while being cancelled
            throw new Error("cleanup failed");
          }
        })());
        yield* sleep(1000);
      }));
      log.push([messages(error), currentTask()!.cancelling(), now()]);
      try {
        yield* sleep(1); // the parent's cancel was kept: it lands here
      } catch (e) {
        log.push([(e as Error).name, now()]);
        throw e;
      }
    })());
    getRunningLoop().callLater(10, () => parent.cancel());
    yield* caught(parent);
    return [log, parent.cancelled()];
  }, virtual);
  assertEquals(out, [[[["cleanup failed"], 1, 10], ["CancelledError", 10]], true]);
});

Deno.test("a child failing in the iteration the parent is cancelled from outside: the error wins, the cancel is kept", async () => {
  const out = await run(function* () {
    const log: unknown[] = [];
    const parent = createTask((function* () {
      const error = yield* caught(taskGroup(function* (tg) {
        tg.createTask(failAfter(10, new Error("child")));
        tg.createTask(child(1000, "sibling", log));
        yield* sleep(1000);
      }));
      log.push([messages(error), currentTask()!.cancelling(), now()]);
      yield* sleep(1); // the outside cancel was kept: it lands here
    })());
    yield* sleep(0);
    yield* sleep(0); // the children have armed their sleeps: the cancel's timer comes after the failing child's
    getRunningLoop().callLater(10, () => parent.cancel());
    const error = yield* caught(parent);
    return [log, (error as Error).name, now()];
  }, virtual);
  assertEquals(out, [[["sibling cancelled", 10], [["child"], 1, 10]], "CancelledError", 10]);
});

Deno.test("the parent's cancelling() is back to its value on entry after the group cancelled it, and it keeps running", async () => {
  const out = await run(function* () {
    const self = currentTask()!;
    const during: number[] = [];
    const error = yield* caught(taskGroup(function* (tg) {
      tg.createTask(failAfter(10, new Error("x")));
      try {
        yield* sleep(100);
      } finally {
        during.push(self.cancelling());
      }
    }));
    yield* sleep(20); // not cancelled again
    return [messages(error), during, self.cancelling(), now()];
  }, virtual);
  assertEquals(out, [["x"], [1], 0, 30]);
});

Deno.test("a child cancelled on its own is not an error; the group carries on", async () => {
  const out = await run(function* () {
    const log: unknown[] = [];
    const result = yield* taskGroup(function* (tg) {
      const a = tg.createTask(child(100, "a", log));
      yield* sleep(15);
      a.cancel();
      const b = tg.createTask(child(20, "b", log));
      return [a, b] as const;
    });
    return [result[0].cancelled(), result[1].result(), log, now()];
  }, virtual);
  assertEquals(out, [true, "b", [["a cancelled", 15]], 35]);
});

Deno.test("a child cancelled through its signal option is not an error either", async () => {
  const out = await run(function* () {
    const controller = new AbortController();
    const log: unknown[] = [];
    yield* taskGroup(function* (tg) {
      tg.createTask(child(100, "linked", log), { signal: controller.signal });
      tg.createTask(child(50, "other", log));
      getRunningLoop().callLater(10, () => controller.abort());
    });
    return [log, now()];
  }, virtual);
  assertEquals(out, [[["linked cancelled", 10]], 50]);
});

Deno.test("children may start siblings while the group is exiting", async () => {
  const out = await run(function* () {
    const done: unknown[] = [];
    yield* taskGroup(function* (tg) {
      tg.createTask((function* () {
        yield* sleep(10);
        tg.createTask((function* () {
          yield* sleep(10);
          done.push(["grandchild", now()]);
        })());
      })());
    });
    return [done, now()];
  }, virtual);
  assertEquals(out, [[["grandchild", 20]], 20]);
});

Deno.test("an inner group's failure is nested in the outer group's ExceptionGroup", async () => {
  const out = await run(function* () {
    const log: unknown[] = [];
    const error = yield* caught(taskGroup(function* (outer) {
      outer.createTask(child(1000, "outer child", log));
      yield* taskGroup(function* (inner) {
        inner.createTask(failAfter(10, new Error("inner child")));
      });
    }));
    return [messages(error), log];
  }, virtual);
  assertEquals(out, [[["inner child"]], [["outer child cancelled", 10]]]);
});

Deno.test("an outer child's failure cancels the inner group in the body; only the outer error surfaces", async () => {
  const out = await run(function* () {
    const log: unknown[] = [];
    const error = yield* caught(taskGroup(function* (outer) {
      outer.createTask(failAfter(10, new Error("outer child")));
      yield* taskGroup(function* (inner) {
        inner.createTask(child(1000, "inner child", log));
      });
    }));
    return [messages(error), log, currentTask()!.cancelling()];
  }, virtual);
  assertEquals(out, [["outer child"], [["inner child cancelled", 10]], 0]);
});

Deno.test("cancelling a parent with nested groups propagates CancelledError through both", async () => {
  const out = await run(function* () {
    const log: unknown[] = [];
    const parent = createTask(taskGroup(function* (outer) {
      outer.createTask(child(1000, "o", log));
      yield* taskGroup(function* (inner) {
        inner.createTask(child(1000, "i", log));
      });
    }));
    getRunningLoop().callLater(10, () => parent.cancel());
    const error = yield* caught(parent);
    return [(error as Error).name, log];
  }, virtual);
  assertEquals(out, ["CancelledError", [["i cancelled", 10], ["o cancelled", 10]]]);
});

Deno.test("an eager child that fails at once aborts the group from the loop, not from inside createTask", async () => {
  const out = await run(function* () {
    const log: unknown[] = [];
    const error = yield* caught(taskGroup(function* (tg) {
      tg.createTask(
        (function* () {
          throw new Error("eager failure");
        })(),
        { eager: true },
      );
      log.push(["createTask returned", now()]);
      try {
        yield* sleep(100);
      } catch (e) {
        log.push([`body got ${(e as Error).name}`, now()]);
        throw e;
      }
    }));
    return [messages(error), log];
  }, virtual);
  assertEquals(out, [["eager failure"], [["createTask returned", 0], ["body got CancelledError", 0]]]);
});

Deno.test("createTask is refused before entry, after exit and while the group shuts down", async () => {
  assertThrows(() => new TaskGroup().createTask(sleep(1)), InvalidStateError, "has not been entered");
  await run(function* () {
    let kept: TaskGroup | null = null;
    yield* taskGroup(function* (tg) {
      kept = tg;
      tg.createTask(sleep(5));
    });
    assertThrows(() => kept!.createTask(sleep(1)), InvalidStateError, "is finished");
    let refusal: unknown = null;
    yield* caught(taskGroup(function* (tg) {
      tg.createTask(failAfter(5, new Error("x")));
      try {
        yield* sleep(100);
      } catch {
        refusal = assertThrows(() => tg.createTask(sleep(1)), InvalidStateError, "is shutting down");
      }
    }));
    assert(refusal !== null);
  }, virtual);
});

Deno.test("entering a group twice, or outside a task, is refused", async () => {
  await run(function* () {
    const group = new TaskGroup();
    yield* group.enter(function* () {
      const error = yield* caught(group.enter(function* () {}));
      assertInstanceOf(error, InvalidStateError);
      yield* sleep(1);
    });
    const loop = getRunningLoop();
    const outside = loop.createFuture<unknown>();
    loop.callSoon(() => {
      try {
        taskGroup(function* () {}).next();
      } catch (e) {
        outside.setResult(e);
      }
    });
    const error = yield* outside;
    assertInstanceOf(error, InvalidStateError);
    assert((error as Error).message.includes("inside a task"));
  }, virtual);
  assertThrows(() => taskGroup(untyped("body")), TypeError, '"body" (a string)');
});

Deno.test("a group prints its children, errors and state", async () => {
  await run(function* () {
    const states: string[] = [];
    const group = new TaskGroup();
    states.push(String(group));
    yield* caught(group.enter(function* (tg) {
      tg.createTask(sleep(100));
      states.push(String(tg));
      tg.createTask(failAfter(5, new Error("x")));
      try {
        yield* sleep(100);
      } finally {
        states.push(String(tg));
      }
    }));
    states.push(String(group));
    assertEquals(states, [
      "<TaskGroup>",
      "<TaskGroup tasks=1 entered>",
      "<TaskGroup tasks=1 errors=1 cancelling>",
      "<TaskGroup errors=1 cancelling>",
    ]);
  }, virtual);
});
