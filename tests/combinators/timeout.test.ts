/**
 * timeout / timeoutAt / Timeout (asyncio's timeouts.py, test_timeouts.py):
 * only the timeout's own cancellation becomes TimeoutError, judged by the
 * cancel count recorded on entry; nested timeouts firing together convert
 * only at the outermost; a foreign cancel wins; state errors for misuse.
 */

// deno-lint-ignore-file require-yield -- empty bodies (`function* () {}`) stand for "nothing to do"

import { assert, assertEquals, assertInstanceOf, assertThrows } from "@std/assert";
import {
  CancelledError,
  createTask,
  currentTask,
  ExceptionGroup,
  getRunningLoop,
  InvalidStateError,
  run,
  sleep,
  taskGroup,
  Timeout,
  timeout,
  timeoutAt,
  TimeoutError,
} from "../../mod.ts";
import { caught, untyped } from "../task/_helpers.ts";
import { now, timersLeft } from "./_helpers.ts";

const virtual = { clock: "virtual" } as const;

Deno.test("a body that outlives the deadline is cancelled there and timeout raises TimeoutError caused by the CancelledError", async () => {
  const out = await run(function* () {
    const log: unknown[] = [];
    let cm: Timeout | null = null;
    const error = yield* caught(timeout(50, function* (t) {
      cm = t;
      log.push(["when", t.when(), "expired", t.expired()]);
      try {
        yield* sleep(1000);
      } finally {
        log.push(["finally", now()]);
      }
    }));
    assertInstanceOf(error, TimeoutError);
    assertInstanceOf(error.cause, CancelledError);
    log.push(["TimeoutError", now(), cm!.expired(), currentTask()!.cancelling()]);
    return log;
  }, virtual);
  assertEquals(out, [["when", 50, "expired", false], ["finally", 50], ["TimeoutError", 50, true, 0]]);
});

Deno.test("the deadline of timeout(ms) is counted from when it starts; timeoutAt takes it as is", async () => {
  const out = await run(function* () {
    yield* sleep(100);
    const relative = timeout(30, function* (cm) {
      return cm.when();
    });
    yield* sleep(20);
    const whenRelative = yield* relative;
    const errorAt = yield* caught(timeoutAt(150, function* () {
      yield* sleep(1000);
    }));
    return [whenRelative, (errorAt as Error).name, now()];
  }, virtual);
  assertEquals(out, [150, "TimeoutError", 150]);
});

Deno.test("a body that finishes in time returns its value and leaves no timer behind", async () => {
  const out = await run(function* () {
    let cm: Timeout | null = null;
    const value = yield* timeout(100, function* (t) {
      cm = t;
      yield* sleep(10);
      return "in time";
    });
    return [value, cm!.expired(), String(cm), now(), yield* timersLeft()];
  }, virtual);
  assertEquals(out, ["in time", false, "<Timeout [finished]>", 10, 0]);
});

Deno.test("null means no deadline", async () => {
  const out = await run(function* () {
    const value = yield* timeout(null, function* (cm) {
      yield* sleep(1e6);
      return [cm.when(), cm.expired(), String(cm)];
    });
    return [value, now()];
  }, virtual);
  assertEquals(out, [[null, false, "<Timeout [active] when=null>"], 1e6]);
});

Deno.test("timeout(0) expires in the next iteration: a sleep(0) is interrupted, a body that never waits is not", async () => {
  const out = await run(function* () {
    const zero = yield* caught(timeout(0, function* () {
      yield* sleep(0);
    }));
    const past = yield* caught(timeout(-10, function* () {
      yield* sleep(0);
    }));
    const untouched = yield* timeout(0, function* () {
      return "never waited";
    });
    return [(zero as Error).name, (past as Error).name, untouched, now(), yield* timersLeft()];
  }, virtual);
  assertEquals(out, ["TimeoutError", "TimeoutError", "never waited", 0, 0]);
});

Deno.test("nested timeouts expiring together: the inner lets CancelledError through and only the outermost converts", async () => {
  const out = await run(function* () {
    const log: unknown[] = [];
    let inner: Timeout | null = null, outer: Timeout | null = null;
    const error = yield* caught(timeoutAt(10, function* (o) {
      outer = o;
      try {
        yield* timeoutAt(10, function* (i) {
          inner = i;
          yield* sleep(1000);
        });
      } catch (e) {
        log.push(["inner raised", (e as Error).name, now()]);
        throw e;
      }
    }));
    log.push(["outer raised", (error as Error).name, inner!.expired(), outer!.expired(), currentTask()!.cancelling()]);
    return log;
  }, virtual);
  assertEquals(out, [["inner raised", "CancelledError", 10], ["outer raised", "TimeoutError", true, true, 0]]);
});

