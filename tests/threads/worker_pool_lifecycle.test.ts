import { assert, assertEquals, assertInstanceOf, assertStringIncludes, assertThrows } from "@std/assert";
import {
  AtomicsIdle,
  type BlockingIdleAdapter,
  CannotBlockError,
  EventLoop,
  InvalidStateError,
  run,
  runSync,
  sleep,
  waitFor,
} from "../../mod.ts";
import { Channel, type WorkerFunction, WorkerPool } from "../../lib/threads/mod.ts";
import { blockingPool, canBlock, hold, jobs, sharedMemory, syncPortRead } from "./_env.ts";

/** How each fatal fixture kills its worker, and what the job's error then says. */
const DEATHS = [
  { what: "an error thrown by a stray timer", fn: jobs.strayThrow, arg: "stray" as string | number, says: "stray" },
  { what: "an unhandled rejection", fn: jobs.strayRejection, arg: "unhandled", says: "unhandled" },
  {
    what: syncPortRead ? "process.exit()" : "self.close()",
    fn: jobs.exitWorker,
    arg: 3,
    says: syncPortRead ? "it exited with code 3" : "it closed itself",
  },
] as const;

/** Runs each fatal fixture on a pool of one and returns what each job failed with, then proves the pool recovered. */
function* deaths(): Generator<unknown, string[], unknown> {
  const pool = new WorkerPool({ size: 1, name: "crash" });
  const messages: string[] = [];
  for (const death of DEATHS) {
    const fn = death.fn as WorkerFunction<[string | number], never>;
    try {
      // A generous bound: without the worker's own report, a blocked loop would wait forever.
      yield* waitFor(pool.submit(fn, death.arg), 30_000);
      messages.push("no error");
    } catch (e) {
      assertInstanceOf(e, Error);
      messages.push(e.message);
    }
  }
  assertEquals(yield* pool.submit(jobs.add, 1, 2), 3, "a new worker replaced the dead ones");
  return messages;
}

function expectedDeaths(messages: string[]): void {
  assertEquals(messages.length, DEATHS.length);
  DEATHS.forEach((death, i) => {
    assertStringIncludes(messages[i], "the worker crash-worker-", death.what);
    assertStringIncludes(messages[i], `died: ${death.says}`, death.what);
  });
}

Deno.test("a worker that dies under a job fails the job, and the pool replaces it (run)", async () => {
  expectedDeaths(await run(deaths));
});

Deno.test("a worker that dies under a job wakes a runSync loop blocked on it and fails the job", () => {
  if (blockingPool) {
    expectedDeaths(runSync(deaths));
  } else if (!canBlock) { // a browser page's main thread may not block at all
    assertThrows(() => runSync(deaths), CannotBlockError);
  } else { // a browser worker may block, but reads a worker's reply only between tasks
    assertThrows(() => runSync(deaths), InvalidStateError, "drive this loop with run()");
  }
});

Deno.test("on a virtual clock a cancelled job gets its grace period in real time and keeps its worker", async () => {
  const [before, after, workers] = await run(function* () {
    const pool = new WorkerPool({ size: 1, graceMs: 60_000 });
    const before = yield* pool.submit(jobs.whoAmI); // the worker has loaded the module
    const job = pool.submit(jobs.untilAborted);
    yield* sleep(0);
    job.cancel();
    // Virtual: this jumps only once the job has stopped, never to the end of its grace period.
    yield* sleep(120_000);
    return [before, yield* pool.submit(jobs.whoAmI), pool.stats().workers];
  }, { clock: "virtual" });
  assertEquals(after, before, "the job stopped within its grace period: its worker was reused");
  assertEquals(workers, 1);
});

Deno.test("on a virtual clock a cancelled job that never stops is terminated after its grace period", async () => {
  const [before, after] = await run(function* () {
    const pool = new WorkerPool({ size: 1, graceMs: 50 });
    const before = yield* pool.submit(jobs.whoAmI);
    const job = pool.submit(jobs.forever);
    yield* sleep(0);
    job.cancel();
    yield* sleep(1_000_000); // waits for the grace period on the host's clock, then jumps
    return [before, yield* pool.submit(jobs.whoAmI)];
  }, { clock: "virtual" });
  assert(after !== before, "a new worker replaced the stuck one");
});

/** A blocking adapter with no `wakeHandle()`: no other thread can wake a loop it drives. */
function adapterWithoutWakeHandle(): BlockingIdleAdapter {
  const inner = new AtomicsIdle();
  return {
    kind: "blocking",
    snapshot: () => inner.snapshot(),
    wait: (timeoutMs, snapshot) => inner.wait(timeoutMs, snapshot),
    wake: () => inner.wake(),
    close: () => inner.close(),
  };
}

Deno.test("a loop blocking on an adapter without wakeHandle() refuses jobs and channel ends instead of hanging", () => {
  if (!canBlock) { // a browser page's main thread may not block at all
    assertThrows(() => adapterWithoutWakeHandle(), CannotBlockError);
    return;
  }
  const loop = new EventLoop({ idle: adapterWithoutWakeHandle() });
  try {
    // deno-lint-ignore require-yield -- the body needs a running loop, not a wait
    loop.runUntilCompleteSync((function* () {
      const pool = new WorkerPool({ size: 1 });
      // A browser worker's blocked loop is refused a pool for an earlier reason: it cannot read replies at all.
      assertThrows(() => pool.submit(hold, 1, "x"), InvalidStateError, syncPortRead ? "no wakeHandle()" : "run()");
      const [mine] = Channel.pair<number, number>();
      if (syncPortRead || sharedMemory) {
        assertThrows(() => new Channel(mine), InvalidStateError, "no wakeHandle()");
      } else { // a blocked browser worker without shared memory cannot have a channel at all
        assertThrows(() => new Channel(mine), CannotBlockError);
      }
    })());
  } finally {
    loop.close();
  }
});

Deno.test("a pool prints its size and load", async () => {
  await run(function* () {
    const pool = new WorkerPool({ size: 2 });
    const job = pool.submit(hold, 20, "x");
    assertEquals(String(pool), "<WorkerPool size=2 workers=1 busy=1 queued=0>");
    yield* job;
    pool.close();
    assertEquals(`${pool}`, "<WorkerPool closed size=2 workers=0 busy=0 queued=0>");
  });
});
