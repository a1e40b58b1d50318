/**
 * What a task waits on, in words: the "waiting on" column of the task tree,
 * the task table, `DeadlockError` and `loop.inspect()` (`sleep until t=50`,
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
import { Future } from "./future.ts";
import { Task } from "./task.ts";

/** Something a task can wait on that says what it is, e.g. `Lock#1` or `sleep until t=50`. */
export interface WaitLabelled {
  /** @internal A short description, without angle brackets. */
  _waitLabel(): string;
}

/**
 * @internal A future that exists only to be waited on, labelled with what the
 * wait is for (`taskGroup exit`, `a Promise`). It behaves and prints as a
 * plain future; only the task tree reads the label.
 */
export class LabelledFuture<T> extends Future<T> implements WaitLabelled {
  #label: string;

  /**
   * @param loop The loop the future belongs to.
   * @param label What waiting on it means.
   */
  constructor(loop: EventLoop, label: string) {
    super({ loop });
    this.#label = label;
  }

  /** @internal */
  _waitLabel(): string {
    return this.#label;
  }
}

/** @internal Describes what a task waits on (its `_waitingOn()`), or `null` for nothing. */
export function _describeWait(awaited: unknown): string | null {
  if (awaited === null || awaited === undefined) return null;
  if (awaited instanceof Task) return `task ${awaited.getName()}`;
  const label = (awaited as Partial<WaitLabelled>)._waitLabel;
  if (typeof label === "function") return label.call(awaited);
  return String(awaited);
}
