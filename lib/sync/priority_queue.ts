/**
 * PriorityQueue: a {@linkcode Queue} that hands out the smallest item first
 * (asyncio.PriorityQueue), kept in a binary min-heap.
 *
 * The default order is Python's for the values JavaScript can compare the
 * same way: numbers (and bigints) by value, strings by `<`, and arrays
 * element by element, a shorter prefix first — like tuples, so
 * `[priority, ...rest]` entries work as in asyncio. As in Python, comparing
 * anything else (or a number with a string) is a `TypeError`, raised by the
 * `put` or `get` that compares it (the queue is left as it was). Ties fall
 * through to the next element, so entries whose priorities tie need a
 * tie-breaker (`[priority, sequence, item]`) or a compare function. Equal
 * items come out in no particular order.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { Queue } from "./queue.ts";

/**
 * A queue that hands out the smallest item first.
 *
 * @example Tasks by priority, Python-style tuples
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { PriorityQueue } from "yieldio";
 * const q = new PriorityQueue<[number, string]>();
 * q.putNowait([2, "write docs"]);
 * q.putNowait([1, "fix bug"]);
 * q.putNowait([3, "refactor"]);
 * assertEquals(q.getNowait(), [1, "fix bug"]);
 * assertEquals(q.getNowait(), [2, "write docs"]);
 * ```
 *
 * @example A compare function instead
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { PriorityQueue } from "yieldio";
 * const byDeadline = new PriorityQueue<{ due: number }>(0, (a, b) => a.due - b.due);
 * byDeadline.putNowait({ due: 30 });
 * byDeadline.putNowait({ due: 10 });
 * assertEquals(byDeadline.getNowait(), { due: 10 });
 * ```
 */
export class PriorityQueue<T> extends Queue<T> {
  /** Invariant: a binary min-heap under `#compare`: no item is smaller than its parent. */
  #heap: T[] = [];
  #compare: (a: T, b: T) => number;

  /**
   * A queue that hands out its smallest item first (asyncio's
   * `PriorityQueue(maxsize=0)`), smallest by `compare`.
   *
   * @param maxsize The most items the queue holds; 0 (the default) or less: no limit.
   * @param compare Orders two items: negative when `a` comes first, positive
   *   when `b` does. Default: Python's order for numbers, strings and arrays of them.
   * @throws {TypeError} When `maxsize` is not a number, or `compare` is given and not a function.
   * @throws {RangeError} When `maxsize` is NaN.
   */
  constructor(maxsize = 0, compare?: (a: T, b: T) => number) {
    super(maxsize);
    if (compare !== undefined && typeof compare !== "function") {
      throw new TypeError(`new PriorityQueue() expects a compare function or nothing, got ${describeValue(compare)}`);
    }
    this.#compare = compare ?? pythonOrder;
  }

  /** @internal */
  override _name(): string {
    return "PriorityQueue";
  }

  /**
   * @internal Adds an item. The place is found before anything moves, so a
   * compare that throws leaves the heap as it was.
   */
  override _put(item: T): void {
    const heap = this.#heap, compare = this.#compare;
    let place = heap.length;
    while (place > 0) {
      const parent = (place - 1) >> 1;
      if (compare(item, heap[parent]) >= 0) break;
      place = parent;
    }
    heap.push(item);
    for (let i = heap.length - 1; i > place;) {
      const parent = (i - 1) >> 1;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[place] = item;
  }

  /**
   * @internal Removes the smallest item; the last leaf takes its place and
   * sinks. The path is found before anything moves, so a compare that throws
   * leaves the heap as it was.
   */
  override _get(): T {
    const heap = this.#heap, compare = this.#compare;
    const n = heap.length - 1, last = heap[n];
    const path: number[] = [];
    for (let i = 0;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && compare(heap[child + 1], heap[child]) < 0) child++;
      if (compare(heap[child], last) >= 0) break;
      path.push(child);
      i = child;
    }
    const top = heap[0];
    let hole = 0;
    for (const child of path) {
      heap[hole] = heap[child];
      hole = child;
    }
    heap[hole] = last;
    heap.pop();
    return top;
  }

  /** @internal */
  override _qsize(): number {
    return this.#heap.length;
  }
}

/** Python's `<` for numbers, bigints, strings and (nested) arrays of them; TypeError for the rest. */
function pythonOrder(a: unknown, b: unknown): number {
  const kindA = kindOf(a), kindB = kindOf(b);
  if (kindA !== kindB || kindA === "other") {
    throw new TypeError(
      `PriorityQueue cannot order ${describeValue(a)} and ${describeValue(b)}: the default order compares ` +
        "numbers, strings and arrays of them, each with its own kind; pass a compare function to new PriorityQueue()",
    );
  }
  if (kindA === "array") {
    const x = a as unknown[], y = b as unknown[];
    const n = Math.min(x.length, y.length);
    for (let i = 0; i < n; i++) {
      const order = pythonOrder(x[i], y[i]);
      if (order !== 0) return order;
    }
    return x.length - y.length;
  }
  const x = a as number | string, y = b as number | string;
  return x < y ? -1 : x > y ? 1 : 0;
}

function kindOf(value: unknown): "number" | "string" | "array" | "other" {
  switch (typeof value) {
    case "number":
    case "bigint":
      return "number";
    case "string":
      return "string";
  }
  try {
    return Array.isArray(value) ? "array" : "other";
  } catch {
    return "other"; // a revoked Proxy: the TypeError above names it instead
  }
}
