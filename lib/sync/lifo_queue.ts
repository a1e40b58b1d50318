/**
 * LifoQueue: a {@linkcode Queue} that hands out the most recently added
 * item first (asyncio.LifoQueue) — a stack with the queue's waiting,
 * `taskDone`/`join` and `shutdown`.
 *
 * @module
 */

import { Queue } from "./queue.ts";

/**
 * A last-in, first-out queue.
 *
 * @example The newest item comes out first
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { LifoQueue } from "yieldio";
 * const stack = new LifoQueue<number>();
 * for (const n of [1, 3, 2]) stack.putNowait(n);
 * assertEquals([stack.getNowait(), stack.getNowait(), stack.getNowait()], [2, 3, 1]);
 * ```
 */
export class LifoQueue<T> extends Queue<T> {
  #items: T[] = [];

  /** @internal */
  override _name(): string {
    return "LifoQueue";
  }

  /** @internal Stores an item on top. */
  override _put(item: T): void {
    this.#items.push(item);
  }

  /** @internal Removes and returns the top item. */
  override _get(): T {
    return this.#items.pop() as T;
  }

  /** @internal */
  override _qsize(): number {
    return this.#items.length;
  }
}
