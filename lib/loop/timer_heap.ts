/**
 * The loop's timers: a binary min-heap ordered by `(when, seq)`.
 *
 * `seq` is a counter the loop assigns when a timer is scheduled, so timers
 * with equal deadlines run in the order they were scheduled (libuv's
 * `start_id`; CPython leaves that order undefined). Keys live in parallel
 * `Float64Array`s beside the entry array, so sifting compares numbers in flat
 * memory and never touches the entry objects.
 *
 * Cancelled timers are deleted lazily, as asyncio does: cancelling costs O(1)
 * (the entry says it is cancelled; the owner tells the heap with
 * {@linkcode TimerHeap.noteCancelled}) and {@linkcode TimerHeap.dropCancelled}
 * either pops cancelled entries off the top or, once more than half of a big
 * heap is dead, rebuilds it in O(n). Each cancelled entry is touched a bounded
 * number of times, so schedule + cancel stays O(1) amortised (O(log n) for a
 * pop of the top).
 *
 * Invariants: `#cancelled` counts entries in the heap whose `cancelled()` is
 * true; an entry's `_inHeap` is true exactly while it is in the heap.
 *
 * @module
 */

/**
 * What the heap holds: a `TimerHandle`, or a task-layer timer such as the one
 * behind `sleep()`. When due, the loop queues it as ready work that calls
 * `_run()`. `TimerHandle` fits by shape, with no `implements` clause, so that
 * no public class names this internal type; `tests/types/roles.test.ts` holds
 * it to it.
 */
export interface TimerEntry {
  /** True once cancelled; the heap drops such entries lazily. */
  cancelled(): boolean;
  /** @internal Runs the timer's work; called from the ready queue when due. */
  _run(): void;
  /** @internal Maintained by the heap: true while the entry is in it. */
  _inHeap: boolean;
}

/** asyncio's `_MIN_SCHEDULED_TIMER_HANDLES`: below this size, never rebuild. */
const MIN_SIZE_TO_COMPACT = 100;
/** asyncio's `_MIN_CANCELLED_TIMER_HANDLES_FRACTION`: rebuild past this dead share. */
const CANCELLED_FRACTION_TO_COMPACT = 0.5;
/** The first storage a heap allocates, at its first push: a loop that arms no timer allocates none. */
const INITIAL_CAPACITY = 64;
const NO_KEYS = new Float64Array(0);

/** A min-heap of timer entries keyed by `(when, seq)`. */
export class TimerHeap<E extends TimerEntry> {
  #when = NO_KEYS;
  #seq = NO_KEYS;
  #entries: (E | undefined)[] = [];
  #size = 0;
  #cancelled = 0;

  /** The number of entries, cancelled ones included. */
  get size(): number {
    return this.#size;
  }

  /** The number of cancelled entries still in the heap. */
  get cancelledCount(): number {
    return this.#cancelled;
  }

  /** The earliest deadline, or `Infinity` when empty. */
  peekWhen(): number {
    return this.#size === 0 ? Infinity : this.#when[0];
  }

  /** Adds `entry` due at `when`; ties are broken by ascending `seq`. */
  push(when: number, seq: number, entry: E): void {
    if (this.#size === this.#entries.length) this.#grow();
    entry._inHeap = true;
    this.#siftUp(this.#size++, when, seq, entry);
  }

  /** Removes and returns the earliest entry; the caller checks `size > 0`. */
  pop(): E {
    const top = this.#entries[0] as E;
    top._inHeap = false;
    if (top.cancelled()) this.#cancelled--;
    const last = --this.#size;
    if (last > 0) {
      this.#siftDown(0, this.#when[last], this.#seq[last], this.#entries[last] as E);
    }
    this.#entries[last] = undefined;
    return top;
  }

  /** Records that an entry in the heap was cancelled. */
  noteCancelled(): void {
    this.#cancelled++;
  }

  /**
   * Phase 1 of an iteration: rebuild when most of a big heap is cancelled,
   * otherwise pop cancelled entries off the top so `peekWhen()` is live.
   */
  dropCancelled(): void {
    if (
      this.#size > MIN_SIZE_TO_COMPACT &&
      this.#cancelled > this.#size * CANCELLED_FRACTION_TO_COMPACT
    ) {
      this.#compact();
      return;
    }
    while (this.#size > 0 && (this.#entries[0] as E).cancelled()) this.pop();
  }

  /** @returns The entries not cancelled, in `(when, seq)` order: O(n log n), for reports only. */
  live(): E[] {
    const order: number[] = [];
    for (let i = 0; i < this.#size; i++) if (!(this.#entries[i] as E).cancelled()) order.push(i);
    const when = this.#when, seq = this.#seq;
    order.sort((a, b) => when[a] - when[b] || seq[a] - seq[b]);
    return order.map((i) => this.#entries[i] as E);
  }

  /** Removes every entry (used by `close()`). */
  clear(): void {
    for (let i = 0; i < this.#size; i++) (this.#entries[i] as E)._inHeap = false;
    this.#when = this.#seq = NO_KEYS;
    this.#entries = [];
    this.#size = 0;
    this.#cancelled = 0;
  }

  /** Keeps the live entries and re-heapifies them bottom-up: O(n). */
  #compact(): void {
    const when = this.#when, seq = this.#seq, entries = this.#entries;
    let live = 0;
    for (let i = 0; i < this.#size; i++) {
      const entry = entries[i] as E;
      if (entry.cancelled()) {
        entry._inHeap = false;
        continue;
      }
      when[live] = when[i];
      seq[live] = seq[i];
      entries[live++] = entry;
    }
    entries.fill(undefined, live, this.#size);
    this.#size = live;
    this.#cancelled = 0;
    for (let i = (live >> 1) - 1; i >= 0; i--) {
      this.#siftDown(i, when[i], seq[i], entries[i] as E);
    }
  }

  /** Places `(w, s, entry)` at or above hole `i`. */
  #siftUp(i: number, w: number, s: number, entry: E): void {
    const when = this.#when, seq = this.#seq, entries = this.#entries;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pw = when[parent];
      if (pw < w || (pw === w && seq[parent] < s)) break;
      when[i] = pw;
      seq[i] = seq[parent];
      entries[i] = entries[parent];
      i = parent;
    }
    when[i] = w;
    seq[i] = s;
    entries[i] = entry;
  }

  /** Places `(w, s, entry)` at or below hole `i`. */
  #siftDown(i: number, w: number, s: number, entry: E): void {
    const when = this.#when, seq = this.#seq, entries = this.#entries;
    const size = this.#size;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      const right = child + 1;
      if (
        right < size &&
        (when[right] < when[child] || (when[right] === when[child] && seq[right] < seq[child]))
      ) child = right;
      const cw = when[child];
      if (w < cw || (w === cw && s < seq[child])) break;
      when[i] = cw;
      seq[i] = seq[child];
      entries[i] = entries[child];
      i = child;
    }
    when[i] = w;
    seq[i] = s;
    entries[i] = entry;
  }

  #grow(): void {
    const capacity = Math.max(INITIAL_CAPACITY, this.#entries.length * 2);
    const when = new Float64Array(capacity);
    const seq = new Float64Array(capacity);
    when.set(this.#when);
    seq.set(this.#seq);
    this.#when = when;
    this.#seq = seq;
    this.#entries.length = capacity;
    this.#entries.fill(undefined, this.#size);
  }
}
