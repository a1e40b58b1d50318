/**
 * What a coroutine may yield to the Task that drives it — the whole protocol,
 * in one place (Trio's `_traps.py`).
 *
 * A coroutine never yields values of its own choosing. It `yield*`s an
 * awaitable, and the awaitable's iterator yields one of two shared markers
 * through every level of `yield*` (sync generators pass an inner iterator's
 * result object through unchanged), or it yields nothing at all:
 *
 * | the Task's `next()` returns           | meaning                                        |
 * |---------------------------------------|------------------------------------------------|
 * | {@linkcode AWAIT_FUTURE} (`value`: a Future) | suspend until that pending future is done |
 * | {@linkcode AWAIT_TIMER} (`value`: a timer)   | suspend until the timer fires (`sleep`)   |
 * | any result whose `value` is `undefined`      | give up one iteration (a bare `yield`)    |
 * | anything else                                | a bad yield: an error is thrown back in   |
 *
 * Because the markers are shared objects, the Task recognises a real await by
 * identity, which is also how it tells `yield fut` (a mistake) from
 * `yield* fut`. Invariant: a marker's `value` is set just before it is
 * returned and cleared by the Task as soon as it has read it, so a suspended
 * coroutine retains nothing through it.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";

/**
 * A coroutine: what a `function*` returns, and what `yield*` and `createTask`
 * accept. Every generator object satisfies it; so do the lightweight objects
 * `sleep()` returns and futures (which are awaitables, not coroutines:
 * `createTask` refuses them).
 */
export interface Coro<T> {
  /** Resumes the coroutine. */
  next(...args: [] | [unknown]): IteratorResult<unknown, T>;
  /** Finishes the coroutine early. */
  return(value: T): IteratorResult<unknown, T>;
  /** Throws `error` in at the point where the coroutine is suspended. */
  throw(error: unknown): IteratorResult<unknown, T>;
  /** Coroutines are their own iterators, so `yield*` accepts them. */
  [Symbol.iterator](): Coro<T>;
}

/**
 * A timer a task can sleep on: armed by the task when yielded, it calls back
 * `task._wakeSoon()` when due or when cancelled.
 */
export interface TimerWait {
  /** Schedules the timer on `task`'s loop; the task is woken when it fires. */
  _arm(task: SleepingTask): void;
  /** Cancels the sleep and wakes the task to raise `CancelledError`; false when it cannot. */
  cancel(message?: string): boolean;
}

/**
 * The part of a Task a timer needs. `Task` fits by shape, with no
 * `implements` clause, so that no public class names this internal type;
 * `tests/types/roles.test.ts` holds it to it.
 */
export interface SleepingTask {
  /** @internal Schedules the task's next step for the next iteration. */
  _wakeSoon(): void;
}

/** Returned by a pending future's `next()`: the Task waits for `value`. */
export const AWAIT_FUTURE: { done: false; value: unknown } = { done: false, value: null };

/** Returned by a started `sleep()`: the Task arms `value` and waits for it. */
export const AWAIT_TIMER: { done: false; value: TimerWait | null } = { done: false, value: null };

/** Returned by `sleep(0)`: one iteration, exactly like a bare `yield`. */
export const YIELD_ONCE: { done: false; value: undefined } = { done: false, value: undefined };

/**
 * Returned by a finished awaitable's `next()`. `yield*` reads `value` at once;
 * the Task clears it after each step so it holds nothing for long.
 */
export const AWAIT_DONE: { done: true; value: unknown } = { done: true, value: undefined };

/** The message thrown into a coroutine that yielded `value` outside the protocol. */
export function badYieldMessage(value: unknown): string {
  const what = describeValue(value);
  if (typeof value === "object" && value !== null) {
    let thenable = false, iterable = false;
    try {
      thenable = typeof (value as { then?: unknown }).then === "function";
      iterable = isIterable(value);
    } catch {
      // a Proxy or a getter that throws: the plain message will do
    }
    if (thenable && !iterable) {
      return `a coroutine yielded ${what}; a Task cannot wait on a promise directly: write \`yield* fromPromise(p)\``;
    }
    if (iterable) return `a coroutine yielded ${what} with \`yield\`; wait for it with \`yield*\` instead`;
  }
  return `a coroutine yielded ${what}; coroutines may only \`yield*\` futures, tasks and coroutines, ` +
    "or `yield` nothing to give up one iteration";
}

function isIterable(value: object): boolean {
  return typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === "function";
}
