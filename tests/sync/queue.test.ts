/**
 * Queue (asyncio's queues.py / test_queues.py): put/get and their nowait
 * forms, maxsize, newcomers barging (unlike Lock), cancellation races that
 * must lose no item and no wake-up, taskDone/join, shutdown (3.13) and
 * forEach — on virtual time, with exact event order.
 */

import { assertEquals, assertInstanceOf, assertThrows } from "@std/assert";
import {
  CancelledError,
  type Coro,
  createTask,
  getRunningLoop,
  InvalidStateError,
  Queue,
  QueueEmpty,
  QueueFull,
  QueueShutDown,
  sleep,
} from "../../mod.ts";
import { caught, Log, runVirtual, untyped } from "./_helpers.ts";

function* getter<T>(q: Queue<T>, name: string, log: Log): Coro<T> {
  try {
    const item = yield* q.get();
    log.add(`${name} got ${item}`);
    return item;
  } catch (e) {
    log.add(`${name} ${(e as Error).name}`);
    throw e;
  }
}

function* putter<T>(q: Queue<T>, item: T, log: Log): Coro<void> {
  try {
    yield* q.put(item);
    log.add(`put ${item}`);
  } catch (e) {
    log.add(`put ${item}: ${(e as Error).name}`);
    throw e;
  }
}

Deno.test("a Queue hands items out first in, first out; qsize, empty and full follow", () => {
  const q = new Queue<number>(3);
  assertEquals([q.maxsize, q.qsize(), q.empty(), q.full()], [3, 0, true, false]);
  for (const n of [1, 3, 2]) q.putNowait(n);
  assertEquals([q.qsize(), q.empty(), q.full(), String(q)], [3, false, true, "<Queue maxsize=3 qsize=3 tasks=3>"]);
  assertEquals([q.getNowait(), q.getNowait(), q.getNowait()], [1, 3, 2]);
  assertEquals([q.qsize(), q.empty(), q.full()], [0, true, false]);
});

Deno.test("the ring buffer keeps FIFO order as it wraps around and grows", () => {
  const q = new Queue<number>();
  const out: number[] = [];
  let next = 0;
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < (round % 7) + 3; i++) q.putNowait(next++);
    for (let i = 0; i < (round % 5) + 1 && !q.empty(); i++) out.push(q.getNowait());
  }
  while (!q.empty()) out.push(q.getNowait());
  assertEquals(out, Array.from({ length: next }, (_, i) => i));
});

Deno.test("an unbounded queue (maxsize 0 or less) is never full", () => {
  for (const maxsize of [0, -1]) {
    const q = new Queue<number>(maxsize);
    for (let i = 0; i < 100; i++) q.putNowait(i);
    assertEquals([q.full(), q.maxsize], [false, maxsize]);
  }
});

Deno.test("getNowait() on an empty queue raises QueueEmpty; putNowait() on a full one raises QueueFull", () => {
  const q = new Queue<string>(1);
  assertThrows(() => q.getNowait(), QueueEmpty, "getNowait() on <Queue maxsize=1 qsize=0>: the queue is empty");
  q.putNowait("a");
  assertThrows(
    () => q.putNowait("b"),
    QueueFull,
    "putNowait() on <Queue maxsize=1 qsize=1 tasks=1>: the queue is full",
  );
});

Deno.test("put() waits while the queue is full and resumes when a get makes room", async () => {
  // asyncio's test_maxsize and test_blocking_put_wait.
  const log = await runVirtual(function* () {
    const log = new Log();
    const q = new Queue<number>(2);
    const producer = createTask((function* () {
      for (let i = 0; i < 3; i++) yield* putter(q, i, log);
    })());
    yield* sleep(10);
    log.add(`${q}`);
    log.add(`got ${q.getNowait()}`);
    yield* producer;
    log.add(`${q}`);
    return log.entries;
  });
  assertEquals(log, [
    ["put 0", 0],
    ["put 1", 0],
    ["<Queue maxsize=2 qsize=2 putters=1 tasks=2>", 10],
    ["got 0", 10],
    ["put 2", 10],
    ["<Queue maxsize=2 qsize=2 tasks=3>", 10],
  ]);
});

