import { assert, assertEquals, assertInstanceOf, assertRejects, assertStringIncludes, assertThrows } from "@std/assert";
import {
  CancelledError,
  CannotBlockError,
  createTask,
  gather,
  getRunningLoop,
  InvalidStateError,
  run,
  runSync,
  sleep,
} from "../../mod.ts";
import {
  Channel,
  defaultWorkerPool,
  setDefaultWorkerPool,
  toThread,
  workerFunction,
  WorkerPool,
} from "../../lib/threads/mod.ts";
import { blockingPool, canBlock, hold, jobs, sharedMemory } from "./_env.ts";

Deno.test("toThread() runs an exported function in a worker and returns its result", async () => {
  assertEquals(
    await run(function* () {
      return yield* toThread(jobs.add, 2, 40);
    }),
    42,
  );
});

Deno.test("toThread() clones structured values both ways", async () => {
  const echo = workerFunction<(ms: number, v: unknown) => unknown>(jobs.later.module, "later");
  const value = { when: new Date(5), map: new Map([[1, "a"]]), bytes: new Uint8Array([1, 2]), nested: [undefined] };
  assertEquals(
    await run(function* () {
      return yield* toThread(echo, 0, value);
    }),
    value,
  );
});

Deno.test("an error thrown in the worker arrives with its class, message, stack and cause", async () => {
  const error = await run(function* () {
    try {
      yield* toThread(jobs.fail, "bad input");
    } catch (e) {
      return e;
    }
  });
  assertInstanceOf(error, RangeError);
  assertEquals(error.message, "bad input");
  assertStringIncludes(String(error.stack), "fail");
  assertEquals((error.cause as Error).message, "the cause");
});

Deno.test("a job that throws null or undefined fails with exactly that, and the loop goes on", async () => {
  const outcomes = await run(function* () {
    const thrown: unknown[] = [];
    for (const which of ["null", "undefined"] as const) {
      try {
        yield* toThread(jobs.throwValue, which);
      } catch (e) {
        thrown.push(e);
      }
    }
    return [thrown, yield* toThread(jobs.add, 1, 2)];
  });
  assertEquals(outcomes, [[null, undefined], 3]);
});

Deno.test("a job that throws what cannot be looked at fails with a description of it, and the worker lives on", async () => {
  const outcomes = await run(function* () {
    const pool = new WorkerPool({ size: 1 });
    let thrown: unknown;
    try {
      yield* pool.submit(jobs.throwValue, "revoked Proxy");
    } catch (e) {
      thrown = e;
    }
    const outcomes = [thrown, yield* pool.submit(jobs.whoAmI), yield* pool.submit(jobs.whoAmI)];
    pool.close();
    return outcomes;
  });
  assertEquals(outcomes[0], "a value that throws when inspected (a revoked Proxy?)");
  assertEquals(outcomes[1], outcomes[2], "the same worker ran both later jobs: it did not crash");
});

Deno.test("a rejected promise in the worker arrives as an error with the original name", async () => {
  await assertRejects(
    () =>
      run(function* () {
        yield* toThread(jobs.failLater, "later");
      }),
    Error,
    "later",
  );
  const error = await run(function* () {
    try {
      yield* toThread(jobs.failLater, "named");
    } catch (e) {
      return e as Error;
    }
  });
  assertEquals(error?.name, "CustomError");
});

Deno.test("a name the module does not export is a TypeError that lists what it exports", async () => {
  const error = await run(function* () {
    try {
      yield* toThread(jobs.missing);
    } catch (e) {
      return e;
    }
  });
  assertInstanceOf(error, TypeError);
  assertStringIncludes(error.message, 'has no exported function "missing"');
  assertStringIncludes(error.message, "add");
  const notFn = await run(function* () {
    try {
      yield* toThread(jobs.notAFunction);
    } catch (e) {
      return e as Error;
    }
  });
  assertStringIncludes(String(notFn?.message), 'exports "notAFunction" as number, not a function');
});

Deno.test("a module that cannot be imported fails the job with a clear error", async () => {
  const nowhere = workerFunction<() => void>(new URL("./no_such_module.js", jobs.add.module), "f");
  const error = await run(function* () {
    try {
      yield* toThread(nowhere);
    } catch (e) {
      return e as Error;
    }
  });
  assertStringIncludes(String(error?.message), "could not import");
});

