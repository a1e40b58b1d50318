import { assert, assertEquals, assertInstanceOf, assertStringIncludes, assertThrows } from "@std/assert";
import {
  CannotBlockError,
  createTask,
  InvalidStateError,
  QueueEmpty,
  QueueShutDown,
  run,
  runSync,
  sleep,
  TimeoutError,
  waitFor,
} from "../../mod.ts";
import { Channel, type ChannelEnd, toThread, workerFunction, WorkerPool } from "../../lib/threads/mod.ts";
import { blockingPool, canBlock, closeOnThreadEnd, hold, sharedMemory } from "./_env.ts";
import { fixtureUrl } from "./_fixture_url.ts";

// Type-only: also lets `deno test` check the fixture once, not in every worker.
import type * as Loops from "./_fixtures/loops.ts";

type Request = Loops.Request;
type Reply = number | string;

const echoBlocking = workerFunction<typeof Loops.echoBlocking>(fixtureUrl("loops"), "echoBlocking");
const echoHost = workerFunction<typeof Loops.echoHost>(fixtureUrl("loops"), "echoHost");
const failBeforeOpening = workerFunction<typeof Loops.failBeforeOpening>(fixtureUrl("loops"), "failBeforeOpening");
const openThenHang = workerFunction<typeof Loops.openThenHang>(fixtureUrl("loops"), "openThenHang");

/** Talks to an echo loop in a worker: requests out, replies back, then "stop". */
function* converse(echo: typeof echoBlocking, pool?: WorkerPool) {
  const [mine, theirs] = Channel.pair<Request, Reply>();
  const job = pool === undefined ? toThread(echo, theirs) : pool.submit(echo, theirs);
  const channel = new Channel(mine);
  const replies: Reply[] = [];
  for (let n = 0; n < 20; n++) {
    yield* channel.put({ add: n });
    replies.push(yield* channel.get());
  }
  channel.putNowait({ sleep: 30 });
  replies.push(yield* channel.get());
  channel.putNowait("stop");
  return { replies, outcome: yield* job };
}

const EXPECTED = {
  replies: [...Array.from({ length: 20 }, (_, n) => n + 1), "slept 30"],
  outcome: "stopped after 21",
};

Deno.test("a runSync loop in a worker sleeps in Atomics.wait and wakes for the main thread's messages", async () => {
  if (sharedMemory) {
    assertEquals(await run(() => converse(echoBlocking)), EXPECTED);
    return;
  }
  // Without shared memory a blocked worker could never read its channel: it refuses the end, clearly.
  const error = await run(function* () {
    const [, theirs] = Channel.pair<Request, Reply>();
    try {
      yield* toThread(echoBlocking, theirs);
    } catch (e) {
      return e as Error;
    }
  });
  assertEquals(error?.name, CannotBlockError.name);
  assertStringIncludes(String(error?.message), "cross-origin isolated");
});

Deno.test("a host-driven loop in a worker talks to the main thread's loop through a channel", async () => {
  assertEquals(await run(() => converse(echoHost)), EXPECTED);
});

/** What a blocked main-thread loop talking to `echo` gives: the replies, or why this thread cannot do it. */
function blockedMainThread(echo: typeof echoBlocking): void {
  if (blockingPool) {
    assertEquals(runSync(() => converse(echo)), EXPECTED);
  } else if (!canBlock) { // a browser page's main thread may not block at all
    assertThrows(() => runSync(() => converse(echo)), CannotBlockError);
  } else { // a browser worker may block, but reads its workers' messages only between tasks
    assertThrows(() => runSync(() => converse(echo)), InvalidStateError, "drive this loop with run()");
  }
}

Deno.test("a blocked main-thread loop is woken by a worker's blocking loop, both ways, without polling", () => {
  blockedMainThread(echoBlocking);
});

Deno.test("a blocked main-thread loop talks to a worker's host-driven loop", () => {
  blockedMainThread(echoHost);
});

Deno.test("two ends on one thread behave as a queue; closing one shuts down the other", async () => {
  await run(function* () {
    const [a, b] = Channel.pair<string, string>();
    const left = new Channel(a), right = new Channel(b);
    assertThrows(() => right.getNowait(), QueueEmpty);
    left.putNowait("one");
    left.putNowait("two");
    assertEquals([yield* right.get(), yield* right.get()], ["one", "two"]);
    const waiting = createTask(right.get());
    yield* sleep(0);
    left.close();
    try {
      yield* waiting;
      throw new Error("unreachable");
    } catch (e) {
      assertInstanceOf(e, QueueShutDown);
    }
    assert(right.isClosed());
    assertThrows(() => left.putNowait("late"), QueueShutDown);
  });
});

Deno.test("values sent before the channel closed are still taken, then get() raises QueueShutDown", async () => {
  await run(function* () {
    const [a, b] = Channel.pair<number, never>();
    const sender = new Channel(a), receiver = new Channel(b);
    sender.putNowait(1);
    sender.putNowait(2);
    sender.close();
    // Each value is its own host message: the loop may wake for the first before the second arrives.
    assertEquals([yield* receiver.get(), yield* receiver.get()], [1, 2]);
    yield* sleep(0);
    try {
      yield* receiver.get();
      throw new Error("unreachable");
    } catch (e) {
      assertInstanceOf(e, QueueShutDown);
    }
  });
});

