/**
 * Where a loop's time comes from.
 *
 * The loop never reads a host clock itself: `loop.time()` is `clock.now()`.
 * That one indirection is what makes virtual time possible — a
 * {@linkcode VirtualClock} only moves when the loop jumps it to the next
 * deadline, so timing code runs instantly and identically on every run.
 *
 * Invariant: `now()` never decreases.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";

/** A monotonic source of milliseconds for an event loop. */
export interface Clock {
  /** Milliseconds on this clock's own scale; never decreases. */
  now(): number;
  /**
   * The smallest step `now()` is known to take, in ms. The loop treats a timer
   * as due when `when <= now + resolution` (asyncio's `_clock_resolution`), so
   * a host timer that fires a hair early does not cost an extra wake-up.
   */
  readonly resolution: number;
  /**
   * Present only on clocks the loop may move: when nothing is ready, the loop
   * calls `jumpTo(deadline)` instead of waiting. Must not move backwards.
   */
  jumpTo?(when: number): void;
}

/**
 * The host's monotonic clock, `performance.now()` (falling back to `Date.now()`
 * where no `performance` exists).
 *
 * @example Reading the real clock
 * ```ts
 * import { assert } from "@std/assert";
 * import { PerformanceClock } from "yieldio";
 * const clock = new PerformanceClock();
 * const a = clock.now();
 * assert(clock.now() >= a && clock.resolution > 0);
 * ```
 */
export class PerformanceClock implements Clock {
  readonly resolution: number;
  #perf: { now(): number } = typeof performance === "object" ? performance : Date;

  constructor() {
    this.resolution = probedResolution ??= probeResolution(this.#perf);
  }

  /** The host's time in ms: `performance.now()`, monotonic; `Date.now()` where the host has no `performance`. */
  now(): number {
    return this.#perf.now();
  }
}

/**
 * A clock that stands still until the loop jumps it: time starts at 0 and
 * lands exactly on each deadline, so `loop.time() === handle.when()` when a
 * timer runs and an hour of timeouts takes microseconds.
 *
 * @example A virtual clock only moves forward, and only when told
 * ```ts
 * import { assertEquals, assertThrows } from "@std/assert";
 * import { VirtualClock } from "yieldio";
 * const clock = new VirtualClock();
 * clock.jumpTo(1500);
 * assertEquals(clock.now(), 1500);
 * assertThrows(() => clock.jumpTo(10), RangeError);
 * ```
 */
export class VirtualClock implements Clock {
  readonly resolution = 0;
  #now: number;

  /**
   * A clock standing at `start` until the loop jumps it.
   *
   * @param start The time to start at, in ms (default 0).
   * @throws {RangeError} When `start` is not a finite number.
   */
  constructor(start = 0) {
    if (!Number.isFinite(start)) {
      throw new RangeError(`VirtualClock start must be a finite number of ms, got ${start}`);
    }
    this.#now = start;
  }

  /** The current virtual time in ms: where the last `jumpTo()` left the clock, else `start`. */
  now(): number {
    return this.#now;
  }

  /**
   * Moves the clock to `when`.
   *
   * @param when The new time in ms; not before `now()`.
   * @throws {RangeError} When `when` is NaN or earlier than `now()`.
   */
  jumpTo(when: number): void {
    if (!(when >= this.#now)) {
      throw new RangeError(`a virtual clock cannot move backwards or to NaN: now ${this.#now}, asked ${when}`);
    }
    this.#now = when;
  }
}

/**
 * A time on a loop's clock as messages and printed objects show it: whole
 * milliseconds as they are (virtual time lands on them), others to a tenth
 * (`6690.6`, not a real clock's `6690.600000000093`).
 *
 * @param ms Milliseconds.
 * @returns The text.
 */
export function formatTime(ms: number): string {
  return Number.isInteger(ms) || !Number.isFinite(ms) ? String(ms) : ms.toFixed(1);
}

let probedResolution: number | undefined;
let sharedRealClock: PerformanceClock | undefined;

/** @internal The host clock, made once per thread. */
export function realClock(): PerformanceClock {
  return sharedRealClock ??= new PerformanceClock();
}

/**
 * @internal Resolves a loop's `clock` option: `"real"` (the default),
 * `"virtual"`, or a {@linkcode Clock} object.
 *
 * @throws {TypeError} For anything else, or a Clock without a numeric resolution.
 */
export function clockFor(option: unknown): Clock {
  if (option === undefined || option === "real") return realClock();
  if (option === "virtual") return new VirtualClock();
  if (typeof option !== "object" || option === null || typeof (option as Clock).now !== "function") {
    throw new TypeError(`clock must be "real", "virtual" or a Clock object, got ${describeValue(option)}`);
  }
  const resolution = (option as Clock).resolution;
  if (typeof resolution !== "number" || !(resolution >= 0)) {
    // Without it, `now + resolution` is NaN and no timer would ever be due.
    throw new TypeError(`a Clock needs a resolution in ms (a number >= 0), got ${describeValue(resolution)}`);
  }
  return option as Clock;
}

/**
 * The smallest positive step between consecutive reads, capped at 1 ms:
 * 100 µs in a page that is not cross-origin isolated, 5 µs isolated, well
 * under 1 µs in Deno and Node. It stops at the fourth step it sees (a handful
 * of reads where the clock is fine, so the first loop of a program starts in
 * microseconds), and after 5000 reads where it is coarse.
 */
function probeResolution(perf: { now(): number }): number {
  let smallest = 1;
  let last = perf.now();
  for (let reads = 0, steps = 0; reads < 5000 && steps < 4; reads++) {
    const t = perf.now();
    const step = t - last;
    if (step > 0) {
      steps++;
      if (step < smallest) smallest = step;
    }
    last = t;
  }
  return smallest;
}