Deno.test("get() waits while the queue is empty and returns the item a later put brings", async () => {
  // asyncio's test_blocking_get_wait.
  const log = await runVirtual(function* () {
    const log = new Log();
    const q = new Queue<number>();
    const task = createTask(getter(q, "g", log));
    getRunningLoop().callLater(10, () => q.putNowait(1));
    yield* sleep(1);
    log.add(`${q}`);
    assertEquals(yield* task, 1);
    return log.entries;
  });
  assertEquals(log, [["<Queue maxsize=0 qsize=0 getters=1>", 1], ["g got 1", 10]]);
});

Deno.test("get() and put() that need not wait return on the first step, without yielding or needing a loop", () => {
  const q = new Queue<string>(1);
  assertEquals(q.put("x").next(), { done: true, value: undefined });
  assertEquals(q.get().next(), { done: true, value: "x" });
});

Deno.test("getters are served in FIFO order; a cancelled getter is skipped", async () => {
  // asyncio's test_get_cancelled_race.
  const log = await runVirtual(function* () {
    const log = new Log();
    const q = new Queue<string>();
    const t1 = createTask(getter(q, "t1", log));
    const t2 = createTask(getter(q, "t2", log));
    const t3 = createTask(getter(q, "t3", log));
    yield* sleep(10);
    t1.cancel();
    yield* sleep(10);
    q.putNowait("a");
    q.putNowait("b");
    yield* caught(t1);
    yield* t2;
    yield* t3;
    return log.entries;
  });
  assertEquals(log, [["t1 CancelledError", 10], ["t2 got a", 20], ["t3 got b", 20]]);
});

Deno.test("a newcomer may take the item a getter was woken for: the getter waits again, at the back of the line", async () => {
  // research/asyncio-surface.md §0 finding 5: queues let newcomers barge, locks do not.
  const log = await runVirtual(function* () {
    const log = new Log();
    const q = new Queue<string>();
    const g1 = createTask(getter(q, "g1", log));
    const g2 = createTask(getter(q, "g2", log));
    yield* sleep(10);
    q.putNowait("x"); // wakes g1 ...
    log.add(`main barges in and gets ${q.getNowait()}`); // ... but the item is gone when g1 runs
    yield* sleep(10);
    log.add(`${q}`);
    q.putNowait("y"); // g2 is first in line now
    yield* sleep(10);
    q.putNowait("z");
    yield* g1;
    yield* g2;
    return log.entries;
  });
  assertEquals(log, [
    ["main barges in and gets x", 10],
    ["<Queue maxsize=0 qsize=0 getters=2 tasks=1>", 20],
    ["g2 got y", 20],
    ["g1 got z", 30],
  ]);
});

Deno.test("a woken getter cancelled after its item was taken by a newcomer wakes no one: the line keeps its order", async () => {
  const log = await runVirtual(function* () {
    const log = new Log();
    const q = new Queue<string>();
    const [g1, g2, g3] = ["g1", "g2", "g3"].map((name) => createTask(getter(q, name, log)));
    yield* sleep(10);
    q.putNowait("x"); // wakes g1 ...
    q.getNowait(); // ... a newcomer takes the item ...
    g1.cancel(); // ... and g1 is cancelled: there is nothing to pass on
    yield* caught(g1);
    yield* sleep(10);
    q.putNowait("y");
    q.putNowait("z");
    yield* g2;
    yield* g3;
    return log.entries;
  });
  assertEquals(log, [["g1 CancelledError", 10], ["g2 got y", 20], ["g3 got z", 20]]);
});

Deno.test("a getter woken by a put and cancelled in the same iteration loses no item: a retry gets the first one", async () => {
  // asyncio's test_get_cancel_drop_one_pending_reader.
  const log = await runVirtual(function* () {
    const log = new Log();
    const q = new Queue<number>();
    const reader = createTask(getter(q, "reader", log));
    yield* sleep(10);
    q.putNowait(1);
    q.putNowait(2);
    reader.cancel();
    yield* caught(reader);
    const retry = yield* q.get();
    log.add(`retry got ${retry}; ${q}`);
    return log.entries;
  });
  assertEquals(log, [["reader CancelledError", 10], ["retry got 1; <Queue maxsize=0 qsize=1 tasks=2>", 10]]);
});

