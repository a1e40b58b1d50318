/**
 * The unread bytes of a StreamReader: one growable array with a window
 * `[#start, #end)`, compacted in place when the free space at the front can
 * hold a new chunk, doubled otherwise. Appends are amortised O(1) and a read
 * copies only what it takes.
 *
 * Invariant: `#start <= #end <= #buf.length`; both are 0 when empty.
 *
 * @module
 */

const EMPTY = new Uint8Array(0);

/** @internal A FIFO of bytes. */
export class _ByteBuffer {
  #buf: Uint8Array = EMPTY;
  #start = 0;
  #end = 0;

  /** The count of unread bytes. */
  get size(): number {
    return this.#end - this.#start;
  }

  /** Appends a copy of `chunk`. */
  push(chunk: Uint8Array): void {
    const size = this.#end - this.#start;
    if (this.#end + chunk.length > this.#buf.length) {
      const need = size + chunk.length;
      if (need <= this.#buf.length >>> 1) {
        this.#buf.copyWithin(0, this.#start, this.#end);
      } else {
        const grown = new Uint8Array(Math.max(need, this.#buf.length * 2, 4096));
        grown.set(this.#buf.subarray(this.#start, this.#end));
        this.#buf = grown;
      }
      this.#start = 0;
      this.#end = size;
    }
    this.#buf.set(chunk, this.#end);
    this.#end += chunk.length;
  }

  /** Removes and returns (a copy of) the first `n` bytes; `n <= size`. */
  take(n: number): Uint8Array {
    const out = this.#buf.slice(this.#start, this.#start + n);
    this.#start += n;
    if (this.#start === this.#end) this.#start = this.#end = 0;
    return out;
  }

  /** Drops everything and the memory with it. */
  clear(): void {
    this.#buf = EMPTY;
    this.#start = this.#end = 0;
  }

  /** @returns The unread byte at `index` (from the first unread byte), or undefined past the end. */
  at(index: number): number | undefined {
    return index < this.size ? this.#buf[this.#start + index] : undefined;
  }

  /** @returns Where `sep` first starts at or after `offset` (from the first unread byte), or -1. */
  indexOf(sep: Uint8Array, offset: number): number {
    const buf = this.#buf;
    const last = this.#end - sep.length;
    const first = sep[0];
    for (let i = this.#start + offset; i <= last; i++) {
      i = buf.indexOf(first, i);
      if (i === -1 || i > last) return -1;
      let j = 1;
      while (j < sep.length && buf[i + j] === sep[j]) j++;
      if (j === sep.length) return i - this.#start;
    }
    return -1;
  }
}
