/**
 * The stress tests' lost-wake-up monitor (tests/testing/_lost_wake_ups.ts)
 * reports a task parked on a done future, which is what a primitive or
 * combinator that forgets a waiter leaves behind — shown here with a future
 * that drops its waiters — and nothing in a healthy program.
 */

import { assertEquals, assertMatch } from "@std/assert";
import { type Coro, createTask, Future, getRunningLoop, sleep } from "../../mod.ts";
import { runTest } from "../../lib/testing/mod.ts";
import { parkedOnDoneFutures, watchForLostWakeUps } from "./_lost_wake_ups.ts";

/** A future with the bug under test: it never wakes the tasks that await it. */
class ForgetfulFuture<T> extends Future<T> {
  override _addWaiter(): void {}
}

Deno.test("the monitor reports a task parked on a done future at the next half-ms point", async () => {
  await runTest(function* () {
    const loop = getRunningLoop();
    const future = new ForgetfulFuture<string>({ loop });
    const stuck = createTask(
      (function* (): Coro<string> {
        return yield* future;
      })(),
      { name: "stuck" },
    );
    const found: string[] = [];
    let running = true;
    const monitor = createTask(watchForLostWakeUps(() => running, (what) => found.push(what)));
    yield* sleep(1);
    future.setResult("set at t=1");
    yield* sleep(1);
    running = false;
    assertEquals(yield* monitor, 2); // at t=0.5 and t=1.5
    assertEquals(found.length, 1);
    assertMatch(found[0], /^lost wake-up at t=1\.5: <Task pending name=stuck /);
    stuck._wakeSoon(); // deliver the lost wake-up by hand, so the test ends clean
    assertEquals(yield* stuck, "set at t=1");
  }, { seed: null });
});

Deno.test("a task whose future completes normally is never reported", async () => {
  await runTest(function* () {
    const future = new Future<number>();
    const waiter = createTask(
      (function* (): Coro<number> {
        return yield* future;
      })(),
    );
    yield* sleep(0.5);
    assertEquals(parkedOnDoneFutures(), []); // parked, but on a pending future
    future.setResult(1);
    assertEquals(yield* waiter, 1);
    assertEquals(parkedOnDoneFutures(), []);
  }, { seed: null });
});
