/**
 * The contract between a loop and the host it waits on.
 *
 * The loop core computes *how long* it may wait — 0 when work is ready, the
 * time to the next deadline, or `null` when nothing is scheduled — and an
 * idle adapter decides *how*: by returning to the host and asking it for a
 * later callback (host-driven drivers: `run`, `runForever`,
 * `runUntilComplete`), or by blocking the thread (`runSync` and friends).
 * Trio splits its core from its I/O wait the same way.
 *
 * Timeouts are milliseconds on the host's clock. A host may fire early
 * (Node's timers can be up to 1 ms early): a host adapter then waits for the
 * remainder, and the loop re-checks its deadlines on every wake-up anyway.
 *
 * @module
 */

/**
 * The longest single wait, 24 h (asyncio's and Trio's cap). A longer timeout
 * is waited in 24 h steps; this also keeps `setTimeout` below its 2^31 − 1 ms
 * overflow.
 */
export const MAX_WAIT_MS = 24 * 60 * 60 * 1000;

/** An adapter that waits by returning to the host's own event loop. */
export interface HostIdleAdapter {
  /** Which drivers may use it: `"host"` adapters serve `run`, `runForever` and `runUntilComplete`. */
  readonly kind: "host";
  /**
   * Arranges one call of `resume`, replacing any earlier arrangement:
   * `timeoutMs <= 0` as soon as the host allows (a macrotask, never a
   * microtask); `timeoutMs > 0` at or after that delay; `null` only after
   * {@linkcode wake}. Returns at once; never calls `resume` synchronously.
   */
  schedule(timeoutMs: number | null, resume: () => void): void;
  /** Makes the pending arrangement fire as soon as the host allows. */
  wake(): void;
  /** Drops any arrangement and releases host resources. Idempotent. */
  close(): void;
}

/** An adapter that waits by blocking the thread (`Atomics.wait`). */
export interface BlockingIdleAdapter {
  /** Which drivers may use it: `"blocking"` adapters serve `runSync` and the other `…Sync` drivers. */
  readonly kind: "blocking";
  /**
   * Reads the wake-up counter. The loop calls it *before* its last look for
   * work and passes the value to {@linkcode wait}; a `wake()` in between
   * makes the wait return at once, so no wake-up is lost.
   */
  snapshot(): number;
  /**
   * Blocks until `timeoutMs` passed (`null`: indefinitely) or `wake()` was
   * called after `snapshot` was read. May return early; the loop re-checks.
   */
  wait(timeoutMs: number | null, snapshot: number): void;
  /** Wakes a blocked (or about to block) `wait`; callable from any thread. */
  wake(): void;
  /**
   * What another thread needs to wake this adapter: it adds 1 to the cell and
   * notifies (`Atomics.add` + `Atomics.notify`), as `wake()` does here. Null
   * when the cell cannot be sent to another thread (no cross-origin isolation).
   * Optional: an adapter without it can only be woken from its own thread.
   */
  wakeHandle?(): WakeHandle | null;
  /** Releases resources. Idempotent. */
  close(): void;
}

/**
 * A structured-cloneable way to wake a blocking loop from another thread:
 * `Atomics.add(cell, index, 1)`, then `Atomics.notify(cell, index)`.
 */
export interface WakeHandle {
  /** A view on shared memory (a `SharedArrayBuffer`). */
  readonly cell: Int32Array;
  /** The counter's index in `cell`. */
  readonly index: number;
}

/** Either kind of idle adapter; each driver demands the kind it needs. */
export type IdleAdapter = HostIdleAdapter | BlockingIdleAdapter;