Deno.test("a woken getter cancelled in the same iteration passes its wake-up to the next getter while items remain", async () => {
  // asyncio's test_get_cancel_drop_many_pending_readers, with the order it leaves open pinned down.
  const log = await runVirtual(function* () {
    const log = new Log();
    const q = new Queue<number>();
    const readers = ["r1", "r2", "r3"].map((name) => createTask(getter(q, name, log)));
    yield* sleep(10);
    q.putNowait(1); // wakes r1
    q.putNowait(2); // wakes r2
    readers[0].cancel(); // r1 does not take its item: r3 must be woken in its place
    yield* caught(readers[0]);
    yield* readers[1];
    yield* readers[2];
    log.add(`${q}`);
    return log.entries;
  });
  assertEquals(log, [
    ["r1 CancelledError", 10],
    ["r2 got 1", 10],
    ["r3 got 2", 10],
    ["<Queue maxsize=0 qsize=0 tasks=2>", 10],
  ]);
});

Deno.test("a putter woken by a get and cancelled in the same iteration puts nothing; a retry puts its item", async () => {
  // asyncio's test_put_cancel_drop and test_cancelled_put_silence_value_error_exception.
  const log = await runVirtual(function* () {
    const log = new Log();
    const q = new Queue<number>(1);
    q.putNowait(1);
    const writer = createTask(putter(q, 2, log));
    yield* sleep(10);
    log.add(`got ${q.getNowait()}`); // wakes the writer ...
    writer.cancel(); // ... which is cancelled before it runs
    yield* caught(writer);
    log.add(`${q}`);
    yield* putter(q, 2, log);
    log.add(`got ${q.getNowait()}; ${q}`);
    return log.entries;
  });
  assertEquals(log, [
    ["got 1", 10],
    ["put 2: CancelledError", 10],
    ["<Queue maxsize=1 qsize=0 tasks=1>", 10],
    ["put 2", 10],
    ["got 2; <Queue maxsize=1 qsize=0 tasks=2>", 10],
  ]);
});

Deno.test("a woken putter cancelled in the same iteration passes its wake-up to the next putter while there is room", async () => {
  const log = await runVirtual(function* () {
    const log = new Log();
    const q = new Queue<string>(1);
    q.putNowait("first");
    const a = createTask(putter(q, "a", log));
    const b = createTask(putter(q, "b", log));
    yield* sleep(10);
    q.getNowait(); // wakes a
    a.cancel();
    yield* caught(a);
    yield* b;
    log.add(`${q}; next is ${q.getNowait()}`);
    return log.entries;
  });
  assertEquals(log, [
    ["put a: CancelledError", 10],
    ["put b", 10],
    ["<Queue maxsize=1 qsize=1 tasks=2>; next is b", 10],
  ]);
});

Deno.test("putters blocked on a full queue are served in FIFO order; a cancelled one is skipped", async () => {
  // asyncio's test_put_cancelled_race and test_get_with_waiting_putters.
  const log = await runVirtual(function* () {
    const log = new Log();
    const q = new Queue<string>(1);
    const tasks = ["a", "b", "X", "c"].map((item) => createTask(putter(q, item, log)));
    yield* sleep(10);
    tasks[2].cancel();
    yield* sleep(10);
    for (let i = 0; i < 3; i++) {
      log.add(`got ${yield* q.get()}`);
      yield* sleep(10);
    }
    yield* caught(tasks[2]);
    for (const task of [tasks[0], tasks[1], tasks[3]]) yield* task;
    return log.entries;
  });
  assertEquals(log, [
    ["put a", 0],
    ["put X: CancelledError", 10],
    ["got a", 20],
    ["put b", 20],
    ["got b", 30],
    ["put c", 30],
    ["got c", 40],
  ]);
});

Deno.test("join() returns at once with nothing outstanding, and otherwise exactly when the last taskDone() lands", async () => {
  // asyncio's test_join_empty_queue and test_task_done.
  const log = await runVirtual(function* () {
    const log = new Log();
    const q = new Queue<number>();
    assertEquals(q.join().next(), { done: true, value: undefined }); // nothing put: no wait
    for (let i = 1; i <= 3; i++) q.putNowait(i);
    const worker = createTask((function* () {
      for (;;) {
        const item = yield* q.get();
        yield* sleep(item * 10);
        log.add(`done with ${item}`);
        q.taskDone();
      }
    })());
    yield* q.join();
    log.add(`joined; ${q}`);
    worker.cancel();
    yield* caught(worker);
    return log.entries;
  });
  assertEquals(log, [["done with 1", 10], ["done with 2", 30], ["done with 3", 60], [
    "joined; <Queue maxsize=0 qsize=0 getters=1>",
    60,
  ]]);
});