Deno.test("arguments that cannot be cloned throw a TypeError at the call, queued or not", async () => {
  await run(function* () {
    const pool = new WorkerPool({ size: 1 });
    assertThrows(
      () => pool.submit(jobs.add, (() => 1) as unknown as number, 2),
      TypeError,
      "cannot be sent to a worker",
    );
    const busy = pool.submit(hold, 50, "busy"); // the next one must queue
    assertThrows(
      () => pool.submit(jobs.add, 1, Symbol("s") as unknown as number),
      TypeError,
      "the arguments of add() cannot be sent to a worker: argument 1, Symbol(s)",
    );
    assertEquals(yield* busy, "busy");
  });
});

Deno.test("a channel end nested inside an argument is refused with a hint to pass it at the top level", async () => {
  // deno-lint-ignore require-yield -- the body needs a running loop, not a wait
  await run(function* () {
    const [, theirs] = Channel.pair<number, number>();
    assertThrows(
      () => toThread(jobs.later, 0, { theirs } as unknown as string),
      TypeError,
      "channel ends and MessagePorts must be top-level arguments",
    );
  });
});

Deno.test("setDefaultWorkerPool() refuses a closed pool", async () => {
  // deno-lint-ignore require-yield -- the body needs a running loop, not a wait
  await run(function* () {
    const pool = new WorkerPool({ size: 1 });
    pool.close();
    assertThrows(() => setDefaultWorkerPool(pool), InvalidStateError, "<WorkerPool closed size=1");
  });
});

Deno.test("a result that cannot be cloned back fails the job with a TypeError", async () => {
  const error = await run(function* () {
    try {
      yield* toThread(jobs.unclonable);
    } catch (e) {
      return e;
    }
  });
  assertInstanceOf(error, TypeError);
  assertStringIncludes(error.message, "unclonable() cannot be cloned back");
});

Deno.test("bad arguments to workerFunction, toThread and WorkerPool are named in TypeErrors and RangeErrors", async () => {
  assertThrows(() => workerFunction("./jobs.ts", "f"), TypeError, "absolute URL");
  assertThrows(() => workerFunction(jobs.add.module, ""), TypeError, "non-empty string");
  // deno-lint-ignore require-yield -- the body needs a running loop, not a wait
  await run(function* () {
    assertThrows(() => toThread((() => 1) as never), TypeError, "a function cannot be sent to a worker");
    assertThrows(() => new WorkerPool({ size: 0 }), RangeError, "size");
    assertThrows(() => new WorkerPool({ size: "2" as unknown as number }), TypeError, '"2" (a string)');
    assertThrows(() => new WorkerPool({ graceMs: -1 }), RangeError, "graceMs");
    assertThrows(() => setDefaultWorkerPool({} as WorkerPool), TypeError, "WorkerPool");
  });
  assertThrows(() => toThread(jobs.add, 1, 2), InvalidStateError, "running event loop");
});

Deno.test("the pool starts at most `size` workers and reuses them", async () => {
  await run(function* () {
    const pool = new WorkerPool({ size: 2 });
    const first = yield* gather(Array.from({ length: 6 }, () => pool.submit(jobs.whoAmI)));
    assertEquals(new Set(first).size <= 2, true);
    assertEquals(pool.stats(), { size: 2, workers: new Set(first).size, busy: 0, queued: 0 });
    const second = yield* gather(Array.from({ length: 4 }, () => pool.submit(jobs.whoAmI)));
    for (const id of second) assert(first.includes(id), "a second batch runs on the same workers");
  });
});

Deno.test("jobs beyond the pool size queue in FIFO order and run as workers free up", async () => {
  const order = await run(function* () {
    const pool = new WorkerPool({ size: 1 });
    const done: string[] = [];
    const futures = ["a", "b", "c"].map((v) => pool.submit(hold, 10, v));
    futures.forEach((f) => f.addDoneCallback(() => done.push(f.result())));
    assertEquals(pool.stats().queued, 2);
    yield* gather(futures);
    return done;
  });
  assertEquals(order, ["a", "b", "c"]);
});

Deno.test("the default pool has one worker per core; setDefaultWorkerPool replaces it", async () => {
  await run(function* () {
    assert(defaultWorkerPool().stats().size >= 1);
    const pool = new WorkerPool({ size: 1 });
    setDefaultWorkerPool(pool);
    assertEquals(defaultWorkerPool(), pool);
    yield* toThread(jobs.add, 1, 1);
    assertEquals(pool.stats().workers, 1);
  });
});

Deno.test("cancelling a queued job drops it: it never runs", async () => {
  await run(function* () {
    const pool = new WorkerPool({ size: 1 });
    const busy = pool.submit(hold, 30, "busy");
    const queued = pool.submit(jobs.whoAmI);
    assertEquals(pool.stats().queued, 1);
    queued.cancel();
    yield* sleep(0);
    assertEquals(pool.stats().queued, 0);
    assertEquals(yield* busy, "busy");
    assertEquals(pool.stats().busy, 0, "the dropped job was never started");
  });
});

