/**
 * The inbox: where work from other threads enters a loop that cannot receive
 * host messages because it blocks its thread (`runSync`).
 *
 * Another thread cannot call into this one; it can only leave data where this
 * thread can read it synchronously (a `MessagePort` read with
 * `receiveMessageOnPort`, a shared-memory mailbox) and then wake the loop by
 * bumping its wake-up counter (`WakeHandle`). Each such place registers as a
 * source; the blocking driver drains the sources whenever the counter moved —
 * in phase 3 right after it reads the counter and before its last look for
 * work (so a wake-up in between is never lost), and between iterations when it
 * never gets to wait. A drain hands what it found to `callSoonThreadsafe`.
 *
 * Host-driven loops receive the same data as host messages instead; for them
 * the inbox only closes its sources when the loop closes (workers, ports).
 *
 * @module
 */

/** A place other threads leave work in; see the module doc. */
export interface InboxSource {
  /** Takes everything available now, synchronously, and schedules it on the loop. */
  drain(): void;
  /** The loop is closing: release threads, ports and memory. */
  close(): void;
}

/** @internal A loop's sources, and the counter value they were last drained at. */
export class Inbox {
  #sources: InboxSource[] = [];
  /** Invariant: the wake-up counter when the sources were last drained; NaN before the first drain. */
  #drainedAt = NaN;

  /** Adds a source (once). */
  add(source: InboxSource): void {
    if (!this.#sources.includes(source)) this.#sources = [...this.#sources, source];
    this.#drainedAt = NaN; // it may already hold data
  }

  /** Removes a source; it is not closed. */
  remove(source: InboxSource): void {
    this.#sources = this.#sources.filter((s) => s !== source);
  }

  /**
   * Drains every source unless the wake-up counter still reads what it read at
   * the last drain: every sender bumps it after leaving data, so an unchanged
   * counter means nothing new (one atomic load per iteration otherwise).
   */
  poll(counter: number): void {
    if (counter === this.#drainedAt) return;
    this.#drainedAt = counter;
    const sources = this.#sources; // replaced, never mutated: a drain may add or remove sources
    for (let i = 0; i < sources.length; i++) sources[i].drain();
  }

  /**
   * Closes every source, last added first, and forgets them.
   * @throws The first error a source threw, once every source was closed:
   *   one failure must not leave other sources' workers running.
   */
  close(): void {
    const sources = this.#sources;
    this.#sources = [];
    let failed: { error: unknown } | null = null;
    for (let i = sources.length - 1; i >= 0; i--) {
      try {
        sources[i].close();
      } catch (error) {
        failed ??= { error };
      }
    }
    if (failed !== null) throw failed.error;
  }
}
