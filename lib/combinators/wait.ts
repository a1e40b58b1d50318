/**
 * wait: wait until some or all of a set of futures are done (asyncio's
 * `wait`), with `FIRST_COMPLETED`, `FIRST_EXCEPTION` and `ALL_COMPLETED`.
 *
 * The waiting task sleeps on one private waiter future; a done-callback on
 * each input counts completions and releases the waiter when the condition
 * holds, and a timer (if any) releases it too. `wait` never raises on
 * timeout and never cancels an input: cancelling the waiting task cancels
 * only the waiter. Its `finally` removes every callback and the timer, so
 * nothing outlives the call.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import type { TimerHandle } from "../loop/handle.ts";
import type { EventLoop } from "../task/event_loop.ts";
import type { Future } from "../task/future.ts";
import { _getRunningLoop } from "../task/running_loop.ts";
import type { Coro } from "../task/yield_protocol.ts";
import { _awaitableKind } from "../task/ensure_future.ts";
import { LabelledFuture } from "../task/wait_label.ts";
import { checkOptionsObject, checkSameLoop, checkTime, listOf } from "./_checks.ts";
import { errorOf, NO_ERROR, releaseWaiter } from "./_outcome.ts";

/**
 * `returnWhen` for {@linkcode wait}: return as soon as any future is done
 * (a cancelled one counts). The string of its own name, as in asyncio.
 *
 * @example The first of two
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createTask, FIRST_COMPLETED, run, sleep, wait } from "yieldio";
 * const sizes = await run(function* () {
 *   const tasks = [createTask(sleep(5)), createTask(sleep(9))];
 *   const { done, pending } = yield* wait(tasks, { returnWhen: FIRST_COMPLETED });
 *   return [done.size, pending.size];
 * }, { clock: "virtual" });
 * assertEquals(sizes, [1, 1]);
 * ```
 */
export const FIRST_COMPLETED = "FIRST_COMPLETED";

/**
 * `returnWhen` for {@linkcode wait}: return when any future finishes with an
 * exception, or when all are done.
 *
 * @example Stop waiting at the first failure
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createTask, FIRST_EXCEPTION, getRunningLoop, run, sleep, wait } from "yieldio";
 * const [failed, t] = await run(function* () {
 *   const failing = createTask((function* () {
 *     yield* sleep(5);
 *     throw new Error("broken");
 *   })());
 *   const slow = createTask(sleep(100));
 *   yield* wait([failing, slow], { returnWhen: FIRST_EXCEPTION });
 *   slow.cancel();
 *   return [(failing.exception() as Error).message, getRunningLoop().time()];
 * }, { clock: "virtual" });
 * assertEquals([failed, t], ["broken", 5]);
 * ```
 */
export const FIRST_EXCEPTION = "FIRST_EXCEPTION";

/**
 * `returnWhen` for {@linkcode wait}: return when every future is done (the
 * default).
 *
 * @example Everything, or what is done by the timeout
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { ALL_COMPLETED, createTask, run, sleep, wait } from "yieldio";
 * const sizes = await run(function* () {
 *   const tasks = [createTask(sleep(5)), createTask(sleep(50))];
 *   const { done, pending } = yield* wait(tasks, { returnWhen: ALL_COMPLETED, timeout: 10 });
 *   yield* wait(pending);
 *   return [done.size, pending.size];
 * }, { clock: "virtual" });
 * assertEquals(sizes, [1, 1]);
 * ```
 */
export const ALL_COMPLETED = "ALL_COMPLETED";

/** When {@linkcode wait} returns. */
export type ReturnWhen = typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;

/** Options for {@linkcode wait}. */
export interface WaitOptions {
  /** Return after this many ms even if the condition does not hold; `null` (default): no limit. */
  timeout?: number | null;
  /** `FIRST_COMPLETED`, `FIRST_EXCEPTION` or `ALL_COMPLETED` (default). */
  returnWhen?: ReturnWhen;
}

/** What {@linkcode wait} returns: the inputs split by whether they are done. */
export interface WaitResult<F> {
  /** The futures that are done, in input order. */
  done: Set<F>;
  /** The futures still pending, in input order. */
  pending: Set<F>;
}

const RETURN_WHEN: readonly string[] = [FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED];

