/**
 * staggeredRace (asyncio's staggered.py; test_staggered.py and the two
 * staggered cases of test_eager_task_factory.py): the first success wins and
 * cancels the rest; a failure starts the next attempt at once, the delay
 * otherwise; every attempt's error is kept in order; a cancel of the caller
 * reaches the attempts and is raised once they finished; the iterable is
 * read lazily. Every case runs with lazy and with eager tasks.
 *
 * Left out: CPython's async-iterable inputs (a generator coroutine has no
 * async iteration; a lazy plain iterable is tested instead) and its `loop`
 * argument (the running loop is the only one a coroutine can use).
 */

import { assertEquals, assertInstanceOf, assertStrictEquals, assertThrows } from "@std/assert";
import {
  CancelledError,
  type Coro,
  createTask,
  ExceptionGroup,
  getRunningLoop,
  InvalidStateError,
  sleep,
  staggeredRace,
  timeout,
} from "../../mod.ts";
import { caught, untyped } from "../task/_helpers.ts";
import { now, runIn, TASK_MODES, timersLeft } from "./_helpers.ts";

/** The exceptions list as names, `null` kept. */
function names(exceptions: unknown[]): unknown[] {
  return exceptions.map((e) => e === null ? null : (e as Error).name);
}

// deno-lint-ignore require-yield -- CPython's `async def coro(i): return ...`: done in its first step
function* succeed(index: number): Coro<string> {
  return `Res: ${index}`;
}

// deno-lint-ignore require-yield -- fails in its first step, as CPython's coro(0) raising ValueError
function* fail(index: number): Coro<never> {
  throw new RangeError(`${index}`);
}

/** Waits on an event nobody sets, like CPython's `await asyncio.Event().wait()`. */
function* forever(): Coro<never> {
  yield* getRunningLoop().createFuture<never>();
  throw new Error("unreachable");
}

for (const mode of TASK_MODES) {
  Deno.test(`no coroutine functions: no winner, no exceptions (test_empty, ${mode})`, async () => {
    const out = await runIn(mode, () => staggeredRace([], null));
    assertEquals(out, { result: undefined, index: null, exceptions: [] });
  });

  Deno.test(`the first succeeds: the second is never started (test_one_successful, ${mode})`, async () => {
    const out = await runIn(mode, () => staggeredRace([() => succeed(0), () => succeed(1)], null));
    assertEquals(out, { result: "Res: 0", index: 0, exceptions: [null] });
  });

  Deno.test(`the first fails: the second starts at once and wins (test_first_error_second_successful, ${mode})`, async () => {
    const out = await runIn(mode, function* () {
      const race = yield* staggeredRace([() => fail(0), () => succeed(1)], null);
      return [race.result, race.index, names(race.exceptions), (race.exceptions[0] as Error).message, now()];
    });
    assertEquals(out, ["Res: 1", 1, ["RangeError", null], "0", 0]);
  });

  Deno.test(`the first is slow: the second starts after the delay, wins, and the first is cancelled (test_first_timeout_second_successful, ${mode})`, async () => {
    const out = await runIn(mode, function* () {
      const race = yield* staggeredRace([
        function* () {
          yield* sleep(10_000); // much longer than the delay
          return "Res: 0";
        },
        () => succeed(1),
      ], 100);
      return [race.result, race.index, names(race.exceptions), now(), yield* timersLeft()];
    });
    assertEquals(out, ["Res: 1", 1, ["CancelledError", null], 100, 0]);
  });

  Deno.test(`every attempt fails: no winner, every error in order (test_none_successful, ${mode})`, async () => {
    const out = await runIn(mode, function* () {
      const race = yield* staggeredRace([() => fail(0), () => fail(1)], null);
      return [race.result, race.index, race.exceptions.map((e) => `${(e as Error).name} ${(e as Error).message}`)];
    });
    assertEquals(out, [undefined, null, ["RangeError 0", "RangeError 1"]]);
  });

  Deno.test(`two attempts ready in the same iteration: the first to return wins (test_multiple_winners, ${mode})`, async () => {
    const out = await runIn(mode, function* () {
      const event = getRunningLoop().createFuture<void>();
      function* waitThenReturn(index: number): Coro<number> {
        yield* event;
        return index;
      }
      const race = yield* staggeredRace<number>([
        () => waitThenReturn(0),
        () => waitThenReturn(1),
        function* () {
          event.setResult(undefined);
          return yield* forever();
        },
      ], 100);
      return [race.result, race.index, names(race.exceptions), now()];
    });
    assertEquals(out, [0, 0, [null, "CancelledError", "CancelledError"], 200]);
  });

  Deno.test(`a cancel of the caller reaches the attempt each time and is raised after it returns (test_cancelled, ${mode})`, async () => {
    const out = await runIn(mode, function* () {
      const log: string[] = [];
      const error = yield* caught(timeout(null, function* (outer) {
        yield* timeout(null, function* (inner) {
          function* attempt(): Coro<void> {
            inner.reschedule(-1);
            yield* sleep(0);
            try {
              yield* sleep(0);
            } catch (e) {
              if (e instanceof CancelledError) log.push("cancelled 1");
            }
            outer.reschedule(-1);
            yield* sleep(0);
            try {
              yield* sleep(0);
            } catch (e) {
              if (e instanceof CancelledError) log.push("cancelled 2");
            }
          }
          try {
            yield* staggeredRace([attempt], null);
          } catch (e) {
            if (e instanceof CancelledError) log.push("cancelled 3");
            throw e;
          }
        });
      }));
      return [(error as Error).name, log];
    });
    assertEquals(out, ["TimeoutError", ["cancelled 1", "cancelled 2", "cancelled 3"]]);
  });

  Deno.test(`a cancelled caller cancels every attempt, waits for their cleanup, then raises with the message (${mode})`, async () => {
    const out = await runIn(mode, function* () {
      const log: unknown[] = [];
      function* attempt(index: number): Coro<string> {
        try {
          yield* sleep(1000);
          return `Res: ${index}`;
        } catch (e) {
          log.push([`attempt ${index} ${(e as Error).name} ${(e as Error).message}`, now()]);
          throw e;
        } finally {
          yield* sleep(5);
        }
      }
      const caller = createTask(staggeredRace([() => attempt(0), () => attempt(1), () => attempt(2)], 10));
      yield* sleep(15);
      caller.cancel("give up");
      const error = yield* caught(caller);
      return [(error as Error).message, caller.cancelled(), now(), log];
    });
    assertEquals(out, ["give up", true, 20, [["attempt 0 CancelledError give up", 15], [
      "attempt 1 CancelledError give up",
      15,
    ]]]);
  });

  Deno.test(`the iterable is read lazily: one function pulled per attempt started (${mode})`, async () => {
    const out = await runIn(mode, function* () {
      const pulls: unknown[] = [];
      const attempts = {
        *[Symbol.iterator](): Generator<() => Coro<string>> {
          for (let i = 0; i < 3; i++) {
            pulls.push([`pulled ${i}`, now()]);
            yield function* () {
              yield* sleep(30);
              return `Result: ${i}`;
            };
          }
        },
      };
      const race = yield* staggeredRace(attempts, 20);
      return [race.result, race.index, names(race.exceptions), now(), pulls];
    });
    assertEquals(out, ["Result: 0", 0, [null, "CancelledError"], 30, [["pulled 0", 0], ["pulled 1", 20]]]);
  });

  Deno.test(`an attempt that returns something not awaitable fails like any attempt; the next one goes (${mode})`, async () => {
    const out = await runIn(mode, function* () {
      const race = yield* staggeredRace<string>([untyped(() => Promise.resolve("x")), () => succeed(1)], null);
      return [race.index, (race.exceptions[0] as Error).message.includes("returned a Promise")];
    });
    assertEquals(out, [1, true]);
  });

  Deno.test(`a lazy iterable item that is not a function fails the race as an ExceptionGroup (${mode})`, async () => {
    const out = await runIn(mode, function* () {
      const items = {
        *[Symbol.iterator](): Generator<() => Coro<string>> {
          yield () => fail(0);
          yield untyped("not a function");
        },
      };
      const error = yield* caught(staggeredRace(items, null));
      assertInstanceOf(error, ExceptionGroup);
      return [error.message, (error.exceptions[0] as Error).name, (error.exceptions[0] as Error).message];
    });
    assertEquals(out, [
      "staggered race failed",
      "TypeError",
      'staggeredRace expects functions that return coroutines, got "not a function" (a string) at index 1',
    ]);
  });
}

