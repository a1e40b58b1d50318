/**
 * Lock (asyncio's locks.py / test_locks.py LockTests): FIFO wake-ups, no
 * barging, cancellation races around release(), misuse, hold(), printing and
 * loop binding — on virtual time, with exact event order.
 */

import { assert, assertEquals, assertFalse, assertInstanceOf, assertStringIncludes, assertThrows } from "@std/assert";
import {
  CancelledError,
  type Coro,
  createTask,
  getRunningLoop,
  InvalidStateError,
  Lock,
  run,
  sleep,
  type Task,
} from "../../mod.ts";
import { caught, Log, runVirtual, untyped } from "./_helpers.ts";

function* locker(lock: Lock, name: string, log: Log): Coro<void> {
  try {
    yield* lock.acquire();
  } catch (e) {
    log.add(`${name} ${(e as Error).name}`);
    throw e;
  }
  log.add(`${name} acquired`);
}

Deno.test("Lock.acquire() of a free lock takes it on the first step, without yielding or needing a loop", () => {
  const lock = new Lock();
  assertEquals(lock.acquire().next(), { done: true, value: true });
  assert(lock.locked());
  lock.release();
  assertFalse(lock.locked());
});

Deno.test("Lock wakes waiters first come, first served, and a newcomer queues behind a woken waiter although locked() is false", async () => {
  const log = await runVirtual(function* () {
    const log = new Log();
    const lock = new Lock();
    yield* lock.acquire();
    const t1 = createTask(locker(lock, "t1", log));
    const t2 = createTask(locker(lock, "t2", log));
    yield* sleep(10);
    const t3 = createTask(locker(lock, "t3", log)); // its first step runs before t1 resumes
    lock.release();
    log.add(`released; locked() is ${lock.locked()}`);
    yield* sleep(10);
    log.add(`${lock}`);
    lock.release();
    yield* sleep(10);
    lock.release();
    yield* sleep(10);
    for (const task of [t1, t2, t3]) yield* task;
    return log.entries;
  });
  assertEquals(log, [
    ["released; locked() is false", 10],
    ["t1 acquired", 10],
    ["<Lock locked waiters=2>", 20],
    ["t2 acquired", 20],
    ["t3 acquired", 30],
  ]);
});

Deno.test("release() of a lock that is not held is an InvalidStateError", () => {
  const lock = new Lock();
  assertThrows(() => lock.release(), InvalidStateError, "release() on <Lock unlocked>: the lock is not held");
});

Deno.test("a waiter cancelled while waiting leaves the line at once and takes nothing", async () => {
  const log = await runVirtual(function* () {
    const log = new Log();
    const lock = new Lock();
    yield* lock.acquire();
    const waiter = createTask(locker(lock, "waiter", log));
    yield* sleep(10);
    log.add(`${lock}`);
    waiter.cancel();
    log.add(`after cancel(): ${lock}`);
    assertInstanceOf(yield* caught(waiter), CancelledError);
    lock.release();
    log.add(`${lock}`);
    return log.entries;
  });
  assertEquals(log, [
    ["<Lock locked waiters=1>", 10],
    ["after cancel(): <Lock locked>", 10],
    ["waiter CancelledError", 10],
    ["<Lock unlocked>", 10],
  ]);
});

Deno.test("a waiter woken by release() and cancelled in the same iteration passes the lock to the next waiter", async () => {
  const log = await runVirtual(function* () {
    const log = new Log();
    const lock = new Lock();
    yield* lock.acquire();
    const b = createTask(locker(lock, "b", log));
    const c = createTask(locker(lock, "c", log));
    yield* sleep(10);
    lock.release(); // wakes b ...
    b.cancel(); // ... which is cancelled before it runs: its wake-up must reach c
    yield* caught(b);
    yield* c;
    log.add(`${lock}`);
    return log.entries;
  });
  assertEquals(log, [
    ["b CancelledError", 10],
    ["c acquired", 10],
    ["<Lock locked>", 10],
  ]);
});

Deno.test("a waiter cancelled just before the release() in the same iteration is skipped: the next waiter gets the lock", async () => {
  // asyncio's test_cancel_race / test_cancel_release_race: only one task may get the lock.
  const log = await runVirtual(function* () {
    const log = new Log();
    const lock = new Lock();
    yield* lock.acquire();
    const tasks = ["b", "c", "d"].map((name) => createTask(locker(lock, name, log)));
    yield* sleep(10);
    tasks[0].cancel();
    lock.release();
    yield* sleep(10);
    log.add(`${lock}`);
    tasks[2].cancel();
    yield* caught(tasks[0]);
    yield* tasks[1];
    yield* caught(tasks[2]);
    return log.entries;
  });
  assertEquals(log, [
    ["b CancelledError", 10],
    ["c acquired", 10],
    ["<Lock locked waiters=1>", 20],
    ["d CancelledError", 20],
  ]);
});

Deno.test("a woken waiter cancelled with nobody behind it leaves the lock free: a newcomer takes it without yielding", async () => {
  const [log, fastPath] = await runVirtual(function* () {
    const log = new Log();
    const lock = new Lock();
    yield* lock.acquire();
    const b = createTask(locker(lock, "b", log));
    yield* sleep(10);
    lock.release();
    b.cancel();
    yield* caught(b);
    log.add(`${lock}`);
    const step = lock.acquire().next();
    return [log.entries, step] as const;
  });
  assertEquals(log, [["b CancelledError", 10], ["<Lock unlocked>", 10]]);
  assertEquals(fastPath, { done: true, value: true });
});

