/**
 * `assertCheckpoints` / `assertNoCheckpoints` (Trio's `trio.testing`): does
 * this code yield to the loop?
 *
 * A checkpoint here is a suspension of the calling task: its coroutine gave
 * the loop control and was resumed in a later step. An instrument counts the
 * task's steps while the body runs (`beforeTaskStep`); it is installed only
 * for the body, so a loop pays for it only there. `yield*` on a future that
 * is already done returns at once and is not a checkpoint.
 *
 * @module
 */

import { isInstance } from "../_is_instance.ts";
import { CancelledError, InvalidStateError } from "../errors.ts";
import { bodyCoroutine, checkBody } from "../task/body.ts";
import { currentTask, getRunningLoop } from "../task/running_loop.ts";
import type { Task } from "../task/task.ts";
import type { Coro } from "../task/yield_protocol.ts";
import { CheckpointError } from "./errors.ts";

/**
 * Runs `body` and fails unless it yielded to the loop at least once (a body
 * that throws is let through: the error says more).
 *
 * @param body A generator function.
 * @returns A coroutine of what `body` returns.
 * @throws {CheckpointError} When the body returned without yielding to the loop.
 * @throws {TypeError} When `body` is not a generator function.
 * @throws {InvalidStateError} When driven outside a task.
 *
 * @example `sleep(0)` is a checkpoint
 * ```ts
 * import { sleep } from "yieldio";
 * import { assertCheckpoints, runTest } from "yieldio/testing";
 * await runTest(function* () {
 *   yield* assertCheckpoints(() => sleep(0));
 * });
 * ```
 */
export function assertCheckpoints<T>(body: () => Coro<T>): Coro<T> {
  checkBody(body, "assertCheckpoints()");
  return checked(body, true, "assertCheckpoints()");
}

/**
 * Runs `body` and fails if it yielded to the loop: the code must run to the
 * end without letting another task in.
 *
 * @param body A generator function.
 * @returns A coroutine of what `body` returns.
 * @throws {CheckpointError} When the body yielded (also when it then threw: the
 *   error becomes the `cause`; a `CancelledError` always propagates unchanged).
 * @throws {TypeError} When `body` is not a generator function.
 * @throws {InvalidStateError} When driven outside a task.
 *
 * @example Taking a free lock does not yield
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { Lock } from "yieldio";
 * import { assertNoCheckpoints, runTest } from "yieldio/testing";
 * await runTest(function* () {
 *   const lock = new Lock();
 *   assertEquals(yield* assertNoCheckpoints(() => lock.acquire()), true);
 *   lock.release();
 * });
 * ```
 */
export function assertNoCheckpoints<T>(body: () => Coro<T>): Coro<T> {
  checkBody(body, "assertNoCheckpoints()");
  return checked(body, false, "assertNoCheckpoints()");
}

/** Counts the steps of one task: each step after the first means it was suspended and resumed. */
class StepCounter {
  readonly task: Task<unknown>;
  resumed = 0;

  constructor(task: Task<unknown>) {
    this.task = task;
  }

  beforeTaskStep(task: Task<unknown>): void {
    if (task === this.task) this.resumed++;
  }
}

function* checked<T>(body: () => Coro<T>, expected: boolean, caller: string): Coro<T> {
  const loop = getRunningLoop();
  const task = currentTask();
  if (task === null) throw new InvalidStateError(`${caller} must be awaited inside a task`);
  const counter = new StepCounter(task);
  loop.addInstrument(counter);
  let value: T;
  try {
    value = yield* bodyCoroutine<T>(body(), caller);
  } catch (error) {
    if (!expected && counter.resumed > 0 && !isInstance(error, CancelledError)) {
      throw new CheckpointError(`${caller}: the body yielded to the loop ${times(counter.resumed)}, then threw`, {
        cause: error,
      });
    }
    throw error;
  } finally {
    loop.removeInstrument(counter); // also when the coroutine is closed early
  }
  if (expected && counter.resumed === 0) {
    throw new CheckpointError(`${caller}: the body returned without yielding to the loop`);
  }
  if (!expected && counter.resumed > 0) {
    throw new CheckpointError(`${caller}: the body yielded to the loop ${times(counter.resumed)}`);
  }
  return value;
}

function times(n: number): string {
  return n === 1 ? "once" : `${n} times`;
}