Deno.test("taskDone() called more times than items were put is an InvalidStateError", () => {
  const q = new Queue<number>();
  assertThrows(
    () => q.taskDone(),
    InvalidStateError,
    "taskDone() on <Queue maxsize=0 qsize=0>: called more times than items were put",
  );
  q.putNowait(1);
  q.getNowait();
  q.taskDone();
  assertThrows(() => q.taskDone(), InvalidStateError);
});

Deno.test("shutdown() of an empty queue wakes blocked getters with QueueShutDown; put and get raise from then on", async () => {
  // asyncio's test_shutdown_empty.
  const log = await runVirtual(function* () {
    const log = new Log();
    const q = new Queue<string>();
    const g = createTask(getter(q, "g", log));
    yield* sleep(10);
    q.shutdown();
    log.add(`${q}`);
    yield* q.join();
    yield* caught(g);
    for (const attempt of [q.put("data"), q.get()]) log.add(((yield* caught(attempt)) as Error).name);
    assertThrows(() => q.putNowait("data"), QueueShutDown, "putNowait() on <Queue maxsize=0 qsize=0 shutdown>");
    assertThrows(() => q.getNowait(), QueueShutDown);
    return log.entries;
  });
  assertEquals(log, [
    ["<Queue maxsize=0 qsize=0 getters=1 shutdown>", 10],
    ["g QueueShutDown", 10],
    ["QueueShutDown", 10],
    ["QueueShutDown", 10],
  ]);
});

Deno.test("shutdown() of a full queue wakes blocked putters with QueueShutDown; getters drain what is left; join waits for it", async () => {
  // asyncio's test_shutdown_nonempty.
  const log = await runVirtual(function* () {
    const log = new Log();
    const q = new Queue<string>(1);
    q.putNowait("data");
    const joiner = createTask((function* () {
      yield* q.join();
      log.add("joined");
    })());
    const blocked = createTask(putter(q, "data2", log));
    yield* sleep(10);
    q.shutdown();
    yield* caught(blocked);
    log.add(`got ${yield* q.get()}`);
    yield* sleep(10);
    log.add(`joined yet: ${joiner.done()}`);
    log.add(((yield* caught(q.get())) as Error).name);
    q.taskDone();
    yield* joiner;
    assertThrows(() => q.taskDone(), InvalidStateError);
    return log.entries;
  });
  assertEquals(log, [
    ["put data2: QueueShutDown", 10],
    ["got data", 10],
    ["joined yet: false", 20],
    ["QueueShutDown", 20],
    ["joined", 20],
  ]);
});

Deno.test("shutdown(true) drops the items, counts them done (join returns) and makes get() raise at once", async () => {
  // asyncio's test_shutdown_immediate and test_shutdown_immediate_with_unfinished.
  const log = await runVirtual(function* () {
    const log = new Log();
    const q = new Queue<string>();
    q.putNowait("kept");
    q.putNowait("dropped 1");
    q.putNowait("dropped 2");
    log.add(`got ${yield* q.get()}`); // taken, not yet done
    const joiner = createTask((function* () {
      yield* q.join();
      log.add("joined");
    })());
    yield* sleep(10);
    q.shutdown(true);
    log.add(`${q}`);
    log.add(((yield* caught(q.get())) as Error).name);
    yield* sleep(10);
    log.add(`joined yet: ${joiner.done()}`);
    q.taskDone(); // the one taken before the shutdown
    yield* joiner;
    assertThrows(() => q.taskDone(), InvalidStateError);
    return log.entries;
  });
  assertEquals(log, [
    ["got kept", 0],
    ["<Queue maxsize=0 qsize=0 tasks=1 shutdown>", 10],
    ["QueueShutDown", 10],
    ["joined yet: false", 20],
    ["joined", 20],
  ]);
});

