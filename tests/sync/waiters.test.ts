/**
 * What every primitive gets from the one waiter line (lib/task/waiters.ts):
 * waiters that print what they wait for (so a deadlock report names the
 * primitive), binding to one loop, printing through the inspect hooks, and
 * the types that flow through `yield*`.
 */

import { assertEquals, assertInstanceOf, assertRejects, assertStringIncludes } from "@std/assert";
import {
  Barrier,
  BoundedSemaphore,
  Condition,
  type Coro,
  createTask,
  DeadlockError,
  Event,
  InvalidStateError,
  LifoQueue,
  Lock,
  PriorityQueue,
  Queue,
  run,
  Semaphore,
  sleep,
} from "../../mod.ts";
import { caught, runVirtual } from "./_helpers.ts";

Deno.test("a deadlock report names the primitive and the operation each task waits on", async () => {
  const lock = new Lock();
  const q = new Queue<number>(1);
  const error = await assertRejects(
    () =>
      run(function* () {
        yield* lock.acquire();
        createTask(lock.acquire(), { name: "locker" });
        createTask(q.get(), { name: "getter" });
        yield* new Event().wait();
      }, { clock: "virtual" }),
    DeadlockError,
  );
  // The tree names each primitive by kind and per-loop number, and a queue's line by its method.
  assertStringIncludes(error.tree, "locker — waiting on Lock#1");
  assertStringIncludes(error.tree, "getter — waiting on Queue#1.get");
  assertStringIncludes(error.tree, "— waiting on Event#1");
});

Deno.test("every primitive prints itself through toString() and the Deno and Node inspect hooks", () => {
  const cases: [object, string][] = [
    [new Lock(), "<Lock unlocked>"],
    [new Event(), "<Event unset>"],
    [new Condition(), "<Condition unlocked>"],
    [new Semaphore(2), "<Semaphore unlocked value=2>"],
    [new BoundedSemaphore(0), "<BoundedSemaphore locked>"],
    [new Barrier(2), "<Barrier filling waiters=0/2>"],
    [new Queue(4), "<Queue maxsize=4 qsize=0>"],
    [new PriorityQueue(), "<PriorityQueue maxsize=0 qsize=0>"],
    [new LifoQueue(1), "<LifoQueue maxsize=1 qsize=0>"],
  ];
  for (const [primitive, text] of cases) {
    assertEquals(String(primitive), text);
    for (const key of ["Deno.customInspect", "nodejs.util.inspect.custom"]) {
      const inspect = (primitive as Record<symbol, () => string>)[Symbol.for(key)];
      assertEquals(inspect.call(primitive), text, `${text} ${key}`);
    }
  }
});

Deno.test("a queue's getters, putters and join() share one loop: a putter from a second loop is refused", async () => {
  const q = new Queue<number>(1);
  await run(function* () {
    const getter = createTask(q.get()); // binds the queue to this loop
    yield* sleep(1);
    q.putNowait(1);
    yield* getter;
  }, { clock: "virtual" });
  const error = await run(function* () {
    q.putNowait(2); // no waiting: allowed
    return yield* caught(q.put(3)); // full: it would wait on the first loop's line
  }, { clock: "virtual" });
  assertInstanceOf(error, InvalidStateError);
  assertStringIncludes((error as Error).message, "put() on <Queue maxsize=1 qsize=1 tasks=2> from <EventLoop running");
});

Deno.test("Event, Semaphore and Barrier bind to the first loop that waits on them too", async () => {
  const event = new Event(), sem = new Semaphore(0), barrier = new Barrier(2);
  await run(function* () {
    const tasks = [createTask(event.wait()), createTask(sem.acquire()), createTask(barrier.wait())];
    yield* sleep(1);
    event.set();
    sem.release();
    yield* barrier.wait();
    for (const task of tasks) yield* task;
    event.clear();
  }, { clock: "virtual" });
  const errors = await run(function* () {
    return [yield* caught(event.wait()), yield* caught(sem.acquire()), yield* caught(barrier.wait())];
  }, { clock: "virtual" });
  assertEquals(errors.map((e) => (e as Error).name), ["InvalidStateError", "InvalidStateError", "InvalidStateError"]);
});

Deno.test("waiting outside a running loop is an InvalidStateError that says what to do", () => {
  const error = (() => {
    try {
      new Event().wait().next();
    } catch (e) {
      return e;
    }
  })();
  assertInstanceOf(error, InvalidStateError);
  assertStringIncludes(error.message, "wait() on <Event unset> needs a running event loop");
});

Deno.test("types flow through yield*: true from acquire/wait, the item from get(), the index from Barrier.wait()", async () => {
  await runVirtual(function* (): Coro<void> {
    const lock = new Lock(), event = new Event(), cond = new Condition(), sem = new Semaphore();
    const q = new Queue<string>(), barrier = new Barrier(1);
    const acquired: true = yield* lock.acquire();
    lock.release();
    event.set();
    const waited: true = yield* event.wait();
    const slot: true = yield* sem.acquire();
    sem.release();
    q.putNowait("item");
    const item: string = yield* q.get();
    const index: number = yield* barrier.wait();
    const held: number = yield* lock.hold(function* () {
      yield* sleep(1);
      return 7;
    });
    const ready: string = yield* cond.waitFor((): string | null => "ready");
    // Never run; only type-checked.
    const _mistakes = function* () {
      // @ts-expect-error: a Queue<string> gives strings, not numbers
      const n: number = yield* q.get();
      // @ts-expect-error: acquire() gives `true`, not a value to use
      const s: string = yield* lock.acquire();
      return [n, s];
    };
    assertEquals([acquired, waited, slot, item, index, held, ready], [true, true, true, "item", 0, 7, "ready"]);
  });
});
