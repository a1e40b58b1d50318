/**
 * The unread bytes of a StreamReader: a FIFO of the chunks as the host
 * delivered them, never copied on the way in. A take that fits in the first
 * chunk returns a view of it (a whole chunk is returned as it is); only a
 * take across chunks copies, once, into a new array. Copying everything
 * into one contiguous buffer instead cost a second copy of every byte and a
 * fresh allocation per read: measured on 64 KB echoes in Deno, a third of
 * the CPU time went to `slice` and its page faults.
 *
 * Searching for a one-byte separator (`\n`) runs `indexOf` chunk by chunk;
 * a longer one first joins the chunks it must look across into one.
 *
 * Invariants: the chunks are `#chunks[#head ..]`, none empty; `#size` is the
 * sum of their lengths; the array is trimmed whenever it empties.
 *
 * @module
 */

const EMPTY = new Uint8Array(0);

/** @internal A FIFO of bytes kept as the chunks they arrived in. */
export class _ByteBuffer {
  #chunks: Uint8Array[] = [];
  #head = 0;
  #size = 0;

  /** The count of unread bytes. */
  get size(): number {
    return this.#size;
  }

  /** Appends `chunk`, which the buffer now owns: the caller must not write to it again. */
  push(chunk: Uint8Array): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
  }

  /** Removes and returns the first `n` bytes (`n <= size`): a view when they lie in one chunk, else a copy. */
  take(n: number): Uint8Array {
    if (n === 0) return EMPTY;
    const first = this.#chunks[this.#head];
    let out: Uint8Array;
    if (first.length >= n) {
      out = first.length === n ? first : first.subarray(0, n);
      this.#drop(n);
    } else {
      out = new Uint8Array(n);
      for (let at = 0; at < n;) {
        const chunk = this.#chunks[this.#head];
        const part = Math.min(chunk.length, n - at);
        out.set(part === chunk.length ? chunk : chunk.subarray(0, part), at);
        at += part;
        this.#drop(part);
      }
    }
    return out;
  }

  /** Drops everything. */
  clear(): void {
    this.#chunks = [];
    this.#head = 0;
    this.#size = 0;
  }

  /** @returns The unread byte at `index` (from the first unread byte), or undefined past the end. */
  at(index: number): number | undefined {
    if (index >= this.#size) return undefined;
    for (let i = this.#head;; i++) {
      const chunk = this.#chunks[i];
      if (index < chunk.length) return chunk[index];
      index -= chunk.length;
    }
  }

  /** @returns Where `sep` first starts at or after `offset` (from the first unread byte), or -1. */
  indexOf(sep: Uint8Array, offset: number): number {
    if (sep.length > 1 && this.#chunks.length - this.#head > 1) this.#join();
    let base = 0;
    for (let i = this.#head; i < this.#chunks.length; i++) {
      const chunk = this.#chunks[i];
      if (offset < base + chunk.length) {
        const found = sep.length === 1
          ? chunk.indexOf(sep[0], Math.max(0, offset - base))
          : indexOfSequence(chunk, sep, Math.max(0, offset - base));
        if (found !== -1) return base + found;
      }
      base += chunk.length;
    }
    return -1;
  }

  /** Removes `n` bytes from the first chunk (`n <= its length`). */
  #drop(n: number): void {
    const first = this.#chunks[this.#head];
    this.#size -= n;
    if (n < first.length) {
      this.#chunks[this.#head] = first.subarray(n);
      return;
    }
    this.#chunks[this.#head++] = EMPTY;
    if (this.#head === this.#chunks.length) {
      this.#chunks.length = 0;
      this.#head = 0;
    } else if (this.#head >= 1024 && this.#head * 2 >= this.#chunks.length) {
      // Amortised O(1): at most every other take pays for the chunks it already consumed.
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Joins every chunk into one, so a multi-byte separator can be found across chunk boundaries. */
  #join(): void {
    const joined = new Uint8Array(this.#size);
    let at = 0;
    for (let i = this.#head; i < this.#chunks.length; i++) {
      joined.set(this.#chunks[i], at);
      at += this.#chunks[i].length;
    }
    this.#chunks = [joined];
    this.#head = 0;
  }
}

function indexOfSequence(chunk: Uint8Array, sep: Uint8Array, from: number): number {
  const last = chunk.length - sep.length;
  for (let i = from; i <= last; i++) {
    i = chunk.indexOf(sep[0], i);
    if (i === -1 || i > last) return -1;
    let j = 1;
    while (j < sep.length && chunk[i + j] === sep[j]) j++;
    if (j === sep.length) return i;
  }
  return -1;
}
