/**
 * Who awaits whom across tasks: CPython 3.14's awaited-by sets
 * (`future_add_to_awaited_by`), which the call graph, the task tree, the
 * task table, `DeadlockError` and `loop.inspect()` all read.
 *
 * A task that `yield*`s a future needs no entry here: it already records the
 * one thing it waits on (`Task._waitingOn()`, written at suspension anyway).
 * This registry holds the other edges — code that links futures through
 * done-callbacks (`gather`, `shield`, `wait`, `asCompleted`, a `TaskGroup`'s
 * children) records that the current task awaits each child.
 *
 * Kept in a WeakMap keyed by the awaited future: a future nobody links costs
 * nothing, an edge never keeps a future alive, and the common case of one
 * waiter is stored without a Set.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { Future } from "./future.ts";

/** Invariant: a future maps to its one linked waiter, or to a Set of two or more. */
const linked = new WeakMap<Future<unknown>, Future<unknown> | Set<Future<unknown>>>();

/**
 * Records that `waiter` awaits `future` through a done-callback (CPython's
 * `future_add_to_awaited_by`): code that links futures by hand calls it so
 * that {@linkcode captureCallGraph}, `formatTaskTree` and deadlock reports
 * see the edge. `gather`, `shield`, `wait`, `asCompleted` and `taskGroup`
 * already do. Adding an edge twice keeps one.
 *
 * @param future The awaited future (often a task).
 * @param waiter The future (usually a task) that awaits it.
 * @throws {TypeError} When either is not a Future.
 *
 * @example A hand-made link shows in the task tree
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createTask, currentTask, formatTaskTree, futureAddToAwaitedBy, run, sleep } from "yieldio";
 * const tree = await run(function* () {
 *   const child = createTask(sleep(10), { name: "child" });
 *   const done = child.getLoop().createFuture<void>();
 *   child.addDoneCallback(() => done.setResult(undefined)); // a link the loop cannot see
 *   futureAddToAwaitedBy(child, currentTask()!);
 *   currentTask()!.setName("main");
 *   yield* sleep(0);
 *   const tree = formatTaskTree();
 *   yield* done;
 *   return tree;
 * }, { clock: "virtual" });
 * assertEquals(tree, "main — running\n└── child — waiting on sleep until t=10");
 * ```
 */
export function futureAddToAwaitedBy(future: Future<unknown>, waiter: Future<unknown>): void {
  checkPair(future, waiter, "futureAddToAwaitedBy");
  _addAwaitedBy(future, waiter);
}

/**
 * Removes an edge recorded by {@linkcode futureAddToAwaitedBy} (CPython's
 * `future_discard_from_awaited_by`); a no-op when there is none.
 *
 * @param future The awaited future.
 * @param waiter The future that no longer awaits it.
 * @throws {TypeError} When either is not a Future.
 *
 * @example Adding and discarding an edge
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { captureCallGraph, EventLoop, futureAddToAwaitedBy, futureDiscardFromAwaitedBy } from "yieldio";
 * const loop = new EventLoop({ clock: "virtual" });
 * const inner = loop.createFuture(), outer = loop.createFuture();
 * futureAddToAwaitedBy(inner, outer);
 * assertEquals(captureCallGraph(inner)?.awaitedBy.length, 1);
 * futureDiscardFromAwaitedBy(inner, outer);
 * assertEquals(captureCallGraph(inner)?.awaitedBy.length, 0);
 * loop.close();
 * ```
 */
export function futureDiscardFromAwaitedBy(future: Future<unknown>, waiter: Future<unknown>): void {
  checkPair(future, waiter, "futureDiscardFromAwaitedBy");
  _discardAwaitedBy(future, waiter);
}

/** @internal {@linkcode futureAddToAwaitedBy} without the checks, for the combinators. */
export function _addAwaitedBy(future: Future<unknown>, waiter: Future<unknown>): void {
  const entry = linked.get(future);
  if (entry === undefined) linked.set(future, waiter);
  else if (entry instanceof Set) entry.add(waiter);
  else if (entry !== waiter) linked.set(future, new Set([entry, waiter]));
}

/** @internal {@linkcode futureDiscardFromAwaitedBy} without the checks. */
export function _discardAwaitedBy(future: Future<unknown>, waiter: Future<unknown>): void {
  const entry = linked.get(future);
  if (entry === waiter) linked.delete(future);
  else if (entry instanceof Set && entry.delete(waiter) && entry.size === 1) {
    linked.set(future, entry.values().next().value as Future<unknown>);
  }
}

/** @internal The waiters linked to `future` by hand or by a combinator, in the order they were added. */
export function _linkedWaiters(future: Future<unknown>): Future<unknown>[] {
  const entry = linked.get(future);
  if (entry === undefined) return [];
  return entry instanceof Set ? [...entry] : [entry];
}

function checkPair(future: unknown, waiter: unknown, caller: string): void {
  if (!(future instanceof Future)) {
    throw new TypeError(`${caller} expects a Future to await, got ${describeValue(future)}`);
  }
  if (!(waiter instanceof Future)) {
    throw new TypeError(`${caller} expects the waiter to be a Future or Task, got ${describeValue(waiter)}`);
  }
}
