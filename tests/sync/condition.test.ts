/**
 * Condition (asyncio's locks.py / test_locks.py ConditionTests): wait()
 * releases and always reacquires, notify(n) / notifyAll() wake in FIFO
 * order, a notification is never lost to a cancelled waiter, misuse without
 * the lock is an error — on virtual time, with exact event order.
 */

import { assert, assertEquals, assertFalse, assertInstanceOf, assertStringIncludes, assertThrows } from "@std/assert";
import { CancelledError, Condition, type Coro, createTask, InvalidStateError, Lock, run, sleep } from "../../mod.ts";
import { caught, iterations, Log, runVirtual, untyped } from "./_helpers.ts";

/** Acquires, waits once, logs, and keeps the lock (as asyncio's c1/c2/c3 do). */
function* waitOnce(cond: Condition, name: string, log: Log): Coro<true> {
  yield* cond.acquire();
  const value: true = yield* cond.wait();
  log.add(`${name} woke holding the lock: ${cond.locked()}`);
  return value;
}

/** Waits once inside hold(), logging how it ended; the lock is released on the way out. */
function* waitInHold(cond: Condition, name: string, log: Log): Coro<void> {
  yield* cond.hold(function* () {
    try {
      yield* cond.wait();
      log.add(`${name} notified`);
    } catch (e) {
      log.add(`${name} ${(e as Error).name}, holding the lock: ${cond.locked()}`);
      throw e;
    }
  });
}

Deno.test("Condition.wait() releases the lock; a notified waiter returns only once it holds the lock again", async () => {
  const log = await runVirtual(function* () {
    const log = new Log();
    const cond = new Condition();
    const tasks = ["1", "2", "3"].map((name) => createTask(waitOnce(cond, name, log)));
    yield* sleep(10);
    log.add(`${cond}`);
    yield* cond.acquire();
    cond.notify();
    yield* sleep(10);
    log.add(`notified one; still ${cond}`);
    cond.release();
    yield* sleep(10);
    cond.notify(2); // the lock has no owner: it is held by waiter 1, and notify() only needs it held
    yield* sleep(10);
    log.add(`notified two; ${cond}`);
    cond.release();
    yield* sleep(10);
    cond.release();
    yield* sleep(10);
    for (const task of tasks) assertEquals(yield* task, true);
    return log.entries;
  });
  assertEquals(log, [
    ["<Condition unlocked waiters=3>", 10],
    ["notified one; still <Condition locked waiters=2>", 20], // 1 left the line; it waits for the lock
    ["1 woke holding the lock: true", 20],
    ["notified two; <Condition locked>", 40],
    ["2 woke holding the lock: true", 40],
    ["3 woke holding the lock: true", 50],
  ]);
});

Deno.test("notify(n) wakes the first n waiters and notifyAll() the rest, in the order they started waiting", async () => {
  const log = await runVirtual(function* () {
    const log = new Log();
    const cond = new Condition();
    const tasks = ["a", "b", "c", "d"].map((name) => createTask(waitInHold(cond, name, log)));
    yield* sleep(10);
    yield* cond.hold(function* () {
      cond.notify(1);
    });
    yield* sleep(10);
    yield* cond.hold(function* () {
      cond.notify(2048); // more than are waiting: wakes all of them
    });
    yield* sleep(10);
    log.add(`${cond}`);
    for (const task of tasks) yield* task;
    return log.entries;
  });
  assertEquals(log, [["a notified", 10], ["b notified", 20], ["c notified", 20], ["d notified", 20], [
    "<Condition unlocked>",
    30,
  ]]);
});

Deno.test("notifyAll() wakes every waiter, each taking the lock in turn", async () => {
  const log = await runVirtual(function* () {
    const log = new Log();
    const cond = new Condition();
    const tasks = ["a", "b"].map((name) => createTask(waitInHold(cond, name, log)));
    yield* sleep(10);
    yield* cond.hold(function* () {
      cond.notifyAll();
    });
    for (const task of tasks) yield* task;
    return log.entries;
  });
  assertEquals(log, [["a notified", 10], ["b notified", 10]]);
});

