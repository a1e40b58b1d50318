/**
 * Who awaits whom across tasks: CPython 3.14's awaited-by sets
 * (`future_add_to_awaited_by`), which the call graph, the task tree, the
 * task table, `DeadlockError` and `inspect(loop)` all read.
 *
 * Most edges cost nothing while nobody reads them, because they are derived
 * when asked, from state that exists anyway:
 * - a task that `yield*`s a future awaits it (`Task._waitingOn()`);
 * - a task suspended on a gather, a shield, a `wait` or an `asCompleted`
 *   awaits the children that one still waits for (their `_awaitedChildren()`);
 * - a task that entered a task group awaits the group's children for as long
 *   as the group lives: the one edge recorded eagerly, once per group.
 * Only links made by hand with {@linkcode futureAddToAwaitedBy} are stored
 * per future, in a WeakMap keyed by the awaited future. Such an entry keeps
 * the waiter alive while the future lives, until it is discarded.
 *
 * asyncio differs in one case: a task that called `gather` but waits on
 * something else meanwhile does not count as awaiting the children here.
 *
 * @module
 */

import { isInstance } from "../_is_instance.ts";
import { describeValue } from "../_describe.ts";
import { Future } from "./future.ts";

/** Invariant: a future maps to its one linked waiter, or to a Set of two or more. */
const linked = new WeakMap<Future<unknown>, Future<unknown> | Set<Future<unknown>>>();
/** The task groups a task has entered and not yet left, by task (one entry per group, not per child). */
const groups = new WeakMap<Future<unknown>, Set<AwaitsChildren>>();

/** What a task waits on, or a group it entered, when that means awaiting other futures too. */
export interface AwaitsChildren {
  /** @internal The futures it still waits for (finished ones may be left in: readers skip them). */
  _awaitedChildren(): Iterable<Future<unknown>>;
}

/**
 * Records that `waiter` awaits `future` through a done-callback (CPython's
 * `future_add_to_awaited_by`): code that links futures by hand calls it so
 * that {@linkcode captureCallGraph}, `formatTaskTree` and deadlock reports
 * see the edge. `gather`, `shield`, `wait`, `asCompleted` and `taskGroup`
 * need no such call. Adding an edge twice keeps one; discard it when the
 * wait is over, or the future keeps the waiter alive.
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
  addLink(future, waiter);
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
  discardLink(future, waiter);
}

function addLink(future: Future<unknown>, waiter: Future<unknown>): void {
  const entry = linked.get(future);
  if (entry === undefined) linked.set(future, waiter);
  else if (entry instanceof Set) entry.add(waiter);
  else if (entry !== waiter) linked.set(future, new Set([entry, waiter]));
}

function discardLink(future: Future<unknown>, waiter: Future<unknown>): void {
  const entry = linked.get(future);
  if (entry === waiter) linked.delete(future);
  else if (entry instanceof Set && entry.delete(waiter) && entry.size === 1) {
    linked.set(future, entry.values().next().value as Future<unknown>);
  }
}

/** @internal A task entered `group`: it awaits the group's children until {@linkcode _leftGroup}. */
export function _enteredGroup(task: Future<unknown>, group: AwaitsChildren): void {
  const entered = groups.get(task);
  if (entered === undefined) groups.set(task, new Set([group]));
  else entered.add(group);
}

/** @internal The task left `group` (its exit is over). */
export function _leftGroup(task: Future<unknown>, group: AwaitsChildren): void {
  const entered = groups.get(task);
  if (entered !== undefined && entered.delete(group) && entered.size === 0) groups.delete(task);
}

/** @internal The futures `task` awaits beyond what it is suspended on: through it, and through its groups. */
export function _childrenAwaitedBy(task: Future<unknown>, suspendedOn: unknown): Future<unknown>[] {
  const children: Future<unknown>[] = [];
  const through = (suspendedOn as Partial<AwaitsChildren> | null)?._awaitedChildren;
  if (typeof through === "function") children.push(...through.call(suspendedOn));
  for (const group of groups.get(task) ?? []) children.push(...group._awaitedChildren());
  return children.filter((child) => !child.done());
}

/** @internal The waiters linked to `future` by hand, in the order they were added. */
export function _linkedWaiters(future: Future<unknown>): Future<unknown>[] {
  const entry = linked.get(future);
  if (entry === undefined) return [];
  return entry instanceof Set ? [...entry] : [entry];
}

function checkPair(future: unknown, waiter: unknown, caller: string): void {
  if (!isInstance(future, Future)) {
    throw new TypeError(`${caller} expects a Future to await, got ${describeValue(future)}`);
  }
  if (!isInstance(waiter, Future)) {
    throw new TypeError(`${caller} expects the waiter to be a Future or Task, got ${describeValue(waiter)}`);
  }
}
