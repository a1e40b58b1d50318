/**
 * The loop's FIFO of ready work: `(fn, arg)` pairs in a chain of chunks.
 *
 * Every piece of ready work is a function and the one argument it is called
 * with, so a task wake-up or a done-callback costs two slots and no closure.
 * Public `callSoon` handles ride in the same queue as `(runEntry, handle)`.
 *
 * Why chunks rather than one growing ring: a million tasks started at once
 * queue a million first steps; a ring would copy itself at every doubling and
 * then keep its largest size forever. Chunks are never copied, stay below
 * V8's large-object size, and are released as the queue drains (one spare is
 * kept, so a queue that hovers around a chunk boundary does not churn).
 * Popping never shifts an array (`Array#shift` is O(n)). The first chunk is
 * small and each next one twice the last, up to the full size: most loops
 * never hold more than a few pairs, and a new loop is cheap (one full chunk
 * was 19 % of an empty `run()`).
 *
 * Invariants: pairs run from `#head[#headIndex]` to `#tail[#tailIndex]` (the
 * next free slot), following `next` links; `#length` counts them; an empty
 * queue has `#head === #tail` with both indices 0.
 *
 * @module
 */

/** A unit of ready work: called as `fn(arg)`. */
// deno-lint-ignore no-explicit-any -- each producer pairs a function with its own argument type
export type ReadyFn = (arg: any) => void;

/** Slots in a loop's first chunk (two per pair). */
const FIRST_CHUNK_SLOTS = 64;
/** The most slots a chunk has: 32 KiB, well under V8's large-object size. */
const CHUNK_SLOTS = 4096;

interface Chunk {
  slots: unknown[];
  next: Chunk | null;
}

function newChunk(size: number): Chunk {
  return { slots: new Array(size).fill(undefined), next: null };
}

/** A FIFO of `(fn, arg)` pairs. */
export class ReadyQueue {
  #head: Chunk = newChunk(FIRST_CHUNK_SLOTS);
  #headIndex = 0;
  #tail: Chunk = this.#head;
  #tailIndex = 0;
  #length = 0;
  #spare: Chunk | null = null;
  /** The argument of the pair most recently returned by {@linkcode pop}. */
  poppedArg: unknown = undefined;

  /** The number of pairs waiting. */
  get length(): number {
    return this.#length;
  }

  /** Appends `(fn, arg)`; O(1). */
  push(fn: ReadyFn, arg: unknown): void {
    if (this.#tailIndex === this.#tail.slots.length) {
      const size = Math.min(this.#tailIndex * 2, CHUNK_SLOTS);
      const spare = this.#spare;
      const chunk = spare !== null && spare.slots.length >= size ? spare : newChunk(size);
      this.#spare = null;
      this.#tail.next = chunk;
      this.#tail = chunk;
      this.#tailIndex = 0;
    }
    const slots = this.#tail.slots, i = this.#tailIndex;
    slots[i] = fn;
    slots[i + 1] = arg;
    this.#tailIndex = i + 2;
    this.#length++;
  }

  /**
   * Removes the oldest pair and returns its function; its argument is left in
   * {@linkcode poppedArg} (two return values without allocating). The caller
   * must check `length > 0` first.
   */
  pop(): ReadyFn {
    const chunk = this.#head, slots = chunk.slots, i = this.#headIndex;
    const fn = slots[i] as ReadyFn;
    this.poppedArg = slots[i + 1];
    slots[i] = undefined; // drop references so finished work can be collected
    slots[i + 1] = undefined;
    if (--this.#length === 0) {
      // Empty: start over at the front of this chunk, keeping it warm.
      this.#tail = chunk;
      chunk.next = null;
      this.#headIndex = this.#tailIndex = 0;
    } else if (i + 2 === slots.length) {
      this.#head = chunk.next as Chunk;
      this.#headIndex = 0;
      chunk.next = null;
      this.#spare = chunk;
    } else {
      this.#headIndex = i + 2;
    }
    return fn;
  }

  /**
   * Permutes the oldest `count` pairs (only those whose fn is `only`, when
   * given; the rest keep their places) with Fisher–Yates over `random`.
   * A seeded schedule's one entry point; FIFO loops never call it.
   */
  shuffleHead(count: number, only: ReadyFn | null, random: { next(): number }): void {
    const slots: [unknown[], number][] = []; // (chunk slots, index) of each eligible pair
    let chunk: Chunk = this.#head, i = this.#headIndex;
    for (let k = 0; k < count; k++) {
      if (i === chunk.slots.length) {
        chunk = chunk.next as Chunk;
        i = 0;
      }
      if (only === null || chunk.slots[i] === only) slots.push([chunk.slots, i]);
      i += 2;
    }
    for (let n = slots.length - 1; n > 0; n--) {
      const [a, ai] = slots[n], [b, bi] = slots[random.next() % (n + 1)];
      const fn = a[ai], arg = a[ai + 1];
      a[ai] = b[bi];
      a[ai + 1] = b[bi + 1];
      b[bi] = fn;
      b[bi + 1] = arg;
    }
  }

  /** Drops every pair (used by `close()`). */
  clear(): void {
    while (this.#length > 0) this.pop();
    this.#spare = null;
    this.poppedArg = undefined;
  }
}