Deno.test("cancelling the task that awaits a running job aborts the job's signal in the worker", async () => {
  await run(function* () {
    const pool = new WorkerPool({ size: 1 });
    yield* pool.submit(jobs.add, 1, 1); // the worker has loaded the module
    const future = pool.submit(jobs.untilAborted);
    const waiter = createTask((function* () {
      return yield* future;
    })());
    yield* sleep(20); // the job is running
    waiter.cancel();
    try {
      yield* waiter;
    } catch (e) {
      assertInstanceOf(e, CancelledError);
    }
    assert(future.cancelled());
    // The job saw the abort and returned: its worker is free again, not replaced.
    for (let i = 0; i < 1000 && pool.stats().busy > 0; i++) yield* sleep(5); // generous: CI machines are slow
    assertEquals(pool.stats(), { size: 1, workers: 1, busy: 0, queued: 0 });
  });
});

Deno.test("a synchronous job sees its cancellation through jobSignal() where memory is shared, else is replaced", async () => {
  await run(function* () {
    // With shared memory the abort flag is visible to a job that never yields; without it the abort
    // arrives as a message the spinning job cannot read, so only the grace period stops it.
    const pool = new WorkerPool({ size: 1, graceMs: sharedMemory ? 5_000 : 30 });
    const before = yield* pool.submit(jobs.whoAmI); // the worker has loaded the module
    const future = pool.submit(jobs.spinUntilAborted, 5_000);
    yield* sleep(20);
    future.cancel();
    const start = performance.now();
    for (let i = 0; i < 1000 && pool.stats().busy > 0; i++) yield* sleep(5); // generous: CI machines are slow
    assertEquals(pool.stats().busy, 0);
    assert(performance.now() - start < 4000, "it stopped well before the job's own 5 s limit");
    const after = yield* pool.submit(jobs.whoAmI);
    assertEquals(after === before, sharedMemory, sharedMemory ? "it kept its worker" : "a new worker replaced it");
  });
});

Deno.test("a running job that ignores cancellation is terminated after the grace period and replaced", async () => {
  await run(function* () {
    const pool = new WorkerPool({ size: 1, graceMs: 30 });
    const before = yield* pool.submit(jobs.whoAmI);
    const future = pool.submit(jobs.forever);
    yield* sleep(20);
    future.cancel();
    for (let i = 0; i < 1000 && pool.stats().workers > 0; i++) yield* sleep(5); // generous: CI machines are slow
    assertEquals(pool.stats().workers, 0, "the stuck worker is gone");
    const after = yield* pool.submit(jobs.whoAmI);
    assert(after !== before, "a new worker runs the next job");
  });
});

Deno.test("a virtual-clock loop waits for its jobs instead of jumping past them or deadlocking", async () => {
  const result = await run(function* () {
    const job = toThread(hold, 30, "real work");
    yield* sleep(1_000_000); // virtual: this jumps, but only once the job is done
    return [yield* job, getRunningLoop().time()];
  }, { clock: "virtual" });
  assertEquals(result, ["real work", 1_000_000]);
});

Deno.test("closing the pool cancels its jobs and stops its workers", async () => {
  // deno-lint-ignore require-yield -- the body needs a running loop, not a wait
  await run(function* () {
    const pool = new WorkerPool({ size: 1 });
    const running = pool.submit(hold, 50, "x");
    const queued = pool.submit(jobs.add, 1, 2);
    pool.close();
    assert(running.cancelled() && queued.cancelled());
    assertEquals(pool.stats().workers, 0);
    assertThrows(() => pool.submit(jobs.add, 1, 2), InvalidStateError, "closed");
  });
});

Deno.test("a runSync loop waits for jobs without polling and wakes when a worker finishes", () => {
  const main = function* () {
    return yield* gather([1, 2, 3].map((i) => toThread(hold, 40, `job ${i}`)));
  };
  if (blockingPool) {
    const start = performance.now();
    assertEquals(runSync(main), ["job 1", "job 2", "job 3"]);
    // Only a sanity bound: three workers start in 1–3 s here (Deno type-checks
    // each one's module), over 6 s on a loaded machine; a loop that missed
    // the wake-up would block forever, not finish late.
    assert(performance.now() - start < 30_000);
  } else if (!canBlock) { // a browser page's main thread may not block at all
    assertThrows(() => runSync(main), CannotBlockError);
  } else { // a browser worker may block, but reads a worker's reply only between tasks
    assertThrows(() => runSync(main), InvalidStateError, "drive this loop with run()");
  }
});
