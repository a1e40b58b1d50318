/**
 * A cancelled sleep is deleted from the timer heap lazily, so it must keep
 * reading as cancelled until the heap drops it — also after its task has
 * consumed the CancelledError. (Found by the combinators' stress test: a
 * consumed sleep read as finished, stayed in the heap under a live timer, and
 * the virtual clock later jumped to its stale deadline.)
 */

import { assertEquals, assertInstanceOf, assertRejects } from "@std/assert";
import { CancelledError, createTask, DeadlockError, type EventLoop, getRunningLoop, run, sleep } from "../../mod.ts";

Deno.test("a cancelled and consumed sleep under a live timer leaves the heap, and time does not jump to it", async () => {
  let loop: EventLoop | undefined;
  const error = await assertRejects(
    () =>
      run(function* () {
        loop = getRunningLoop();
        const sleeper = createTask(sleep(1000));
        const other = createTask(sleep(10)); // a live timer above it in the heap
        yield;
        sleeper.cancel();
        try {
          yield* sleeper;
        } catch (e) {
          assertInstanceOf(e, CancelledError);
        }
        yield* other;
        yield;
        assertEquals(String(loop).includes("timers=0"), true, `${loop}`);
        yield* loop.createFuture(); // nothing can wake this: a deadlock, found at once
      }, { clock: "virtual" }),
    DeadlockError,
  );
  assertInstanceOf(error, DeadlockError);
  assertEquals(loop?.time(), 10);
});