/** test_eager_task_factory.py's test_staggered_race_with_eager_tasks (gh-124309), and lazily too. */
for (const mode of TASK_MODES) {
  Deno.test(`a blocked attempt, a sleeping one that wins, a failing one started by the delay (gh-124309, ${mode})`, async () => {
    const out = await runIn(mode, function* () {
      const race = yield* staggeredRace<string>([
        () => forever(),
        () => sleep(1000, "sleep1"),
        function* () {
          yield* sleep(0);
          throw new RangeError("no good");
        },
      ], 250);
      return [race.result, race.index, names(race.exceptions), now()];
    });
    assertEquals(out, ["sleep1", 1, ["CancelledError", null, "RangeError"], 1250]);
  });

  Deno.test(`without a delay, a failing first attempt starts the next, which wins (gh-124309 no delay, ${mode})`, async () => {
    const out = await runIn(mode, function* () {
      const race = yield* staggeredRace<string>([
        () => fail(0),
        () => sleep(1000, "sleep1"),
        () => sleep(0, "sleep0"),
      ], null);
      return [race.result, race.index, names(race.exceptions), now()];
    });
    assertEquals(out, ["sleep1", 1, ["RangeError", null], 1000]);
  });
}

Deno.test("staggeredRace refuses bad arguments at the call", () => {
  assertThrows(() => staggeredRace(untyped(42), null), TypeError, "42 (a number)");
  assertThrows(() => staggeredRace(untyped("ab"), null), TypeError, '"ab" (a string)');
  assertThrows(() => staggeredRace(untyped(succeed(0)), null), TypeError, "a generator object; pass an array");
  assertThrows(() => staggeredRace([untyped(succeed(0))], null), TypeError, "pass () => attempt(), not attempt()");
  assertThrows(() => staggeredRace([], untyped("10")), TypeError, "delay");
  assertThrows(() => staggeredRace([], NaN), RangeError, "NaN");
  const race = staggeredRace([], null);
  assertStrictEquals(typeof race.next, "function"); // nothing runs until driven
  assertThrows(() => race.next(), InvalidStateError, "staggeredRace() needs a running event loop");
});
