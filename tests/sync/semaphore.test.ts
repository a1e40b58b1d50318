/**
 * Semaphore and BoundedSemaphore (asyncio's locks.py / test_locks.py
 * SemaphoreTests): FIFO wake-ups, no barging, no lost wake-up under
 * cancellation, over-release and bad values refused — on virtual time, with
 * exact event order.
 */

import { assert, assertEquals, assertFalse, assertInstanceOf, assertThrows } from "@std/assert";
import {
  BoundedSemaphore,
  CancelledError,
  type Coro,
  createTask,
  InvalidStateError,
  Semaphore,
  sleep,
  type Task,
} from "../../mod.ts";
import { caught, iterations, Log, runVirtual, untyped } from "./_helpers.ts";

function* taker(sem: Semaphore, name: string, log: Log): Coro<true> {
  try {
    yield* sem.acquire();
  } catch (e) {
    log.add(`${name} ${(e as Error).name}`);
    throw e;
  }
  log.add(`${name} acquired`);
  return true;
}

Deno.test("Semaphore.acquire() with a free slot and nobody queued takes it without yielding or needing a loop", () => {
  const sem = new Semaphore(2);
  assertEquals(sem.acquire().next(), { done: true, value: true });
  assertEquals(String(sem), "<Semaphore unlocked value=1>");
  assertEquals(sem.acquire().next(), { done: true, value: true });
  assertEquals(String(sem), "<Semaphore locked>");
});

Deno.test("Semaphore(3): two slots taken, three waiters; each release() reserves a slot for the next waiter at once", async () => {
  // asyncio's SemaphoreTests.test_acquire, with the order it leaves open pinned down.
  const log = await runVirtual(function* () {
    const log = new Log();
    const sem = new Semaphore(3);
    yield* sem.acquire();
    yield* sem.acquire();
    assertFalse(sem.locked());
    const t = ["1", "2", "3"].map((name) => createTask(taker(sem, name, log)));
    yield* sleep(10);
    log.add(`${sem}`);
    const t4 = createTask(taker(sem, "4", log)); // its first step runs before the woken waiters
    sem.release();
    sem.release();
    log.add(`released twice: ${sem}`);
    yield* sleep(10);
    log.add(`${sem}`);
    sem.release();
    for (const task of [...t, t4]) yield* task;
    log.add(`${sem}`);
    return log.entries;
  });
  assertEquals(log, [
    ["1 acquired", 0],
    ["<Semaphore locked waiters=2>", 10],
    ["released twice: <Semaphore locked waiters=2>", 10],
    ["2 acquired", 10],
    ["3 acquired", 10],
    ["<Semaphore locked waiters=1>", 20],
    ["4 acquired", 20],
    ["<Semaphore locked>", 20],
  ]);
});

Deno.test("a newcomer waits while others are queued, even when a slot is free; it is woken when the queue ahead has run", async () => {
  const log = await runVirtual(function* () {
    const log = new Log();
    const sem = new Semaphore(0);
    const w = createTask(taker(sem, "w", log));
    yield* sleep(10);
    const newcomer = createTask(taker(sem, "newcomer", log)); // runs before w resumes
    sem.release(); // reserved for w
    sem.release(); // free, but the newcomer arrives while w is in transit
    yield* sleep(0);
    log.add(`after one iteration: ${sem}`);
    yield* w;
    yield* newcomer;
    log.add(`${sem}`);
    return log.entries;
  });
  assertEquals(log, [
    ["w acquired", 10],
    ["after one iteration: <Semaphore locked waiters=1>", 10],
    ["newcomer acquired", 10],
    ["<Semaphore locked>", 10],
  ]);
});

Deno.test("a waiter woken by release() and cancelled in the same iteration gives its slot to the next waiter", async () => {
  const log = await runVirtual(function* () {
    const log = new Log();
    const sem = new Semaphore(0);
    const a = createTask(taker(sem, "a", log));
    const b = createTask(taker(sem, "b", log));
    yield* sleep(10);
    sem.release(); // reserves the slot for a ...
    a.cancel(); // ... which is cancelled before it runs
    yield* caught(a);
    yield* b;
    log.add(`${sem}`);
    return log.entries;
  });
  assertEquals(log, [["a CancelledError", 10], ["b acquired", 10], ["<Semaphore locked>", 10]]);
});

