/**
 * Barrier (asyncio's locks.py / test_locks.py BarrierTests): wait() returns
 * the arrival index once `parties` tasks wait, the draining and resetting
 * states, reset(), abort(), BrokenBarrierError, cancellation — on virtual
 * time, with exact event order.
 */

import { assert, assertEquals, assertFalse, assertInstanceOf, assertThrows } from "@std/assert";
import { Barrier, BrokenBarrierError, CancelledError, type Coro, createTask, sleep, type Task } from "../../mod.ts";
import { caught, iterations, Log, runVirtual, untyped } from "./_helpers.ts";

/** Waits for every task in order and returns their results. */
function* all<T>(tasks: Task<T>[]): Coro<T[]> {
  const results: T[] = [];
  for (const task of tasks) results.push(yield* task);
  return results;
}

/** Runs `n` tasks of `body` and waits for all of them. */
function* gatherTasks<T>(n: number, body: (k: number) => Coro<T>): Coro<T[]> {
  return yield* all(Array.from({ length: n }, (_, k) => createTask(body(k))));
}

Deno.test("Barrier.wait() returns each task's arrival index once all parties wait, and all leave at that moment", async () => {
  const log = await runVirtual(function* () {
    const log = new Log();
    const barrier = new Barrier(3);
    yield* gatherTasks(3, function* (k) {
      yield* sleep([20, 10, 30][k]);
      log.add(`task ${k} arrives; ${barrier}`);
      const index = yield* barrier.wait();
      log.add(`task ${k} leaves with index ${index}`);
    });
    log.add(`${barrier}`);
    return log.entries;
  });
  assertEquals(log, [
    ["task 1 arrives; <Barrier filling waiters=0/3>", 10],
    ["task 0 arrives; <Barrier filling waiters=1/3>", 20],
    ["task 2 arrives; <Barrier filling waiters=2/3>", 30],
    ["task 2 leaves with index 2", 30],
    ["task 1 leaves with index 0", 30],
    ["task 0 leaves with index 1", 30],
    ["<Barrier filling waiters=0/3>", 30],
  ]);
});

Deno.test("the barrier drains before it refills: tasks leave in draining state, the last one sets it filling", async () => {
  // asyncio's test_draining_state.
  const states = await runVirtual(function* () {
    const barrier = new Barrier(5);
    const states: string[] = [];
    yield* gatherTasks(5, () =>
      barrier.hold(function* () {
        states.push(String(barrier));
        yield* iterations(0);
      }));
    return states;
  });
  assertEquals(states, [
    "<Barrier draining waiters=0/5>",
    "<Barrier draining waiters=0/5>",
    "<Barrier draining waiters=0/5>",
    "<Barrier draining waiters=0/5>",
    "<Barrier filling waiters=0/5>",
  ]);
});

Deno.test("a barrier of one party lets a task through on its first step, every time", async () => {
  const out = await runVirtual(function* () {
    const barrier = new Barrier(1);
    const first = barrier.wait().next();
    const t1 = createTask(barrier.wait());
    const t2 = createTask(barrier.wait());
    yield* sleep(0);
    return [first, t1.result(), t2.result(), barrier.nWaiting, barrier.broken];
  });
  assertEquals(out, [{ done: true, value: 0 }, 0, 0, 0, false]);
});

Deno.test("nWaiting counts tasks as they arrive, and a task cancelled while waiting no longer counts", async () => {
  // asyncio's test_filling_task_by_task and test_filling_tasks_cancel_one.
  const log = await runVirtual(function* () {
    const log = new Log();
    const barrier = new Barrier(3);
    const t1 = createTask(barrier.wait());
    yield* sleep(1);
    const t2 = createTask(barrier.wait());
    yield* sleep(1);
    log.add(`nWaiting ${barrier.nWaiting}`);
    t1.cancel();
    yield* sleep(1);
    log.add(`after a cancel: nWaiting ${barrier.nWaiting}, t1 cancelled ${t1.cancelled()}`);
    assertInstanceOf(yield* caught(t1), CancelledError);
    const t3 = createTask(barrier.wait());
    yield* sleep(1);
    log.add(`nWaiting ${barrier.nWaiting}`);
    const t4 = createTask(barrier.wait());
    const indexes = yield* all([t2, t3, t4]);
    log.add(`indexes ${indexes}; ${barrier}`);
    return log.entries;
  });
  assertEquals(log, [
    ["nWaiting 2", 2],
    ["after a cancel: nWaiting 1, t1 cancelled true", 3],
    ["nWaiting 2", 4],
    // asyncio: the index is the count of tasks inside at arrival, so after t1 left, t3 got 1 again.
    ["indexes 1,1,2; <Barrier filling waiters=0/3>", 4],
  ]);
});