Deno.test("a shorter inner timeout converts alone; the outer one keeps counting and converts later", async () => {
  const out = await run(function* () {
    const log: unknown[] = [];
    const error = yield* caught(timeout(100, function* () {
      const innerError = yield* caught(timeout(10, function* () {
        yield* sleep(1000);
      }));
      log.push(["inner", (innerError as Error).name, now()]);
      yield* sleep(1000);
    }));
    log.push(["outer", (error as Error).name, now()]);
    return log;
  }, virtual);
  assertEquals(out, [["inner", "TimeoutError", 10], ["outer", "TimeoutError", 100]]);
});

Deno.test("a foreign cancel before the deadline propagates as CancelledError and the timeout is not expired", async () => {
  const out = await run(function* () {
    let cm: Timeout | null = null;
    const task = createTask(timeout(100, function* (t) {
      cm = t;
      yield* sleep(1000);
    }));
    getRunningLoop().callLater(30, () => task.cancel("foreign"));
    const error = yield* caught(task);
    return [(error as Error).name, (error as Error).message, task.cancelled(), cm!.expired(), now()];
  }, virtual);
  assertEquals(out, ["CancelledError", "foreign", true, false, 30]);
});

Deno.test("the deadline and a foreign cancel in the same iteration: CancelledError propagates and the count stays 1", async () => {
  const out = await run(function* () {
    let cm: Timeout | null = null;
    const seen: unknown[] = [];
    const task = createTask((function* () {
      try {
        yield* timeout(30, function* (t) {
          cm = t;
          yield* sleep(1000);
        });
      } catch (e) {
        seen.push([(e as Error).name, currentTask()!.cancelling()]);
        throw e;
      }
    })());
    yield* sleep(0); // the timeout is entered, its timer armed for t=30
    getRunningLoop().callLater(30, () => task.cancel("foreign")); // same deadline, after the timer
    yield* caught(task);
    return [seen, task.cancelled(), cm!.expired(), now()];
  }, virtual);
  assertEquals(out, [[["CancelledError", 1]], true, true, 30]);
});

Deno.test("an error that is not a cancellation passes through untouched, expired or not", async () => {
  const out = await run(function* () {
    const early = yield* caught(timeout(100, function* () {
      yield* sleep(1);
      throw new RangeError("early");
    }));
    const inCleanup = yield* caught(timeout(10, function* () {
      try {
        yield* sleep(1000);
      } finally {
        // deno-lint-ignore no-unsafe-finally -- the cleanup itself fails
        throw new TypeError("cleanup failed");
      }
    }));
    return [early, inCleanup, currentTask()!.cancelling(), now()];
  }, virtual);
  assertEquals(out, [new RangeError("early"), new TypeError("cleanup failed"), 0, 11]);
});

Deno.test("a body that swallows the cancel returns its value; the timeout is expired and the count restored", async () => {
  const out = await run(function* () {
    let cm: Timeout | null = null;
    const value = yield* timeout(10, function* (t) {
      cm = t;
      try {
        yield* sleep(1000);
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
      }
      return "kept";
    });
    yield* sleep(5); // not cancelled again
    return [value, cm!.expired(), currentTask()!.cancelling(), now()];
  }, virtual);
  assertEquals(out, ["kept", true, 0, 15]);
});

Deno.test("a timeout entered while the task is already being cancelled still converts its own expiry", async () => {
  const out = await run(function* () {
    const self = currentTask()!;
    self.cancel();
    try {
      yield* sleep(1000);
    } catch (e) {
      if (!(e instanceof CancelledError)) throw e;
    }
    const error = yield* caught(timeout(5, function* () {
      yield* sleep(1000);
    }));
    return [(error as Error).name, self.cancelling(), now()];
  }, virtual);
  assertEquals(out, ["TimeoutError", 1, 5]);
});

Deno.test("reschedule moves the deadline later, earlier, or away; from the body or from another task", async () => {
  const out = await run(function* () {
    const loop = getRunningLoop();
    const log: unknown[] = [];
    const later = yield* caught(timeout(10, function* (cm) {
      cm.reschedule(40);
      yield* sleep(1000);
    }));
    log.push([(later as Error).name, now()]);
    const ready = loop.createFuture<Timeout>();
    const task = createTask(timeout(1000, function* (cm) {
      ready.setResult(cm);
      yield* sleep(500);
      return "no deadline";
    }));
    const cm = yield* ready;
    cm.reschedule(now() + 10);
    assertEquals(cm.when(), 50);
    cm.reschedule(null);
    log.push([cm.when(), yield* task, now()]);
    const earlier = yield* caught(timeout(1000, function* (t) {
      yield* sleep(5);
      t.reschedule(now() - 1); // already passed: expires in the next iteration
      yield* sleep(1000);
    }));
    log.push([(earlier as Error).name, now(), yield* timersLeft()]);
    return log;
  }, virtual);
  assertEquals(out, [["TimeoutError", 40], [null, "no deadline", 540], ["TimeoutError", 545, 0]]);
});

