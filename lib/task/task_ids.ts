/**
 * Per-loop task ids: 1, 2, … in creation order on one loop, whatever other
 * loops in the thread do — so equal programs give equal ids and names in a
 * loop's views (tree, table, `inspect()`), while `getName()` keeps asyncio's
 * thread-wide `Task-N`.
 *
 * Tasks are numbered thread-wide at creation; a loop keeps runs of
 * consecutive numbers as flat pairs (first number, its id). There is one run
 * unless loops interleave task creation, so recording costs a comparison
 * per task and an id is a binary search over a handful of runs.
 *
 * @module
 */

/** @internal The ids of one loop's tasks. */
export class TaskIds {
  /** Invariant: (first thread-wide number, its id) pairs, both ascending. */
  #runs: number[] = [];
  /** Invariant: tasks recorded so far, and the thread-wide number of the last (0 before the first). */
  #made = 0;
  #last = 0;

  /** Records the loop's next task, by its thread-wide number. */
  started(number: number): void {
    if (number !== this.#last + 1 || this.#made === 0) this.#runs.push(number, this.#made + 1);
    this.#last = number;
    this.#made++;
  }

  /** @returns The per-loop id of the task with this thread-wide number. */
  idOf(number: number): number {
    const runs = this.#runs;
    let low = 0, high = runs.length / 2 - 1; // the last run whose first number is ≤ number
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (runs[2 * middle] <= number) low = middle;
      else high = middle - 1;
    }
    return runs[2 * low + 1] + number - runs[2 * low];
  }
}