Deno.test("waiters cancelled before the release() are skipped: the slot goes to the first one still waiting", async () => {
  // asyncio's test_acquire_cancel_before_awoken and test_acquire_hang.
  const log = await runVirtual(function* () {
    const log = new Log();
    const sem = new Semaphore(0);
    const tasks = ["1", "2", "3", "4"].map((name) => createTask(taker(sem, name, log)));
    yield* sleep(10);
    tasks[0].cancel();
    tasks[1].cancel();
    sem.release();
    yield* iterations(2);
    log.add(`${sem}; 4 done: ${tasks[3].done()}`);
    tasks[3].cancel();
    yield* caught(tasks[0]);
    yield* caught(tasks[1]);
    yield* tasks[2];
    yield* caught(tasks[3]);
    return log.entries;
  });
  assertEquals(log, [
    ["1 CancelledError", 10],
    ["2 CancelledError", 10],
    ["3 acquired", 10],
    ["<Semaphore locked waiters=1>; 4 done: false", 10],
    ["4 CancelledError", 10],
  ]);
});

Deno.test("a holder that cancels the waiter it just woke loses no slot: acquire() afterwards does not hang", async () => {
  // asyncio's test_acquire_no_hang.
  const log = await runVirtual(function* () {
    const log = new Log();
    const sem = new Semaphore(1);
    const tasks: { second?: Task<void> } = {};
    const first = createTask((function* () {
      yield* sem.hold(() => sleep(10));
      tasks.second?.cancel(); // second was woken by the release above, and has not run
    })());
    const second = tasks.second = createTask(sem.hold(function* () {
      log.add("second ran its body"); // never
      yield* sleep(0);
    }));
    yield* first;
    log.add(`second: ${((yield* caught(second)) as Error).name}; ${sem}`);
    yield* sem.acquire();
    log.add(`acquired again: ${sem}`);
    return log.entries;
  });
  assertEquals(log, [
    ["second: CancelledError; <Semaphore unlocked value=1>", 10],
    ["acquired again: <Semaphore locked>", 10],
  ]);
});

Deno.test("three tasks that acquire, work and release twice are served in FIFO order", async () => {
  // asyncio's test_acquire_fifo_order.
  const log = await runVirtual(function* () {
    const log = new Log();
    const sem = new Semaphore(1);
    function* worker(tag: string) {
      for (const round of [1, 2]) {
        yield* sem.acquire();
        log.add(`${tag}_${round}`);
        yield* sleep(10);
        sem.release();
      }
    }
    const tasks = ["c1", "c2", "c3"].map((tag) => createTask(worker(tag)));
    for (const task of tasks) yield* task;
    return log.entries;
  });
  assertEquals(log, [["c1_1", 0], ["c2_1", 10], ["c3_1", 20], ["c1_2", 30], ["c2_2", 40], ["c3_2", 50]]);
});

Deno.test("a task that releases and re-acquires goes to the back of the line", async () => {
  // asyncio's test_acquire_fifo_order_2.
  const result = await runVirtual(function* () {
    const sem = new Semaphore(1);
    const result: number[] = [];
    const t1 = createTask((function* () {
      yield* sem.acquire();
      result.push(1);
    })());
    const t2 = createTask((function* () {
      yield* sem.acquire();
      result.push(2);
      sem.release();
      yield* sem.acquire();
      result.push(4);
    })());
    const t3 = createTask((function* () {
      yield* sem.acquire();
      result.push(3);
    })());
    yield* sleep(0);
    sem.release();
    sem.release();
    for (const task of [t1, t2, t3]) yield* task;
    return result;
  });
  assertEquals(result, [1, 2, 3, 4]);
});