Deno.test("wait(), notify() and notifyAll() without the lock held are InvalidStateErrors", async () => {
  const cond = new Condition();
  assertThrows(() => cond.notify(), InvalidStateError, "notify() on <Condition unlocked>: the lock is not held");
  assertThrows(() => cond.notifyAll(), InvalidStateError, "notifyAll() on <Condition unlocked>: the lock is not held");
  const error = await runVirtual(function* () {
    return yield* caught(cond.wait());
  });
  assertInstanceOf(error, InvalidStateError);
  assertStringIncludes(error.message, "wait() on <Condition unlocked>: the lock is not held");
});

Deno.test("a waiter cancelled while waiting leaves the line and raises only once it holds the lock again", async () => {
  const log = await runVirtual(function* () {
    const log = new Log();
    const cond = new Condition();
    yield* cond.acquire();
    const waiting = createTask(cond.wait()); // uses the lock this task holds: locks have no owner
    yield* sleep(10);
    log.add(`${cond}`);
    waiting.cancel();
    log.add(`${((yield* caught(waiting)) as Error).name}; ${cond}`);
    return log.entries;
  });
  assertEquals(log, [["<Condition unlocked waiters=1>", 10], ["CancelledError; <Condition locked>", 10]]);
});

Deno.test("a waiter cancelled while it waits to reacquire the lock keeps waiting for the lock, then raises holding it", async () => {
  // asyncio's test_wait_cancel_after_notify (bpo-32841).
  const log = await runVirtual(function* () {
    const log = new Log();
    const cond = new Condition();
    const waiting = createTask(waitInHold(cond, "waiter", log));
    yield* sleep(10);
    yield* cond.acquire();
    cond.notify();
    yield* iterations(1); // the waiter is notified and now waits for the lock
    waiting.cancel();
    yield* sleep(10);
    log.add(`cancelled, still waiting for the lock: ${waiting.done() === false}`);
    cond.release();
    yield* caught(waiting);
    log.add(`${cond}; cancelled: ${waiting.cancelled()}`);
    return log.entries;
  });
  assertEquals(log, [
    ["cancelled, still waiting for the lock: true", 20],
    ["waiter CancelledError, holding the lock: true", 20],
    ["<Condition unlocked>; cancelled: true", 20],
  ]);
});

Deno.test("a notified waiter cancelled in the same iteration passes the notification to the next waiter", async () => {
  const log = await runVirtual(function* () {
    const log = new Log();
    const cond = new Condition();
    const a = createTask(waitInHold(cond, "a", log));
    const b = createTask(waitInHold(cond, "b", log));
    yield* sleep(10);
    yield* cond.hold(function* () {
      cond.notify(1); // wakes a ...
      a.cancel(); // ... which is cancelled before it runs
    });
    yield* caught(a);
    yield* b;
    return log.entries;
  });
  assertEquals(log, [["a CancelledError, holding the lock: true", 10], ["b notified", 10]]);
});

Deno.test("a notified waiter cancelled while reacquiring the lock passes the notification to the next waiter", async () => {
  const log = await runVirtual(function* () {
    const log = new Log();
    const cond = new Condition();
    const a = createTask(waitInHold(cond, "a", log));
    const b = createTask(waitInHold(cond, "b", log));
    yield* sleep(10);
    yield* cond.acquire();
    cond.notify(1);
    yield* iterations(1); // a was notified and now waits for the lock this task holds
    a.cancel();
    cond.release();
    yield* caught(a);
    yield* b;
    return log.entries;
  });
  assertEquals(log, [["a CancelledError, holding the lock: true", 10], ["b notified", 10]]);
});

Deno.test("notify, a contested lock, a cancel and a release in one iteration: the waiter ends holding the lock", async () => {
  // asyncio's test_wait_cancel_contested.
  const locked = await runVirtual(function* () {
    const cond = new Condition();
    yield* cond.acquire();
    const waiting = createTask(cond.wait());
    yield* iterations(1);
    assertFalse(cond.locked());
    yield* cond.acquire();
    cond.notify();
    const loop = waiting.getLoop();
    loop.callSoon(() => waiting.cancel());
    loop.callSoon(() => cond.release());
    yield* caught(waiting);
    return cond.locked();
  });
  assert(locked);
});

