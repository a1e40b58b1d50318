/**
 * shield (asyncio's tasks.shield): cancelling the waiter cancels only the
 * outer future; the inner work runs on; a done input is returned as is; and
 * who ends up responsible for the inner outcome.
 */

import { assertEquals, assertStrictEquals, assertThrows } from "@std/assert";
import {
  CancelledError,
  type Coro,
  createTask,
  type ExceptionContext,
  type Future,
  getRunningLoop,
  run,
  shield,
  sleep,
  type Task,
} from "../../mod.ts";
import { caught, recordExceptions, untyped } from "../task/_helpers.ts";
import { now } from "./_helpers.ts";

const virtual = { clock: "virtual" } as const;

function* failAfter(ms: number, message: string): Coro<never> {
  yield* sleep(ms);
  throw new Error(message);
}

Deno.test("cancelling the task that waits on a shield leaves the inner task running to its end", async () => {
  const out = await run(function* () {
    const log: unknown[] = [];
    const inner = createTask((function* () {
      yield* sleep(100);
      log.push(["inner finished", now()]);
      return "result";
    })());
    const waiter = createTask((function* () {
      yield* shield(inner);
    })());
    yield* sleep(10);
    waiter.cancel();
    const error = yield* caught(waiter);
    log.push([(error as Error).name, now(), inner.done()]);
    log.push([yield* inner, now()]);
    return log;
  }, virtual);
  assertEquals(out, [["CancelledError", 10, false], ["inner finished", 100], ["result", 100]]);
});

Deno.test("a shield resolves like its inner work: result, error, or cancelled when the inner is cancelled", async () => {
  const out = await run(function* () {
    const value = yield* shield(sleep(10, "value"));
    const error = yield* caught(shield(failAfter(10, "bad")));
    const inner = createTask(sleep(100));
    const outer = shield(inner);
    getRunningLoop().callLater(5, () => inner.cancel("inner cancelled"));
    const cancelled = yield* caught(outer);
    return [value, (error as Error).message, (cancelled as Error).message, outer.cancelled(), now()];
  }, virtual);
  assertEquals(out, ["value", "bad", "inner cancelled", true, 25]);
});

Deno.test("an awaitable already done is returned as it is", async () => {
  await run(function* () {
    const fut = getRunningLoop().createFuture<number>();
    fut.setResult(1);
    assertStrictEquals(shield(fut), fut);
    const task = createTask(sleep(0, 2));
    assertStrictEquals(yield* shield(task), 2);
    assertStrictEquals(shield(task), task);
  }, virtual);
});

Deno.test("a coroutine is wrapped in a task that survives the shield's cancellation", async () => {
  const out = await run(function* () {
    const log: unknown[] = [];
    const outer = shield((function* () {
      yield* sleep(50);
      log.push(["coroutine finished", now()]);
    })());
    getRunningLoop().callLater(10, () => outer.cancel());
    const error = yield* caught(outer);
    log.push([(error as Error).name, now()]);
    yield* sleep(100);
    return log;
  }, virtual);
  assertEquals(out, [["CancelledError", 10], ["coroutine finished", 50]]);
});

/** How a report reads: [message, the error's message, whether it names `future`]. */
function reportsAbout(reports: ExceptionContext[], future: unknown): unknown[] {
  return reports.map((r) => [r.message, (r.exception as Error).message, r.future === future]);
}

Deno.test("after the shield is cancelled, an inner failure is reported at once, not when the loop closes", async () => {
  let reports: ExceptionContext[] = [];
  let inner: Task<never> | null = null;
  let seenAt30: unknown[] = [];
  await run(function* () {
    reports = recordExceptions(getRunningLoop());
    inner = createTask(failAfter(30, "unwatched"));
    const outer = shield(inner);
    getRunningLoop().callLater(10, () => outer.cancel());
    yield* caught(outer);
    yield* sleep(21); // inner fails at 30; its report is the next iteration's callback
    seenAt30 = reportsAbout(reports, inner);
    yield* sleep(50);
  }, virtual);
  assertEquals(seenAt30, [["Error exception in shielded future", "unwatched", true]]);
  assertEquals(reportsAbout(reports, inner), seenAt30); // retrieved by the report: nothing more at close
});

/**
 * CPython's pattern: shield a pending future `shields` times, cancelling each
 * shield an iteration later, then settle the future; returns the reports.
 */
async function reportsAfterCancelledShields(shields: number, settle: (inner: Future<number>) => void) {
  let reports: ExceptionContext[] = [];
  let inner: Future<number> | null = null;
  await run(function* () {
    const loop = getRunningLoop();
    reports = recordExceptions(loop);
    const fut = inner = loop.createFuture<number>();
    for (let i = 0; i < shields; i++) {
      const outer = shield(fut);
      yield;
      outer.cancel();
      yield;
    }
    settle(fut);
    yield;
    yield;
  }, virtual);
  return reportsAbout(reports, inner);
}

Deno.test("a cancelled shield whose inner future then succeeds reports nothing (test_shield_cancel_outer_result)", async () => {
  assertEquals(await reportsAfterCancelledShields(1, (inner) => inner.setResult(1)), []);
});

Deno.test("a cancelled shield whose inner future then fails reports it once (test_shield_cancel_outer_exception)", async () => {
  assertEquals(await reportsAfterCancelledShields(1, (inner) => inner.setException(new Error("foo"))), [
    ["Error exception in shielded future", "foo", true],
  ]);
});

Deno.test("two cancelled shields of one inner future report its failure once (test_shield_duplicate_log_once)", async () => {
  assertEquals(await reportsAfterCancelledShields(2, (inner) => inner.setException(new RangeError("foo"))), [
    ["RangeError exception in shielded future", "foo", true],
  ]);
});

Deno.test("inner failure and outer cancel in the same iteration: the failure is reported once, straight away", async () => {
  for (const withEarlierShield of [false, true]) {
    let reports: ExceptionContext[] = [];
    let inner: unknown = null;
    let seenAt10: unknown[] = [];
    await run(function* () {
      const loop = getRunningLoop();
      reports = recordExceptions(loop);
      const fut = loop.createFuture<number>();
      inner = fut;
      if (withEarlierShield) {
        const earlier = shield(fut); // cancelled long before: leaves the one reporter on fut
        loop.callLater(1, () => earlier.cancel());
      }
      const outer = shield(fut);
      loop.callLater(10, () => {
        fut.setException(new Error("raced"));
        outer.cancel(); // both done-callbacks are now queued
      });
      const error = yield* caught(outer);
      assertEquals([error instanceof CancelledError, now()], [true, 10]);
      yield;
      seenAt10 = reportsAbout(reports, inner);
      yield* sleep(10);
    }, virtual);
    assertEquals(
      seenAt10,
      [["Error exception in shielded future", "raced", true]],
      `earlier shield: ${withEarlierShield}`,
    );
    assertEquals(reportsAbout(reports, inner), seenAt10);
  }
});

Deno.test("a promise can be shielded", async () => {
  const value = await run(function* () {
    return yield* shield(Promise.resolve("promised"));
  }, virtual);
  assertEquals(value, "promised");
});

Deno.test("shield refuses what is not awaitable", () => {
  assertThrows(() => shield(untyped(undefined)), TypeError, "undefined");
  assertThrows(() => shield(untyped(failAfter)), TypeError, "call the generator function first");
});