Deno.test("a task that arrives while the barrier drains waits for the next round", async () => {
  // asyncio's test_blocking_tasks_while_draining, with the order pinned.
  const log = await runVirtual(function* () {
    const log = new Log();
    const barrier = new Barrier(2);
    const a = createTask(barrier.wait());
    const b = createTask(barrier.wait());
    yield* iterations(1); // a waits, b is the last to arrive: the barrier drains
    log.add(`${barrier}`);
    const late = createTask((function* () {
      const index = yield* barrier.wait();
      log.add(`late passed with index ${index}`);
    })());
    yield* all([a, b]);
    log.add(`${barrier}`);
    yield* sleep(5);
    const partner = createTask(barrier.wait());
    yield* late;
    yield* partner;
    return log.entries;
  });
  assertEquals(log, [
    ["<Barrier draining waiters=0/2>", 0],
    ["<Barrier filling waiters=1/2>", 0],
    ["late passed with index 0", 5],
  ]);
});

Deno.test("a task can pass the same barrier twice in a row; every index is handed out once per round", async () => {
  // asyncio's test_filling_tasks_wait_twice / test_filling_tasks_check_return_value.
  const rounds = await runVirtual(function* () {
    const barrier = new Barrier(4);
    const indexes = yield* gatherTasks(4, () =>
      barrier.hold(function* (first) {
        const second = yield* barrier.wait();
        return [first, second];
      }));
    return [indexes.map(([first]) => first).sort(), indexes.map(([, second]) => second).sort(), barrier.nWaiting];
  });
  assertEquals(rounds, [[0, 1, 2, 3], [0, 1, 2, 3], 0]);
});

Deno.test("reset() while tasks wait makes them leave with BrokenBarrierError; the barrier is usable again", async () => {
  // asyncio's test_reset_barrier_while_tasks_waiting.
  const log = await runVirtual(function* () {
    const log = new Log();
    const barrier = new Barrier(3);
    const waiters = [0, 1].map((k) =>
      createTask((function* () {
        try {
          yield* barrier.wait();
          log.add(`${k} passed`);
        } catch (e) {
          log.add(`${k} ${(e as Error).name}`);
        }
      })())
    );
    yield* sleep(10);
    yield* barrier.reset();
    log.add(`reset: ${barrier}`);
    yield* all(waiters);
    log.add(`${barrier}; broken ${barrier.broken}`);
    const again = yield* gatherTasks(3, () => barrier.wait());
    log.add(`next round: ${again.sort()}`);
    return log.entries;
  });
  assertEquals(log, [
    ["reset: <Barrier resetting waiters=0/3>", 10],
    ["0 BrokenBarrierError", 10],
    ["1 BrokenBarrierError", 10],
    ["<Barrier filling waiters=0/3>; broken false", 10],
    ["next round: 0,1,2", 10],
  ]);
});

Deno.test("reset() of an empty barrier leaves it filling", async () => {
  await runVirtual(function* () {
    const barrier = new Barrier(1);
    yield* barrier.reset();
    assertEquals([barrier.nWaiting, barrier.broken, String(barrier)], [0, false, "<Barrier filling waiters=0/1>"]);
  });
});

Deno.test("reset() while the barrier drains lets the tasks already released leave normally", async () => {
  // asyncio's test_reset_barrier_while_tasks_draining.
  const out = await runVirtual(function* () {
    const barrier = new Barrier(3);
    let count = 0;
    const secondRound: string[] = [];
    yield* gatherTasks(3, function* () {
      yield* barrier.wait();
      count++;
      if (count === 3) {
        yield* barrier.reset();
        yield* barrier.wait();
      } else {
        try {
          yield* barrier.wait();
          secondRound.push("passed");
        } catch (e) {
          secondRound.push((e as Error).name);
        }
      }
      yield* barrier.wait();
    });
    return [secondRound, barrier.broken, barrier.nWaiting];
  });
  assertEquals(out, [["passed", "passed"], false, 0]);
});

Deno.test("abort() breaks the barrier: waiting tasks and later arrivals get BrokenBarrierError until reset()", async () => {
  const log = await runVirtual(function* () {
    const log = new Log();
    const barrier = new Barrier(3);
    const waiter = createTask(barrier.wait());
    yield* sleep(10);
    yield* barrier.abort();
    log.add(`${barrier}; broken ${barrier.broken}; nWaiting ${barrier.nWaiting}`);
    const error = yield* caught(waiter);
    log.add(`waiter: ${(error as Error).name}: ${(error as Error).message}`);
    const late = yield* caught(barrier.wait());
    log.add(`late: ${(late as Error).message}`);
    yield* barrier.reset();
    log.add(`${barrier}`);
    return log.entries;
  });
  assertEquals(log, [
    ["<Barrier broken>; broken true; nWaiting 0", 10],
    ["waiter: BrokenBarrierError: wait() on <Barrier broken>: the barrier was aborted", 10],
    ["late: wait() on <Barrier broken>: the barrier is broken (aborted)", 10],
    ["<Barrier filling waiters=0/3>", 10],
  ]);
});