Deno.test("waitFor(predicate) waits through notifications until the predicate holds and returns its value", async () => {
  const log = await runVirtual(function* () {
    const log = new Log();
    const cond = new Condition();
    let ready: string | null = null;
    const task = createTask(cond.hold(function* () {
      const value: string = yield* cond.waitFor(() => ready);
      log.add(`waitFor returned ${value}`);
      return value;
    }));
    yield* sleep(10);
    yield* cond.hold(function* () {
      cond.notify(); // the predicate is still false: back to waiting
    });
    yield* sleep(10);
    ready = "ready";
    yield* cond.hold(function* () {
      cond.notify();
    });
    assertEquals(yield* task, "ready");
    return log.entries;
  });
  assertEquals(log, [["waitFor returned ready", 20]]);
});

Deno.test("waitFor() with a predicate already true returns without the lock; a false one without the lock is an error", async () => {
  await runVirtual(function* () {
    const cond = new Condition();
    assertEquals(yield* cond.waitFor(() => [1, 2, 3]), [1, 2, 3]);
    assertInstanceOf(yield* caught(cond.waitFor(() => false)), InvalidStateError);
    assertThrows(() => cond.waitFor(untyped("ready")).next(), TypeError, "expects a predicate function");
  });
});

Deno.test("a Condition over a given Lock shares it: holding either holds both", async () => {
  await runVirtual(function* () {
    const lock = new Lock();
    const cond = new Condition(lock);
    yield* cond.hold(function* () {
      assert(lock.locked() && cond.locked());
      yield* sleep(1);
    });
    assertFalse(lock.locked() || cond.locked());
    yield* lock.hold(function* () {
      assert(cond.locked());
      yield* sleep(1);
    });
    assertFalse(cond.locked());
  });
});

Deno.test("Condition.hold() releases the lock when the body throws", async () => {
  const out = await runVirtual(function* () {
    const cond = new Condition();
    const error = yield* caught(cond.hold(function* () {
      yield* sleep(1);
      throw new RangeError("inside");
    }));
    return [(error as Error).message, cond.locked()];
  });
  assertEquals(out, ["inside", false]);
});

Deno.test("bad arguments: new Condition(non-lock) and notify(negative) are refused", () => {
  assertThrows(() => new Condition(untyped({})), TypeError, "new Condition() expects a Lock or nothing, got an object");
  const cond = new Condition();
  assertThrows(() => cond.notify(-1), RangeError, "expects a count ≥ 0, got -1 (a number)");
  assertThrows(() => cond.notify(NaN), RangeError, "NaN");
});

Deno.test("wait() from a loop other than the condition's is refused while the lock is still held", async () => {
  const cond = new Condition();
  await run(function* () {
    const task = createTask(waitInHold(cond, "first loop", new Log()));
    yield* sleep(1);
    yield* cond.hold(function* () {
      cond.notify();
    });
    yield* task;
  }, { clock: "virtual" });
  const log = await run(function* () {
    const log = new Log();
    yield* cond.acquire(); // the lock itself was never waited on: it is bound to no loop yet
    const other = createTask(cond.hold(function* () {
      log.add("the other task got the lock");
      yield* sleep(1);
    }));
    yield* sleep(5); // the other task now waits for the lock
    const error = yield* caught(cond.wait());
    log.add(`${(error as Error).name}: ${(error as Error).message.includes("bound to another loop")}; ${cond}`);
    cond.release();
    yield* other;
    return log.entries;
  }, { clock: "virtual" });
  assertEquals(log, [["InvalidStateError: true; <Condition locked>", 5], ["the other task got the lock", 5]]);
});

Deno.test("a cancelled task's CancelledError from wait() is the same error instance it was cancelled with", async () => {
  const message = await runVirtual(function* () {
    const cond = new Condition();
    const task = createTask(cond.hold(() => cond.wait()));
    yield* sleep(1);
    task.cancel("stop waiting");
    const error = yield* caught(task);
    assertInstanceOf(error, CancelledError);
    return error.message;
  });
  assertEquals(message, "stop waiting");
});