/**
 * Waits until the futures meet `returnWhen` or `timeout` ms pass, then
 * returns them split into `done` and `pending`. Never raises on timeout and
 * never cancels anything. Each future appears once, however often it is
 * passed. Takes futures and tasks only: wrap coroutines with `createTask`
 * first, so that you hold what you wait for.
 *
 * @param futures Futures or tasks (at least one) of the running loop.
 * @param options `timeout` (ms or null) and `returnWhen`.
 * @returns A coroutine of `{ done, pending }`.
 * @throws {TypeError} For a non-iterable, a coroutine or promise among the
 *   futures, a bad option type, or (when driven) a future of another loop.
 * @throws {RangeError} For no futures, an unknown `returnWhen`, a NaN timeout.
 *
 * @example The first one done, then the rest
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createTask, FIRST_COMPLETED, getRunningLoop, run, sleep, wait } from "yieldio";
 * const seen = await run(function* () {
 *   const fast = createTask(sleep(10, "fast"));
 *   const slow = createTask(sleep(50, "slow"));
 *   const first = yield* wait([fast, slow], { returnWhen: FIRST_COMPLETED });
 *   const atFirst = [[...first.done].map((t) => t.result()), first.pending.size, getRunningLoop().time()];
 *   const rest = yield* wait(first.pending, { timeout: 100 });
 *   return [atFirst, [rest.done.size, rest.pending.size, getRunningLoop().time()]];
 * }, { clock: "virtual" });
 * assertEquals(seen, [[["fast"], 1, 10], [1, 0, 50]]);
 * ```
 */
export function wait<F extends Future<unknown>>(futures: Iterable<F>, options?: WaitOptions): Coro<WaitResult<F>> {
  const list = listOf(futures, "wait");
  list.forEach(checkFuture);
  if (list.length === 0) throw new RangeError("wait got no futures: pass at least one future or task");
  checkOptionsObject(options, "wait");
  const timeout = checkTime(options?.timeout, "wait", "timeout");
  const returnWhen = options?.returnWhen ?? ALL_COMPLETED;
  if (!RETURN_WHEN.includes(returnWhen)) {
    const message = `wait expects returnWhen FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED, got ${
      describeValue(returnWhen)
    }`;
    throw typeof returnWhen === "string" ? new RangeError(message) : new TypeError(message);
  }
  return waitUntil([...new Set(list as F[])], timeout, returnWhen);
}

function checkFuture(value: unknown, index: number): void {
  const kind = _awaitableKind(value, "wait", `futures or tasks (at index ${index})`);
  if (kind === "future") return;
  let hint = "";
  if (kind === "coroutine") hint = "; wrap coroutines with createTask() first";
  else if (kind === "promise") hint = "; wrap promises with ensureFuture()";
  throw new TypeError(`wait expects futures or tasks, got ${describeValue(value)} at index ${index}${hint}`);
}

function* waitUntil<F extends Future<unknown>>(
  futures: F[],
  timeout: number | null,
  returnWhen: ReturnWhen,
): Coro<WaitResult<F>> {
  const loop: EventLoop = _getRunningLoop("wait()");
  for (const future of futures) checkSameLoop(future, loop, "wait");
  const waiter = new LabelledFuture<void>(loop, new WaitSubject(futures, returnWhen));
  let timer: TimerHandle | null = timeout === null ? null : loop.callLater(timeout, releaseWaiter, waiter);
  let left = futures.length;
  // One closure per call: the callback needs both the waiter state and the future.
  const onDone = (future: Future<unknown>): void => {
    left--;
    // asyncio's order of tests: the exception (reading it marks it retrieved)
    // is read only in FIRST_EXCEPTION mode and only while others are still
    // pending. errorOf, not exception() !== null: `throw null` is an exception too.
    if (
      left <= 0 || returnWhen === FIRST_COMPLETED ||
      (returnWhen === FIRST_EXCEPTION && !future.cancelled() && errorOf(future) !== NO_ERROR)
    ) {
      timer?.cancel();
      timer = null;
      releaseWaiter(waiter);
    }
  };
  for (const future of futures) future._addCallback(onDone, future);
  try {
    yield* waiter;
  } finally {
    timer?.cancel();
    for (const future of futures) future._removeCallback(onDone, future);
  }
  const done = new Set<F>(), pending = new Set<F>();
  for (const future of futures) (future.done() ? done : pending).add(future);
  return { done, pending };
}

/** The waiter's subject: a task in `wait` awaits each future (asyncio 3.14); the label is made only when read. */
class WaitSubject {
  readonly #futures: readonly Future<unknown>[];
  readonly #returnWhen: ReturnWhen;

  constructor(futures: readonly Future<unknown>[], returnWhen: ReturnWhen) {
    this.#futures = futures;
    this.#returnWhen = returnWhen;
  }

  _waitLabel(): string {
    return `wait(${this.#futures.length}, ${this.#returnWhen})`;
  }

  _awaitedChildren(): readonly Future<unknown>[] {
    return this.#futures;
  }
}
