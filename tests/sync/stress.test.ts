/**
 * A seeded randomized stress test of the sync primitives together: producers
 * and consumers around a bounded Queue, consumers that take a
 * BoundedSemaphore slot and a Lock while they work, a barging consumer that
 * uses getNowait(), and a chaos task that cancels producers and consumers at
 * random — often in the same iteration as the put, get or release that woke
 * them, because every delay is a small whole number of ms on virtual time.
 *
 * Workers fail now and then with a tagged error while they hold the lock and
 * a slot, and producers after a put.
 *
 * Each seed checks: no item lost or duplicated; `join()` returns exactly when
 * the last item is marked done (not before, not an iteration of virtual time
 * later); mutual exclusion and the slot bound hold throughout; no wake-up is
 * lost (at each half-ms point no waiter is parked while what it waits for is
 * free, and no task is parked on a done future); every body's `finally` runs
 * exactly once; every tagged error surfaces exactly once (caught by its
 * consumer, or as its producer's exception); after the shutdown no waiter is
 * left in any line and no task is left; and no deadlock (a stuck virtual loop
 * raises DeadlockError). Each seed runs through
 * `exploreSeeds` with `shuffle: "all"`: the seed chooses the program and the
 * loop's schedule, which permutes every ready batch, so wake-ups race in
 * orders FIFO never produces; the sanitizer adds that nothing is left behind
 * and nothing reached the exception handler. A failure names its seed, which
 * replays alone (`YIELDIO_SEED=<seed>`; `YIELDIO_SEEDS=<n>` for a longer sweep).
 */

import { assert, assertEquals } from "@std/assert";
import {
  BoundedSemaphore,
  CancelledError,
  type Coro,
  createTask,
  getRunningLoop,
  Lock,
  Queue,
  QueueShutDown,
  sleep,
  type Task,
} from "../../mod.ts";
import { exploreSeeds, seedsToExplore } from "../../lib/testing/mod.ts";
import { parkedOnDoneFutures } from "../testing/_lost_wake_ups.ts";

/** Seeds per run: YIELDIO_SEEDS for a longer sweep, YIELDIO_SEED to replay one. */
const SEEDS = 200;
/**
 * Virtual ms after which the timer-driven tasks (chaos, barger) stop, so a
 * lost wake-up shows as a DeadlockError instead of a loop that ticks forever.
 * A healthy seed finishes well before it.
 */
const TIME_LIMIT = 100_000;

