/** assertCheckpoints / assertNoCheckpoints: does this code yield to the loop? */

import { assert, assertEquals, assertInstanceOf, assertThrows } from "@std/assert";
import {
  CancelledError,
  type Coro,
  createTask,
  getRunningLoop,
  InvalidStateError,
  Lock,
  Queue,
  sleep,
} from "../../mod.ts";
import { assertCheckpoints, assertNoCheckpoints, CheckpointError, runTest } from "../../lib/testing/mod.ts";
import { caught } from "../_support/caught.ts";

/** Runs `body` in a FIFO runTest. */
function test(body: () => Coro<unknown>): Promise<unknown> {
  return runTest(body, { seed: null });
}

Deno.test("sleep(0), a held lock and an empty queue are checkpoints; each returns its value", async () => {
  await test(function* () {
    assertEquals(yield* assertCheckpoints(() => sleep(0, "slept")), "slept");
    const lock = new Lock();
    yield* lock.acquire();
    createTask((function* () {
      yield* sleep(5);
      lock.release();
    })());
    assertEquals(yield* assertCheckpoints(() => lock.acquire()), true);
    lock.release();
    const queue = new Queue<number>();
    getRunningLoop().callLater(1, () => queue.putNowait(7));
    assertEquals(yield* assertCheckpoints(() => queue.get()), 7);
  });
});

Deno.test("a free lock, a non-empty queue and a done future are not checkpoints", async () => {
  await test(function* () {
    const lock = new Lock();
    assertEquals(yield* assertNoCheckpoints(() => lock.acquire()), true);
    lock.release();
    const queue = new Queue<string>();
    queue.putNowait("ready");
    assertEquals(yield* assertNoCheckpoints(() => queue.get()), "ready");
    const done = getRunningLoop().createFuture<number>();
    done.setResult(3);
    assertEquals(yield* assertNoCheckpoints(() => done[Symbol.iterator]()), 3);
  });
});

Deno.test("a body that never yields fails assertCheckpoints; one that yields fails assertNoCheckpoints, counting", async () => {
  await test(function* () {
    const none = yield* caught(assertCheckpoints(function* () {
      return 1;
    }));
    assertInstanceOf(none, CheckpointError);
    assertEquals(none.message, "assertCheckpoints(): the body returned without yielding to the loop");
    const twice = yield* caught(assertNoCheckpoints(function* () {
      yield* sleep(0);
      yield* sleep(3);
    }));
    assertInstanceOf(twice, CheckpointError);
    assertEquals(twice.message, "assertNoCheckpoints(): the body yielded to the loop 2 times");
  });
});

Deno.test("errors: assertCheckpoints lets them through; assertNoCheckpoints wraps one that followed a yield", async () => {
  await test(function* () {
    const plain = new RangeError("plain");
    assertEquals(
      yield* caught(assertCheckpoints(function* () {
        throw plain;
      })),
      plain,
    );
    assertEquals(
      yield* caught(assertNoCheckpoints(function* () {
        throw plain;
      })),
      plain,
    );
    const wrapped = yield* caught(assertNoCheckpoints(function* () {
      yield* sleep(0);
      throw plain;
    }));
    assertInstanceOf(wrapped, CheckpointError);
    assertEquals([wrapped.message, wrapped.cause], [
      "assertNoCheckpoints(): the body yielded to the loop once, then threw",
      plain,
    ]);
  });
});

Deno.test("a cancellation inside assertNoCheckpoints propagates unchanged", async () => {
  await test(function* () {
    const task = createTask(assertNoCheckpoints(() => sleep(100)));
    yield* sleep(1);
    task.cancel();
    assert((yield* caught(task)) instanceof CancelledError);
  });
});

Deno.test("the counting instrument is removed afterwards, and other tasks' steps do not count", async () => {
  await test(function* () {
    const loop = getRunningLoop();
    const busy = createTask((function* () {
      for (let i = 0; i < 10; i++) yield;
    })());
    yield* assertNoCheckpoints(function* () {
      return createTask(sleep(0), { eager: true }); // an eager task steps inside ours
    });
    assertEquals(loop._instruments, null);
    yield* busy;
  });
});

Deno.test("outside a task, and with a body that is not a generator function, the errors say so", async () => {
  await test(function* () {
    const loop = getRunningLoop();
    const outcome = loop.createFuture<unknown>();
    loop.callSoon(() => {
      try {
        assertCheckpoints(() => sleep(0)).next();
      } catch (e) {
        outcome.setResult(e);
      }
    });
    const error = yield* outcome;
    assert(error instanceof InvalidStateError && error.message.includes("inside a task"), String(error));
  });
  assertThrows(() => assertNoCheckpoints(42 as never), TypeError, "42 (a number)");
});