Deno.test("shutdown(true) with nothing outstanding wakes join() at once", async () => {
  const log = await runVirtual(function* () {
    const log = new Log();
    const q = new Queue<number>();
    q.putNowait(1);
    const joiner = createTask((function* () {
      yield* q.join();
      log.add("joined");
    })());
    yield* sleep(10);
    q.shutdown(true);
    yield* joiner;
    return log.entries;
  });
  assertEquals(log, [["joined", 10]]);
});

Deno.test("forEach() consumes each item, marks it done, and returns the count once the queue is shut down and drained", async () => {
  const log = await runVirtual(function* () {
    const log = new Log();
    const q = new Queue<string>(2);
    const consumer = createTask(q.forEach(function* (item) {
      yield* sleep(10);
      log.add(`handled ${item}`);
    }));
    for (const item of ["a", "b", "c"]) yield* q.put(item);
    yield* q.join();
    log.add("joined");
    q.putNowait("d");
    q.shutdown(); // "d" is still consumed; then forEach returns
    const count: number = yield* consumer;
    log.add(`forEach returned ${count}; ${q}`);
    return log.entries;
  });
  assertEquals(log, [
    ["handled a", 10],
    ["handled b", 20],
    ["handled c", 30],
    ["joined", 30],
    ["handled d", 40],
    ["forEach returned 4; <Queue maxsize=2 qsize=0 shutdown>", 40],
  ]);
});

Deno.test("forEach() marks the item done when the body throws, and the error ends the loop", async () => {
  const out = await runVirtual(function* () {
    const q = new Queue<number>();
    q.putNowait(1);
    q.putNowait(2);
    const error = yield* caught(q.forEach(function* (item) {
      yield* sleep(1);
      if (item === 1) throw new RangeError(`bad item ${item}`);
    }));
    return [(error as Error).message, String(q)];
  });
  assertEquals(out, ["bad item 1", "<Queue maxsize=0 qsize=1 tasks=1>"]);
});

Deno.test("forEach() in a cancelled task stops with CancelledError, marking the item it was handling done", async () => {
  const out = await runVirtual(function* () {
    const q = new Queue<number>();
    q.putNowait(1);
    const consumer = createTask(q.forEach(() => sleep(1000)));
    yield* sleep(10);
    consumer.cancel();
    const error = yield* caught(consumer);
    assertInstanceOf(error, CancelledError);
    return String(q);
  });
  assertEquals(out, "<Queue maxsize=0 qsize=0>");
});

Deno.test("forEach() refuses a body that is not a generator function", async () => {
  await runVirtual(function* () {
    const q = new Queue<number>();
    assertThrows(() => q.forEach(untyped(null)).next(), TypeError, "Queue.forEach() expects a body");
    q.putNowait(1);
    const error = yield* caught(q.forEach(untyped(() => 42)));
    assertInstanceOf(error, TypeError);
    assertEquals((error as Error).message.startsWith("Queue.forEach()'s body returned 42 (a number)"), true);
  });
});

Deno.test("a fractional maxsize is full at the next whole number, as asyncio compares qsize() >= maxsize", async () => {
  const q = new Queue<number>(1.3);
  q.putNowait(1);
  const roomAfterOne = !q.full();
  q.putNowait(2);
  assertEquals([roomAfterOne, q.full(), q.maxsize, String(q)], [
    true,
    true,
    1.3,
    "<Queue maxsize=1.3 qsize=2 tasks=2>",
  ]);
  assertThrows(() => q.putNowait(3), QueueFull);
  const log = await runVirtual(function* () {
    const log = new Log();
    const p = createTask(putter(q, 3, log));
    yield* sleep(10);
    log.add(`got ${q.getNowait()}`);
    yield* p;
    log.add(String(q));
    return log.entries;
  });
  assertEquals(log, [["got 1", 10], ["put 3", 10], ["<Queue maxsize=1.3 qsize=2 tasks=3>", 10]]);
  const unbounded = new Queue<number>(Infinity);
  for (let i = 0; i < 1000; i++) unbounded.putNowait(i);
  assertEquals(unbounded.full(), false);
});

Deno.test("bad maxsize: new Queue(NaN) and new Queue('2') are refused", () => {
  assertThrows(() => new Queue(NaN), RangeError, "new Queue() got NaN for maxsize");
  assertThrows(
    () => new Queue(untyped("2")),
    TypeError,
    'new Queue() expects maxsize as a number of items, got "2" (a string)',
  );
});