Deno.test("an error inside one party's hold() body and an abort() break the barrier for every other party", async () => {
  // asyncio's test_abort_barrier_when_exception.
  const [passed, broken] = await runVirtual(function* () {
    const barrier = new Barrier(5);
    let passed = 0, broken = 0;
    yield* gatherTasks(5, function* () {
      try {
        yield* barrier.hold(function* (i) {
          if (i === 2) throw new RangeError("party 2 failed");
          yield* iterations(0);
        });
        yield* barrier.wait();
        passed++;
      } catch (e) {
        if (e instanceof BrokenBarrierError) broken++;
        else if (e instanceof RangeError) yield* barrier.abort();
        else throw e;
      }
    });
    assert(barrier.broken);
    return [passed, broken];
  });
  assertEquals([passed, broken], [0, 4]);
});

Deno.test("a barrier aborted in one round and reset between rounds works again", async () => {
  // asyncio's test_abort_barrier_when_exception_then_resetting.
  const out = await runVirtual(function* () {
    const barrier1 = new Barrier(5), barrier2 = new Barrier(5);
    const results = { first: 0, broken: 0, final: 0 };
    yield* gatherTasks(5, function* () {
      try {
        const i = yield* barrier1.wait();
        if (i === 2) throw new RangeError("one party fails");
        yield* barrier1.wait();
        results.first++;
      } catch (e) {
        if (e instanceof BrokenBarrierError) results.broken++;
        else if (e instanceof RangeError) yield* barrier1.abort();
        else throw e;
      }
      const i = yield* barrier2.wait();
      if (i === 2) yield* barrier1.reset();
      yield* barrier2.wait();
      yield* barrier1.wait();
      results.final++;
    });
    return [results, barrier1.broken, barrier1.nWaiting];
  });
  assertEquals(out, [{ first: 0, broken: 4, final: 5 }, false, 0]);
});

Deno.test("Barrier prints its state: filling, draining, resetting, broken", async () => {
  const states = await runVirtual(function* () {
    const barrier = new Barrier(3);
    const states = [String(barrier)];
    const tasks = [createTask(barrier.wait()), createTask(barrier.wait())];
    yield* sleep(1);
    states.push(String(barrier));
    tasks.push(createTask(barrier.wait()));
    yield* iterations(1);
    states.push(String(barrier));
    yield* all(tasks);
    const waiting = createTask(barrier.wait());
    yield* sleep(1);
    const resetting = createTask(barrier.reset());
    yield* iterations(1);
    states.push(String(barrier));
    yield* resetting;
    yield* caught(waiting);
    yield* barrier.abort();
    states.push(String(barrier));
    return states;
  });
  assertEquals(states, [
    "<Barrier filling waiters=0/3>",
    "<Barrier filling waiters=2/3>",
    "<Barrier draining waiters=0/3>",
    "<Barrier resetting waiters=0/3>",
    "<Barrier broken>",
  ]);
});

Deno.test("Barrier.hold() passes the arrival index to the body and returns its value", async () => {
  const values = await runVirtual(function* () {
    const barrier = new Barrier(2);
    return yield* gatherTasks(2, () =>
      barrier.hold(function* (index) {
        yield* sleep(index);
        return `index ${index}`;
      }));
  });
  assertEquals(values.sort(), ["index 0", "index 1"]);
});

Deno.test("bad parties: new Barrier(0), new Barrier(-4), new Barrier(1.5) and new Barrier('3') are refused", () => {
  assertThrows(
    () => new Barrier(0),
    RangeError,
    "new Barrier() expects a whole number of parties ≥ 1, got 0 (a number)",
  );
  assertThrows(() => new Barrier(-4), RangeError, "got -4");
  assertThrows(() => new Barrier(1.5), RangeError, "got 1.5");
  assertThrows(
    () => new Barrier(untyped("3")),
    TypeError,
    'new Barrier() expects a number of parties, got "3" (a string)',
  );
  const barrier = new Barrier(4);
  assertEquals([barrier.parties, barrier.nWaiting], [4, 0]);
  assertFalse(barrier.broken);
});