Deno.test("a waiter cancelled while queued is skipped by later releases", async () => {
  // asyncio's test_acquire_fifo_order_3.
  const log = await runVirtual(function* () {
    const log = new Log();
    const sem = new Semaphore(0);
    const tasks = ["1", "2", "3"].map((name) => createTask(taker(sem, name, log)));
    yield* sleep(0);
    tasks[0].cancel();
    yield* sleep(0);
    sem.release();
    sem.release();
    yield* caught(tasks[0]);
    yield* tasks[1];
    yield* tasks[2];
    return log.entries;
  });
  assertEquals(log, [["1 CancelledError", 0], ["2 acquired", 0], ["3 acquired", 0]]);
});

Deno.test("locked() is true with no free slot, or while anyone is queued", async () => {
  assert(new Semaphore(0).locked());
  assertFalse(new Semaphore(1).locked());
  await runVirtual(function* () {
    const sem = new Semaphore(0);
    const waiter = createTask(sem.acquire());
    yield* sleep(0);
    sem.release(); // the slot is reserved for the woken waiter
    assert(sem.locked());
    yield* waiter;
    sem.release();
    assertFalse(sem.locked());
  });
});

Deno.test("BoundedSemaphore.release() beyond the initial value is an InvalidStateError; Semaphore allows it", async () => {
  const bounded = new BoundedSemaphore(2);
  assertThrows(
    () => bounded.release(),
    InvalidStateError,
    "release() on <BoundedSemaphore unlocked value=2>: released more times than acquired",
  );
  await runVirtual(function* () {
    yield* bounded.acquire();
    bounded.release();
    assertThrows(() => bounded.release(), InvalidStateError);
    const plain = new Semaphore(1);
    plain.release();
    assertEquals(String(plain), "<Semaphore unlocked value=2>");
  });
});

Deno.test("a BoundedSemaphore whose woken waiter was cancelled still counts its slots right", async () => {
  const log = await runVirtual(function* () {
    const log = new Log();
    const sem = new BoundedSemaphore(1);
    yield* sem.acquire();
    const a = createTask(taker(sem, "a", log));
    yield* sleep(1);
    sem.release();
    a.cancel();
    yield* caught(a);
    log.add(`${sem}`);
    assertThrows(() => sem.release(), InvalidStateError); // the slot came back: all free
    return log.entries;
  });
  assertEquals(log, [["a CancelledError", 1], ["<BoundedSemaphore unlocked value=1>", 1]]);
});

Deno.test("Semaphore.hold() holds a slot for the body and gives it back when the body throws or is cancelled", async () => {
  const log = await runVirtual(function* () {
    const log = new Log();
    const sem = new Semaphore(1);
    const value: string = yield* sem.hold(function* () {
      yield* sleep(5);
      return "done";
    });
    log.add(`${value}; ${sem}`);
    const error = yield* caught(sem.hold(function* () {
      yield* sleep(5);
      throw new RangeError("boom");
    }));
    log.add(`${(error as Error).name}; ${sem}`);
    const holder = createTask(sem.hold(() => sleep(1000)));
    yield* sleep(5);
    holder.cancel();
    assertInstanceOf(yield* caught(holder), CancelledError);
    log.add(`${sem}`);
    return log.entries;
  });
  assertEquals(log, [
    ["done; <Semaphore unlocked value=1>", 5],
    ["RangeError; <Semaphore unlocked value=1>", 10],
    ["<Semaphore unlocked value=1>", 15],
  ]);
});

Deno.test("bad values: new Semaphore(-1), new Semaphore(1.5) and new BoundedSemaphore('2') are refused", () => {
  assertThrows(
    () => new Semaphore(-1),
    RangeError,
    "new Semaphore() expects a whole number of slots ≥ 0, got -1 (a number)",
  );
  assertThrows(() => new Semaphore(1.5), RangeError, "got 1.5 (a number)");
  assertThrows(
    () => new BoundedSemaphore(untyped("2")),
    TypeError,
    'new BoundedSemaphore() expects a number of slots, got "2" (a string)',
  );
  assertThrows(() => new BoundedSemaphore(-3), RangeError, "new BoundedSemaphore()");
  assertEquals(String(new Semaphore()), "<Semaphore unlocked value=1>");
});
