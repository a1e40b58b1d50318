/**
 * The blocking adapter: `Atomics.wait` on a shared `Int32Array` cell.
 *
 * Allowed on the Node and Deno main threads and in any dedicated worker; a
 * browser window's main thread refuses to block (`Atomics.wait` throws
 * `TypeError` there), which the probe detects without sleeping.
 *
 * The cell holds a wake-up counter. The loop reads it (`snapshot`), looks for
 * work one last time, then waits *on that value*: a `wake()` from any thread
 * in between changes the counter and the wait returns `"not-equal"` at once.
 * `Atomics.notify` with no waiter costs nothing.
 *
 * While blocked the thread runs nothing else: no host timers, no promise
 * reactions, no messages. Only the loop's own timers and other threads can
 * produce work for it.
 *
 * @module
 */

import { CannotBlockError } from "../../errors.ts";
import { type BlockingIdleAdapter, MAX_WAIT_MS, type WakeHandle } from "./adapter.ts";

/** A one-cell shared `Int32Array`, also where `SharedArrayBuffer` is hidden. */
export function sharedCell(): Int32Array {
  // Without cross-origin isolation the SharedArrayBuffer constructor is hidden,
  // but shared WebAssembly memory still yields one.
  const buffer = typeof SharedArrayBuffer === "function"
    ? new SharedArrayBuffer(4)
    : new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer;
  return new Int32Array(buffer, 0, 1);
}

/**
 * Probes whether this thread may block, without sleeping: waiting for a value
 * the cell does not hold returns `"not-equal"` where blocking is allowed and
 * throws `TypeError` where it is not (the check precedes the comparison).
 *
 * @returns `null` when this thread may block, else the reason it may not.
 */
export function blockingRefusal(): string | null {
  try {
    return Atomics.wait(sharedCell(), 0, 1, 0) === "not-equal"
      ? null
      : 'the Atomics.wait probe did not answer "not-equal"';
  } catch (e) {
    if (e instanceof TypeError) return `Atomics.wait throws here (${e.message})`;
    throw e;
  }
}

/**
 * Waits by blocking the thread on a shared cell; woken by `wake()` from this or
 * any other thread that holds the cell.
 *
 * @example A blocking loop sleeps for real, then wakes for its timer
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { AtomicsIdle, EventLoop, sleep } from "yieldio";
 * const loop = new EventLoop({ idle: new AtomicsIdle() }); // not on a browser page's main thread
 * assertEquals(loop.runUntilCompleteSync(sleep(2, "woke")), "woke");
 * loop.close();
 * ```
 */
export class AtomicsIdle implements BlockingIdleAdapter {
  /** A blocking adapter: for `runSync` and the other `…Sync` drivers. */
  readonly kind = "blocking";
  #cell: Int32Array;

  /**
   * An adapter that blocks on `cell`: whoever holds the cell can wake it
   * (see {@linkcode wakeHandle}).
   *
   * @param cell The shared cell to wait on (default: a new one).
   * @throws {CannotBlockError} On a thread that may not block.
   */
  constructor(cell: Int32Array = sharedCell()) {
    const refusal = blockingRefusal();
    if (refusal !== null) {
      throw new CannotBlockError(
        `this thread cannot block: ${refusal}. A browser window's main thread never may; ` +
          `use the host-driven run()/runForever() there, or run the blocking loop in a Worker`,
      );
    }
    this.#cell = cell;
  }

  snapshot(): number {
    return Atomics.load(this.#cell, 0);
  }

  wait(timeoutMs: number | null, snapshot: number): void {
    Atomics.wait(this.#cell, 0, snapshot, timeoutMs === null ? Infinity : Math.min(timeoutMs, MAX_WAIT_MS));
  }

  wake(): void {
    Atomics.add(this.#cell, 0, 1);
    Atomics.notify(this.#cell, 0);
  }

  /**
   * What another thread needs to wake this adapter (`BlockingIdleAdapter.wakeHandle`).
   * @returns The cell for other threads, or null where shared memory cannot be posted (no isolation).
   */
  wakeHandle(): WakeHandle | null {
    // Shared WebAssembly memory stands in where the constructor is hidden, but
    // such a page may not post it to a worker either.
    return typeof SharedArrayBuffer === "function" ? { cell: this.#cell, index: 0 } : null;
  }

  close(): void {}
}
