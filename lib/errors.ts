/**
 * The error classes yieldio throws for conditions a caller may want to catch.
 *
 * Bad arguments are reported with the built-in `TypeError` and `RangeError`;
 * the classes here name states and outcomes. Every class sets `name`, accepts
 * `{ cause }`, and extends `Error` (or `AggregateError` for groups), so
 * `instanceof` and `err.name` both work across bundles.
 *
 * @module
 */

import { safeString } from "./_describe.ts";
export { type ErrorClass, type ExceptionCondition, ExceptionGroup } from "./exception_group.ts";

/**
 * Thrown into a task at its current `yield*` when the task is cancelled, and
 * raised by `result()` of a cancelled future (asyncio's `CancelledError`).
 *
 * A JavaScript `catch` catches everything, so code that catches errors around a
 * `yield*` should rethrow `CancelledError` unless it means to refuse the
 * cancellation (and then call `task.uncancel()`).
 *
 * @example Cancelling a task raises CancelledError from its result
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { CancelledError, EventLoop } from "yieldio";
 * const loop = new EventLoop({ clock: "virtual" });
 * const fut = loop.createFuture<number>();
 * fut.cancel("stop");
 * const err = assertThrows(() => fut.result(), CancelledError);
 * assertEquals(err.message, "stop");
 * ```
 */