Deno.test("misuse is refused with state errors: reschedule before entry or after exit, entering twice, outside a task", async () => {
  const fresh = new Timeout(10);
  assertThrows(() => fresh.reschedule(20), InvalidStateError, "has not been entered");
  assertEquals(String(fresh), "<Timeout [created] when=10>");
  await run(function* () {
    const used = new Timeout(null);
    yield* used.enter(function* () {
      yield* sleep(1);
      const nested = yield* caught(used.enter(function* () {}));
      assertInstanceOf(nested, InvalidStateError);
      assert((nested as Error).message.includes("already been entered"));
    });
    assertThrows(() => used.reschedule(5), InvalidStateError, "finished");
    const again = yield* caught(used.enter(function* () {}));
    assertInstanceOf(again, InvalidStateError);
    const expired = yield* caught(timeout(1, function* (cm) {
      yield* sleep(0);
      try {
        yield* sleep(10);
      } finally {
        assertThrows(() => cm.reschedule(100), InvalidStateError, "expiring");
      }
    }));
    assertInstanceOf(expired, TimeoutError);
    const loop = getRunningLoop();
    const outside = loop.createFuture<unknown>();
    loop.callSoon(() => {
      try {
        timeout(10, function* () {}).next();
      } catch (e) {
        outside.setResult(e);
      }
    });
    const error = yield* outside;
    assertInstanceOf(error, InvalidStateError);
    assert((error as Error).message.includes("inside a task"));
  }, virtual);
});

Deno.test("timeout and timeoutAt refuse bad arguments at the call", () => {
  assertThrows(() => timeout(NaN, function* () {}), RangeError, "NaN");
  assertThrows(() => timeout(untyped("5"), function* () {}), TypeError, '"5" (a string)');
  assertThrows(() => timeout(5, untyped(null)), TypeError, "expects a body");
  assertThrows(() => timeoutAt(NaN, function* () {}), RangeError, "NaN");
  assertThrows(() => new Timeout(untyped({})), TypeError, "an object");
});

Deno.test("a body that does not return a coroutine is a TypeError raised where it is driven", async () => {
  const error = await run(function* () {
    return yield* caught(timeout(5, untyped(() => 42)));
  }, virtual);
  assertInstanceOf(error, TypeError);
  assert((error as Error).message.includes("42 (a number)"));
});

Deno.test("a timeout around a task group cancels the children and converts once they are done", async () => {
  const out = await run(function* () {
    const log: unknown[] = [];
    function* child(name: string) {
      try {
        yield* sleep(1000);
      } finally {
        log.push([`${name} finally`, now()]);
      }
    }
    const error = yield* caught(timeout(20, function* () {
      yield* taskGroup(function* (tg) {
        tg.createTask(child("a"));
        tg.createTask(child("b"));
      });
    }));
    log.push([(error as Error).name, now(), currentTask()!.cancelling()]);
    return log;
  }, virtual);
  assertEquals(out, [["a finally", 20], ["b finally", 20], ["TimeoutError", 20, 0]]);
});

Deno.test("a timeout around a group whose child fails during cleanup lets the ExceptionGroup through", async () => {
  const out = await run(function* () {
    const error = yield* caught(timeout(20, function* () {
      yield* taskGroup(function* (tg) {
        tg.createTask((function* () {
          try {
            yield* sleep(1000);
          } finally {
            // deno-lint-ignore no-unsafe-finally -- a child failing while it is cancelled
            throw new RangeError("child cleanup failed");
          }
        })());
      });
    }));
    assertInstanceOf(error, ExceptionGroup);
    return [error.exceptions, now(), currentTask()!.cancelling()];
  }, virtual);
  assertEquals(out, [[new RangeError("child cleanup failed")], 20, 0]);
});

Deno.test("a Timeout prints its state", async () => {
  await run(function* () {
    const states: string[] = [];
    yield* caught(timeout(5, function* (cm) {
      states.push(String(cm));
      try {
        yield* sleep(10);
      } finally {
        states.push(String(cm));
      }
    }));
    assertEquals(states, ["<Timeout [active] when=5>", "<Timeout [expiring]>"]);
  }, virtual);
});