Deno.test("a value that cannot be cloned is refused at putNowait() with a TypeError", async () => {
  await run(function* () {
    const [a, b] = Channel.pair<unknown, unknown>();
    const left = new Channel(a);
    new Channel(b);
    yield* sleep(0);
    assertThrows(() => left.putNowait(() => 1), TypeError, "cannot be sent to another thread");
  });
});

Deno.test("new Channel() names what it got instead of an end", async () => {
  // deno-lint-ignore require-yield -- the body needs a running loop, not a wait
  await run(function* () {
    assertThrows(() => new Channel({} as ChannelEnd<number, number>), TypeError, "Channel.pair()");
  });
});

Deno.test("opening an end twice is an InvalidStateError at the second open; the first channel keeps working", async () => {
  const got = await run(function* () {
    const [a, b] = Channel.pair<string, string>();
    const first = new Channel(b), sender = new Channel(a);
    assertThrows(() => new Channel(b), InvalidStateError, "already open on this thread");
    sender.putNowait("for the first");
    const value = yield* first.get();
    first.close();
    // Closed, it still cannot be opened again: its port is spent.
    assertThrows(() => new Channel(b), InvalidStateError, "already open");
    return value;
  });
  assertEquals(got, "for the first");
});

Deno.test("new Channel() refuses an end it cannot even look at with a TypeError naming it", async () => {
  // deno-lint-ignore require-yield -- the body needs a running loop, not a wait
  await run(function* () {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const error = assertThrows(() => new Channel(proxy as ChannelEnd<number, number>), TypeError);
    assertStringIncludes(error.message, "new Channel() expects an end from Channel.pair(), got an object that throws");
    assertInstanceOf(error.cause, TypeError);
  });
});

Deno.test("a cancelled get() passes an arrived value on to the next getter", async () => {
  await run(function* () {
    const [a, b] = Channel.pair<number, number>();
    const sender = new Channel(a), receiver = new Channel(b);
    const first = createTask(receiver.get());
    const second = createTask(receiver.get());
    yield* sleep(0);
    sender.putNowait(7);
    yield* sleep(0);
    yield* sleep(0);
    first.cancel();
    assertEquals(yield* second, 7);
  });
});

Deno.test("a job queued behind a busy worker still receives its channel end and talks through it", async () => {
  assertEquals(
    await run(function* () {
      const pool = new WorkerPool({ size: 1 });
      const busy = pool.submit(hold, 30, "busy");
      const talk = createTask(converse(echoHost, pool)); // its job must wait for the only worker
      yield* sleep(0);
      assertEquals(pool.stats().queued, 1);
      assertEquals(yield* busy, "busy");
      return yield* talk;
    }),
    EXPECTED,
  );
});

/** Opens this end of a channel whose other end went to a job that fails first; returns what get() raised. */
function* peerFailedFirst() {
  const [mine, theirs] = Channel.pair<number, number>();
  const job = toThread(failBeforeOpening, theirs);
  const channel = new Channel(mine);
  let jobError: unknown;
  try {
    yield* job;
  } catch (e) {
    jobError = e;
  }
  assertInstanceOf(jobError, RangeError);
  try {
    // A generous bound: without the worker closing the unopened end, get() would wait forever.
    return yield* waitFor(channel.get(), 30_000);
  } catch (e) {
    return e;
  }
}

Deno.test("a job that fails before opening its channel end closes it: get() on the other end raises QueueShutDown", async () => {
  assertInstanceOf(await run(peerFailedFirst), QueueShutDown);
});

Deno.test("a blocked loop whose peer job failed before opening its end is woken and its get() raises QueueShutDown", () => {
  if (blockingPool) {
    assertInstanceOf(runSync(peerFailedFirst), QueueShutDown);
  } else if (!canBlock) { // a browser page's main thread may not block at all
    assertThrows(() => runSync(peerFailedFirst), CannotBlockError);
  } else { // a browser worker may block, but reads a worker's reply only between tasks
    assertThrows(() => runSync(peerFailedFirst), InvalidStateError, "drive this loop with run()");
  }
});

Deno.test("a peer whose worker is terminated closes the channel where the host reports it (Node)", async () => {
  const outcome = await run(function* () {
    const pool = new WorkerPool({ size: 1, graceMs: 20 });
    const [mine, theirs] = Channel.pair<number, number>();
    const job = pool.submit(openThenHang, theirs);
    const channel = new Channel(mine);
    channel.putNowait(1);
    assertEquals(yield* channel.get(), 2, "the peer is up, then hangs");
    job.cancel(); // its worker is terminated after 20 ms
    try {
      // Where the host is silent, only racing get() against the job helps (the documented pattern).
      return yield* waitFor(channel.get(), closeOnThreadEnd ? 30_000 : 500);
    } catch (e) {
      return e;
    }
  });
  if (closeOnThreadEnd) assertInstanceOf(outcome, QueueShutDown);
  else assertInstanceOf(outcome, TimeoutError, "Deno 2.x and Chromium fire no close event for a terminated worker");
});

Deno.test("a channel end prints its state", async () => {
  await run(function* () {
    const [a, b] = Channel.pair<number, number>();
    const left = new Channel(a), right = new Channel(b);
    const waiting = createTask(right.get());
    yield* sleep(0);
    assertEquals(String(right), "<Channel open mode=host items=0 getters=1>");
    left.putNowait(5);
    assertEquals(yield* waiting, 5);
    left.close();
    assertEquals(`${left}`, "<Channel closed mode=host items=0 getters=0>");
  });
});