export class CancelledError extends Error {
  /**
   * The error a cancelled future or task raises (asyncio's `CancelledError`).
   *
   * @param message The cancel message given to `cancel(msg)`, if any. It is
   *   often built later than `cancel()` was called, so it never throws: a
   *   message that is not a string is converted like `String(message)`, or
   *   described (`an object with a null prototype`) when that throws.
   * @param options `cause`, as for `Error`.
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message === undefined || typeof message === "string" ? message : safeString(message), options);
    this.name = "CancelledError";
  }
}

/**
 * Rethrows `error` if it is a {@linkcode CancelledError}; does nothing
 * otherwise. The first line of a catch-all around a `yield*`, so that the
 * catch handles failures but never swallows a cancellation (asyncio's
 * `except CancelledError: raise` placed before `except Exception:`). The
 * lint rule `yieldio/no-swallowed-cancellation` (entry `yieldio/lint`)
 * accepts a catch clause that calls it.
 *
 * @param error What the catch clause caught.
 * @throws {CancelledError} `error` itself, when it is one.
 *
 * @example A worker that logs failures and still stops when cancelled
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createTask, rethrowCancellation, run, sleep } from "yieldio";
 * const log: string[] = [];
 * await run(function* () {
 *   const worker = createTask((function* () {
 *     for (let job = 1; ; job++) {
 *       try {
 *         yield* sleep(10);
 *         if (job === 2) throw new Error(`job ${job} failed`);
 *       } catch (e) {
 *         rethrowCancellation(e); // without it, cancel() would be logged and ignored
 *         log.push((e as Error).message);
 *       }
 *     }
 *   })());
 *   yield* sleep(35);
 *   worker.cancel();
 *   yield* sleep(100);
 *   log.push(worker.cancelled() ? "worker cancelled" : "worker still running");
 * }, { clock: "virtual" });
 * assertEquals(log, ["job 2 failed", "worker cancelled"]);
 * ```
 */
export function rethrowCancellation(error: unknown): void {
  if (error instanceof CancelledError) throw error;
}

/**
 * Raised when a deadline passes: by `waitFor`, `timeout` and `asCompleted`.
 *
 * @example A TimeoutError is an Error with its own name
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { TimeoutError } from "yieldio";
 * const err = new TimeoutError("too slow");
 * assertEquals([err.name, err instanceof Error], ["TimeoutError", true]);
 * ```
 */
export class TimeoutError extends Error {
  /**
   * The error for a deadline that passed (asyncio's `TimeoutError`).
   *
   * @param message What timed out.
   * @param options `cause`, as for `Error` (the `CancelledError` that ended the work).
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TimeoutError";
  }
}

/**
 * An operation that the current state of a future, task or loop does not
 * allow: reading the result of a pending future, resolving a future twice,
 * scheduling on a closed loop, running a loop that already runs.
 *
 * @example Reading a pending future's result
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { EventLoop, InvalidStateError } from "yieldio";
 * const loop = new EventLoop({ clock: "virtual" });
 * assertThrows(() => loop.createFuture().result(), InvalidStateError, "pending");
 * ```
 */
export class InvalidStateError extends Error {
  /**
   * The error for an operation the current state does not allow (asyncio's `InvalidStateError`).
   *
   * @param message What was attempted, in which state.
   * @param options `cause`, as for `Error`.
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "InvalidStateError";
  }
}

/**
 * A context variable was read where it has no value and no default
 * (Python's `LookupError`, which `ContextVar.get()` raises).
 *
 * @example Reading a variable that was never set
 * ```ts
 * import { assertThrows } from "@std/assert";
 * import { ContextVar, LookupError } from "yieldio";
 * assertThrows(() => new ContextVar("user").get(), LookupError, "has no value");
 * ```
 */
export class LookupError extends Error {
  /**
   * The error for a context variable read where it has no value and no default.
   *
   * @param message What was looked up, and where.
   * @param options `cause`, as for `Error`.
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "LookupError";
  }
}

/**
 * A loop that can never make progress again: nothing is ready, no timer is
 * armed and no host wake-up is expected (`loop.ref()`), yet its main future is
 * pending. Raised by virtual-clock loops and by blocking (`runSync`) loops
 * instead of hanging forever.
 *
 * @example The error names the tasks that wait, and what each waits on
 * ```ts
 * import { assertEquals, assertRejects } from "@std/assert";
 * import { DeadlockError, getRunningLoop, run } from "yieldio";
 * const err = await assertRejects(
 *   () => run(function* main() { yield* getRunningLoop().createFuture(); }, { clock: "virtual" }),
 *   DeadlockError,
 * );
 * assertEquals(err.tree, "main — waiting on <Future pending>");
 * ```
 */
export class DeadlockError extends Error {
  /** The tasks that were pending when the deadlock was found. */
  readonly tasks: readonly unknown[];
  /** One line per pending task: its name and what it waits on. */
  readonly tree: string;
  /**
   * The error for a loop that can never make progress; its message counts `tasks` and shows `tree`.
   *
   * @param tasks The pending tasks.
   * @param tree A printable description of what each task waits on.
   * @param options `cause`, as for `Error`.
   */
  constructor(tasks: readonly unknown[], tree: string, options?: ErrorOptions) {
    super(
      `deadlock: nothing is ready, no timer is armed and no host wake-up is expected, ` +
        `but ${tasks.length} task(s) still wait:\n${tree}`,
      options,
    );
    this.name = "DeadlockError";
    this.tasks = tasks;
    this.tree = tree;
  }
}

/**
 * This thread may not block: a blocking driver (`runSync`,
 * `runForeverSync`, `runUntilCompleteSync`) was started where `Atomics.wait`
 * throws, which is a browser window's main thread. Use the host-driven
 * `run()` there, or run the blocking loop inside a Worker.
 *
 * @example Falling back to the host-driven driver
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { CannotBlockError, run, runSync } from "yieldio";
 * function* main() { return 42; }
 * let value: number;
 * try {
 *   value = runSync(main, { clock: "virtual" });
 * } catch (e) {
 *   if (!(e instanceof CannotBlockError)) throw e;
 *   value = await run(main, { clock: "virtual" });
 * }
 * assertEquals(value, 42);
 * ```
 */
export class CannotBlockError extends Error {
  /**
   * The error for a blocking driver started on a thread that may not block.
   *
   * @param message Which probe failed and what to do instead.
   * @param options `cause`, as for `Error` (the probe's own `TypeError`).
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CannotBlockError";
  }
}

/**
 * A `Barrier` was reset or aborted while tasks waited on it, or is broken.
 *
 * @example A BrokenBarrierError is an Error with its own name
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { BrokenBarrierError } from "yieldio";
 * assertEquals(new BrokenBarrierError("reset").name, "BrokenBarrierError");
 * ```
 */
export class BrokenBarrierError extends Error {
  /**
   * The error for a wait on a barrier that broke (asyncio's `BrokenBarrierError`).
   *
   * @param message What broke the barrier.
   * @param options `cause`, as for `Error`.
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "BrokenBarrierError";
  }
}

/**
 * `getNowait()` on an empty queue.
 *
 * @example A QueueEmpty is an Error with its own name
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { QueueEmpty } from "yieldio";
 * assertEquals(new QueueEmpty().name, "QueueEmpty");
 * ```
 */
export class QueueEmpty extends Error {
  /**
   * The error for `getNowait()` on an empty queue (asyncio's `QueueEmpty`).
   *
   * @param message Details.
   * @param options `cause`, as for `Error`.
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "QueueEmpty";
  }
}

/**
 * `putNowait()` on a full bounded queue.
 *
 * @example A QueueFull is an Error with its own name
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { QueueFull } from "yieldio";
 * assertEquals(new QueueFull().name, "QueueFull");
 * ```
 */
export class QueueFull extends Error {
  /**
   * The error for `putNowait()` on a full queue (asyncio's `QueueFull`).
   *
   * @param message Details.
   * @param options `cause`, as for `Error`.
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "QueueFull";
  }
}

/**
 * A put on a queue that was shut down, or a get on one that was shut down
 * and is empty (or was shut down with `immediate`).
 *
 * @example A QueueShutDown is an Error with its own name
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { QueueShutDown } from "yieldio";
 * assertEquals(new QueueShutDown().name, "QueueShutDown");
 * ```
 */
export class QueueShutDown extends Error {
  /**
   * The error for a put or get on a queue that was shut down (asyncio's `QueueShutDown`).
   *
   * @param message Details.
   * @param options `cause`, as for `Error`.
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "QueueShutDown";
  }
}