Deno.test("an acquire() started while a woken waiter is in transit waits; abandoned after its own wake-up, it passes the wake-up on", async () => {
  const log = await runVirtual(function* () {
    const log = new Log();
    const lock = new Lock();
    yield* lock.acquire();
    const b = createTask(locker(lock, "b", log));
    yield* sleep(10);
    lock.release(); // b is woken, not yet running
    assertFalse(lock.locked());
    const newcomer = lock.acquire();
    const first = newcomer.next(); // the newcomer is driven by hand: it must wait
    log.add(`newcomer waits: ${first.done === false}`);
    yield* b;
    log.add(`${lock}`);
    lock.release(); // wakes the newcomer's waiter
    log.add(`${lock}`);
    newcomer.return(true); // abandon it: it leaves the line and hands its wake-up on (to nobody)
    log.add(`${lock}`);
    return log.entries;
  });
  assertEquals(log, [
    ["newcomer waits: true", 10],
    ["b acquired", 10],
    ["<Lock locked waiters=1>", 10],
    ["<Lock unlocked waiters=1>", 10],
    ["<Lock unlocked>", 10],
  ]);
});

Deno.test("Lock.hold() runs the body with the lock held and returns its value", async () => {
  const out = await runVirtual(function* () {
    const lock = new Lock();
    const value: number = yield* lock.hold(function* () {
      assert(lock.locked());
      yield* sleep(5);
      return 42;
    });
    return [value, lock.locked(), getRunningLoop().time()];
  });
  assertEquals(out, [42, false, 5]);
});

Deno.test("Lock.hold() releases when the body throws, and when the task is cancelled inside the body", async () => {
  const log = await runVirtual(function* () {
    const log = new Log();
    const lock = new Lock();
    const thrown = yield* caught(lock.hold(function* () {
      yield* sleep(5);
      throw new RangeError("boom");
    }));
    log.add(`${(thrown as Error).name}; ${lock}`);
    const holder = createTask(lock.hold(function* () {
      yield* sleep(1000);
    }));
    yield* sleep(10);
    log.add(`${lock}`);
    holder.cancel();
    log.add(`${((yield* caught(holder)) as Error).name}; ${lock}`);
    return log.entries;
  });
  assertEquals(log, [
    ["RangeError; <Lock unlocked>", 5],
    ["<Lock locked>", 15],
    ["CancelledError; <Lock unlocked>", 15],
  ]);
});

Deno.test("Lock.hold() cancelled while waiting for the lock neither runs the body nor releases someone else's lock", async () => {
  const log = await runVirtual(function* () {
    const log = new Log();
    const lock = new Lock();
    yield* lock.acquire();
    // deno-lint-ignore require-yield -- the body must never run
    const waiting = createTask(lock.hold(function* () {
      log.add("body ran");
    }));
    yield* sleep(10);
    waiting.cancel();
    log.add(`${((yield* caught(waiting)) as Error).name}; ${lock}`);
    return log.entries;
  });
  assertEquals(log, [["CancelledError; <Lock locked>", 10]]);
});

Deno.test("Lock.hold() rejects a body that is not a generator function, before taking the lock", () => {
  const lock = new Lock();
  assertThrows(() => lock.hold(untyped(42)).next(), TypeError, "Lock.hold() expects a body");
  assertFalse(lock.locked());
  const promiseBody = untyped(() => Promise.resolve(1));
  assertThrows(() => lock.hold(promiseBody).next(), TypeError, "an async function cannot be a body");
  assertFalse(lock.locked()); // taken, then released by the finally
});

Deno.test("a waiting task prints what it waits for: the lock's acquire()", async () => {
  const text = await runVirtual(function* () {
    const lock = new Lock();
    yield* lock.acquire();
    const waiter: Task<true> = createTask(lock.acquire(), { name: "w" });
    yield* sleep(1);
    const text = String(waiter);
    waiter.cancel();
    yield* caught(waiter);
    return text;
  });
  assertEquals(text, "<Task pending name=w waiting=<Future pending acquire() on <Lock locked waiters=1>>>");
});

Deno.test("a Lock binds to the loop of the first task that waits on it; waiting from another loop is an InvalidStateError naming both", async () => {
  const lock = new Lock();
  await run(function* () {
    yield* lock.acquire();
    const waiter = createTask(lock.acquire());
    yield* sleep(1);
    lock.release();
    yield* waiter;
    lock.release();
  }, { clock: "virtual" });
  const error = await run(function* () {
    yield* lock.acquire(); // the fast path touches no loop
    const waiter = createTask(lock.acquire());
    const error = yield* caught(waiter);
    lock.release();
    return error;
  }, { clock: "virtual" });
  assertInstanceOf(error, InvalidStateError);
  assertStringIncludes(error.message, "acquire() on <Lock locked> from <EventLoop running");
  assertStringIncludes(error.message, "it is bound to another loop, <EventLoop closed");
});
