/**
 * The loop's FIFO of ready work: a ring buffer of `(fn, arg)` pairs.
 *
 * Every piece of ready work is a function and the one argument it is called
 * with, so a task wake-up or a done-callback costs two array slots and no
 * closure. Public `callSoon` handles ride in the same queue as
 * `(runHandle, handle)`.
 *
 * Invariants: `#slots.length` is a power of two and at least 2 × the number of
 * pairs; pair *i* (0 = oldest) lives at `(#head + 2i) & #mask`. Popping never
 * shifts an array (`Array#shift` is O(n)); growing doubles and unrolls once.
 *
 * @module
 */

/** A unit of ready work: called as `fn(arg)`. */
// deno-lint-ignore no-explicit-any -- each producer pairs a function with its own argument type
export type ReadyFn = (arg: any) => void;

const INITIAL_SLOTS = 64;

/** A ring-buffer FIFO of `(fn, arg)` pairs. */
export class ReadyQueue {
  #slots: unknown[] = new Array(INITIAL_SLOTS).fill(undefined);
  #mask = INITIAL_SLOTS - 1;
  #head = 0;
  #length = 0;
  /** The argument of the pair most recently returned by {@linkcode pop}. */
  poppedArg: unknown = undefined;

  /** The number of pairs waiting. */
  get length(): number {
    return this.#length;
  }

  /** Appends `(fn, arg)`; O(1) amortised. */
  push(fn: ReadyFn, arg: unknown): void {
    if ((this.#length << 1) === this.#slots.length) this.#grow();
    const i = (this.#head + (this.#length << 1)) & this.#mask;
    this.#slots[i] = fn;
    this.#slots[i + 1] = arg;
    this.#length++;
  }

  /**
   * Removes the oldest pair and returns its function; its argument is left in
   * {@linkcode poppedArg} (two return values without allocating). The caller
   * must check `length > 0` first.
   */
  pop(): ReadyFn {
    const slots = this.#slots;
    const i = this.#head;
    const fn = slots[i] as ReadyFn;
    this.poppedArg = slots[i + 1];
    slots[i] = undefined; // drop references so finished work can be collected
    slots[i + 1] = undefined;
    this.#head = (i + 2) & this.#mask;
    this.#length--;
    return fn;
  }

  /** Drops every pair (used by `close()`). */
  clear(): void {
    this.#slots = new Array(INITIAL_SLOTS).fill(undefined);
    this.#mask = INITIAL_SLOTS - 1;
    this.#head = 0;
    this.#length = 0;
    this.poppedArg = undefined;
  }

  #grow(): void {
    const old = this.#slots;
    const slots = new Array(old.length * 2).fill(undefined);
    for (let k = 0, n = this.#length << 1; k < n; k++) {
      slots[k] = old[(this.#head + k) & this.#mask];
    }
    this.#slots = slots;
    this.#mask = slots.length - 1;
    this.#head = 0;
  }
}
