/**
 * A single-producer, single-consumer byte ring in shared memory: how a
 * browser worker blocked in `Atomics.wait` receives messages (browsers have
 * no synchronous port read). Records are a 4-byte length and the bytes.
 *
 * The write and read counters run freely and wrap with Int32 arithmetic; the
 * capacity is a power of two, so `counter & (capacity - 1)` is the offset.
 * The producer writes the record, then publishes it by storing the write
 * counter (`Atomics.store`, sequentially consistent), so the consumer never
 * sees a half-written record; the consumer frees space the same way.
 *
 * @module
 */

const WRITE = 0, READ = 1, WANT_SPACE = 2;
const HEADER_BYTES = 16;

/** One end's view of a mailbox. */
export class Mailbox {
  readonly buffer: SharedArrayBuffer;
  #header: Int32Array;
  #data: Uint8Array;
  #mask: number;

  /**
   * @param buffer An existing mailbox's memory, or a capacity in bytes (a
   *   power of two) for a new one.
   */
  constructor(buffer: SharedArrayBuffer | number) {
    this.buffer = typeof buffer === "number" ? new SharedArrayBuffer(HEADER_BYTES + buffer) : buffer;
    this.#header = new Int32Array(this.buffer, 0, HEADER_BYTES / 4);
    this.#data = new Uint8Array(this.buffer, HEADER_BYTES);
    this.#mask = this.#data.length - 1;
  }

  /** @returns The most payload bytes one record can hold. */
  get maxRecord(): number {
    return this.#data.length - 4;
  }

  /**
   * Producer: appends one record.
   * @returns false when it does not fit now (the consumer has not freed enough).
   */
  write(bytes: Uint8Array): boolean {
    const header = this.#header;
    const write = Atomics.load(header, WRITE);
    const used = (write - Atomics.load(header, READ)) | 0;
    if (4 + bytes.length > this.#data.length - used) return false;
    const length = new Uint8Array(4);
    new DataView(length.buffer).setUint32(0, bytes.length, true);
    this.#copyIn(write, length);
    this.#copyIn((write + 4) | 0, bytes);
    Atomics.store(header, WRITE, (write + 4 + bytes.length) | 0); // publishes the record
    return true;
  }

  /** Producer: asks the consumer to say when it has freed space. */
  wantSpace(): void {
    Atomics.store(this.#header, WANT_SPACE, 1);
  }

  /** Consumer: whether the producer asked about space since the last call (clears the request). */
  spaceWanted(): boolean {
    return Atomics.exchange(this.#header, WANT_SPACE, 0) === 1;
  }

  /** Consumer: takes every published record, in order. */
  readAll(): Uint8Array[] {
    const header = this.#header;
    const write = Atomics.load(header, WRITE);
    let read = Atomics.load(header, READ);
    const records: Uint8Array[] = [];
    while (read !== write) {
      const length = new DataView(this.#copyOut(read, 4).buffer).getUint32(0, true);
      records.push(this.#copyOut((read + 4) | 0, length));
      read = (read + 4 + length) | 0;
    }
    Atomics.store(header, READ, read); // frees the space
    return records;
  }

  #copyIn(counter: number, bytes: Uint8Array): void {
    const at = counter & this.#mask;
    const first = Math.min(bytes.length, this.#data.length - at);
    this.#data.set(bytes.subarray(0, first), at);
    if (first < bytes.length) this.#data.set(bytes.subarray(first), 0);
  }

  /** @returns A copy in unshared memory (text decoders refuse shared views). */
  #copyOut(counter: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    const at = counter & this.#mask;
    const first = Math.min(length, this.#data.length - at);
    out.set(this.#data.subarray(at, at + first), 0);
    if (first < length) out.set(this.#data.subarray(0, length - first), first);
    return out;
  }
}