/** mulberry32: small, fast, and the same sequence in every runtime. */
function prng(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

/** An error thrown on purpose; its identity is what the accounting follows. */
class Tagged extends Error {
  constructor(readonly tag: number) {
    super(`tagged ${tag}`);
    this.name = "Tagged";
  }
}

interface Outcome {
  put: number;
  cancels: number;
  joinWaited: boolean;
  errors: number;
}

function* scenario(seed: number): Coro<Outcome> {
  const random = prng(seed);
  const loop = getRunningLoop();
  const q = new Queue<number>(1 + random(4));
  const slotCount = 1 + random(3);
  const slots = new BoundedSemaphore(slotCount);
  const lock = new Lock();
  const put = new Set<number>();
  const got = new Set<number>();
  let done = 0, inSlots = 0, inLock = 0, cancels = 0;
  let lastDoneAt = -1;
  let producing = true;
  let quiescentChecks = 0;
  /** Each body that started, and how many times its `finally` ran. */
  const finallyRuns = new Map<string, number>();
  const enter = (what: string) => {
    const id = `${what} ${finallyRuns.size + 1}`;
    finallyRuns.set(id, 0);
    return id;
  };
  const exit = (id: string) => finallyRuns.set(id, finallyRuns.get(id)! + 1);
  const thrown = new Set<Tagged>();
  const surfaced = new Map<Tagged, number>();
  const fail = () => {
    const error = new Tagged(thrown.size + 1);
    thrown.add(error);
    return error;
  };
  /** Counts a tagged error where it surfaced; anything else (a cancel, a failed assert) goes on. */
  const surface = (error: unknown) => {
    if (!(error instanceof Tagged)) throw error;
    surfaced.set(error, (surfaced.get(error) ?? 0) + 1);
  };

  const markDone = () => {
    q.taskDone();
    done++;
    lastDoneAt = loop.time();
  };
  const take = (item: number) => {
    assert(put.has(item), `item ${item} was got but never put`);
    assert(!got.has(item), `item ${item} was got twice`);
    got.add(item);
  };
  function* work(): Coro<void> {
    const id = enter("work");
    try {
      yield* holdAndWork();
    } finally {
      exit(id);
    }
  }
  function* holdAndWork(): Coro<void> {
    yield* slots.hold(function* () {
      inSlots++;
      try {
        assert(inSlots <= slotCount, `${inSlots} tasks hold ${slotCount} slots`);
        yield* sleep(random(3));
        yield* lock.hold(function* () {
          inLock++;
          try {
            assertEquals(inLock, 1, "two tasks inside the lock");
            yield* sleep(random(2));
            if (random(10) === 0) throw fail(); // with the lock and a slot held: both must be released
          } finally {
            inLock--;
          }
        });
      } finally {
        inSlots--;
      }
    });
  }

  function* producer(p: number, count: number): Coro<void> {
    const id = enter("producer");
    try {
      for (let i = 0; i < count; i++) {
        yield* sleep(random(3));
        const item = p * 1000 + i;
        yield* q.put(item);
        put.add(item); // in the same step as the put: no getter has run yet
        if (random(40) === 0) throw fail(); // surfaces as this producer's exception
      }
    } finally {
      exit(id);
    }
  }
  function* getLoopConsumer(): Coro<void> {
    const id = enter("consumer");
    try {
      yield* getLoop();
    } finally {
      exit(id);
    }
  }
  function* getLoop(): Coro<void> {
    for (;;) {
      let item: number;
      try {
        item = yield* q.get();
      } catch (e) {
        if (e instanceof QueueShutDown) return;
        throw e;
      }
      take(item);
      try {
        yield* work();
      } catch (e) {
        surface(e);
      } finally {
        markDone();
      }
    }
  }
  function* forEachConsumer(): Coro<void> {
    const id = enter("consumer");
    try {
      yield* q.forEach(forEachBody);
    } finally {
      exit(id);
    }
  }
  function* forEachBody(item: number): Coro<void> {
    take(item);
    try {
      yield* work();
    } catch (e) {
      surface(e);
    } finally {
      done++; // forEach calls taskDone() itself, in the same step, right after this body
      lastDoneAt = loop.time();
    }
  }
  function* barger(): Coro<void> {
    // Only while producing: afterwards nothing may rescue an item a lost wake-up stranded.
    while (producing && loop.time() < TIME_LIMIT) {
      yield* sleep(1 + random(4));
      if (q.empty()) continue;
      const item = q.getNowait(); // may take an item a woken getter was about to take
      take(item);
      markDone();
    }
  }

  const producers: Task<void>[] = [];
  const consumers: Task<void>[] = [];
  const nProducers = 2 + random(4);
  for (let p = 0; p < nProducers; p++) producers.push(createTask(producer(p, 5 + random(20))));
  const startConsumer = () => consumers.push(createTask(random(2) === 0 ? getLoopConsumer() : forEachConsumer()));
  for (let c = 0, n = 2 + random(4); c < n; c++) startConsumer();
  const bargerTask = createTask(barger());

  // Between the integer-ms steps every task has run: a waiter still parked then, while what it
  // waits for is available, is a lost wake-up.
  const waiting = (primitive: object, line: string) =>
    Number(new RegExp(`${line}=(\\d+)`).exec(String(primitive))?.[1] ?? 0);
  const monitor = createTask((function* () {
    yield* sleep(0.5);
    while (producing && loop.time() < TIME_LIMIT) {
      assert(q.empty() || waiting(q, "getters") === 0, `items wait while getters wait: ${q}`);
      assert(q.full() || waiting(q, "putters") === 0, `room waits while putters wait: ${q}`);
      assert(lock.locked() || waiting(lock, "waiters") === 0, `a free lock while tasks wait: ${lock}`);
      assert(inSlots === slotCount || waiting(slots, "waiters") === 0, `a free slot while tasks wait: ${slots}`);
      assertEquals(parkedOnDoneFutures(), [], "tasks parked on done futures: lost wake-ups");
      quiescentChecks++;
      yield* sleep(1);
    }
  })());
  const chaos = createTask((function* () {
    let owed = 0;
    while (producing && loop.time() < TIME_LIMIT) {
      yield* sleep(1 + random(3));
      // Replacements start a tick later, so the consumers left must cope with a cancelled one on their own.
      for (; owed > 0; owed--) startConsumer();
      const pick = random(10);
      if (pick < 3) {
        const live = consumers.filter((t) => !t.done());
        const victim = live[random(live.length)];
        if (victim !== undefined && victim.cancel()) {
          cancels++;
          owed++;
        }
      } else if (pick < 4) {
        const live = producers.filter((t) => !t.done());
        if (live.length > 1 && live[random(live.length)].cancel()) cancels++;
      }
    }
  })());

  for (const task of producers) {
    try {
      yield* task;
    } catch (e) {
      if (!(e instanceof CancelledError)) surface(e);
    }
  }
  producing = false;

  const joinWaits = done < put.size;
  yield* q.join();
  assertEquals(done, put.size, "join() returned before every item was done");
  if (joinWaits) assertEquals(loop.time(), lastDoneAt, "join() returned later than the last taskDone()");
  assertEquals([...got].sort(), [...put].sort(), "items lost");
  yield* chaos;
  yield* monitor;

  q.shutdown();
  bargerTask.cancel();
  for (const task of [...consumers, bargerTask]) {
    try {
      yield* task;
    } catch (e) {
      if (!(e instanceof CancelledError)) throw e;
    }
  }
  assertEquals(String(q), `<Queue maxsize=${q.maxsize} qsize=0 shutdown>`, "waiters left in the queue");
  assertEquals(String(slots), `<BoundedSemaphore unlocked value=${slotCount}>`, "slots leaked or waiters left");
  assertEquals(String(lock), "<Lock unlocked>", "lock held or waiters left");
  assertEquals(loop._pendingTasks().length, 1, "tasks left behind");
  assert(quiescentChecks > 0, "the monitor never ran");
  assertEquals([...finallyRuns].filter(([, runs]) => runs !== 1), [], "bodies whose finally ran other than once");
  const notOnce = [...thrown].filter((error) => surfaced.get(error) !== 1);
  assertEquals(notOnce.map((e) => `${e.message}: ${surfaced.get(e) ?? 0}`), [], "errors not surfaced exactly once");
  return { put: put.size, cancels, joinWaited: joinWaits, errors: thrown.size };
}

Deno.test("stress: seeds of producers, consumers, a bounded queue, semaphores, a lock and random cancels (shuffled)", async () => {
  const outcomes: Outcome[] = [];
  const seeds = seedsToExplore(SEEDS);
  const { failures } = await exploreSeeds(function* (seed) {
    outcomes.push(yield* scenario(seed));
  }, { seeds, shuffle: "all" });
  // Each failure's message names its seed and how to replay it.
  assertEquals(failures.map(({ error }) => String(error)), [], "failing seeds (each replays alone)");
  const items = outcomes.reduce((sum, o) => sum + o.put, 0);
  const cancels = outcomes.reduce((sum, o) => sum + o.cancels, 0);
  const joinsThatWaited = outcomes.filter((o) => o.joinWaited).length;
  // The run must have exercised something: plenty of items and cancellations.
  assert(items > seeds.length * 20, `only ${items} items in all`);
  assert(cancels > seeds.length, `only ${cancels} cancellations in all`);
  assert(joinsThatWaited > seeds.length / 2, `join() had to wait in only ${joinsThatWaited} seeds`);
  const errors = outcomes.reduce((sum, o) => sum + o.errors, 0);
  assert(errors > seeds.length, `only ${errors} tagged errors in all`);
});
