/**
 * What a task waits on, in words: the "waiting on" column of the task tree,
 * the task table, `DeadlockError` and `inspect(loop)` (`sleep until t=50`,
 * `Lock#1`, `Queue#2.get`, `task worker`, `a Promise`, `taskGroup exit`).
 *
 * Whatever a task can be suspended on may describe itself with a
 * `_waitLabel()` method: a sleep, a sync primitive's waiter, a gather. The
 * futures that combinators make only to wait on are {@linkcode LabelledFuture}s,
 * which carry a fixed label; anything else prints as itself.
 *
 * @module
 */

import type { EventLoop } from "./event_loop.ts";
import type { AwaitsChildren } from "./awaited_by.ts";
import { Future } from "./future.ts";
import { Task } from "./task.ts";

/** Something a task can wait on that says what it is, e.g. `Lock#1` or `sleep until t=50`. */
export interface WaitLabelled {
  /** @internal A short description, without angle brackets. */
  _waitLabel(): string;
}

/** What a combinator's wait is about: it labels the wait and may name the futures behind it. */
export type WaitSubject = WaitLabelled & Partial<AwaitsChildren>;

/**
 * @internal A future that exists only to be waited on, labelled with what the
 * wait is for (`taskGroup exit`, `a Promise`), or by a subject that formats
 * its label only when asked (`shield of task fetch`) and names the futures
 * a task waiting here awaits. It behaves and prints as a plain future; only
 * the task tree, the table and `inspect()` read the label.
 */
export class LabelledFuture<T> extends Future<T> implements WaitLabelled, AwaitsChildren {
  /** A fixed label, or the subject that makes one: no string is built per wait that nobody reads. */
  #label: string | WaitSubject;

  /**
   * @param loop The loop the future belongs to.
   * @param label What waiting on it means.
   */
  constructor(loop: EventLoop, label: string | WaitSubject) {
    super({ loop });
    this.#label = label;
  }

  /** @internal */
  _waitLabel(): string {
    const label = this.#label;
    return typeof label === "string" ? label : label._waitLabel();
  }

  /** @internal */
  _awaitedChildren(): Iterable<Future<unknown>> {
    const label = this.#label;
    return typeof label === "string" || label._awaitedChildren === undefined ? [] : label._awaitedChildren();
  }
}

/** @internal Describes what a task waits on (its `_waitingOn()`), or `null` for nothing. */
export function _describeWait(awaited: unknown): string | null {
  if (awaited === null || awaited === undefined) return null;
  if (awaited instanceof Task) return `task ${awaited.getLoop()._taskLabel(awaited)}`;
  const label = (awaited as Partial<WaitLabelled>)._waitLabel;
  if (typeof label === "function") return label.call(awaited);
  return String(awaited);
}
