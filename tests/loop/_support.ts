/**
 * Shared helpers for the loop-layer tests: a seeded PRNG, a hand-driven clock,
 * fake idle adapters that record what the loop asks of them, a recorder for
 * adapter resumes, console capture, and forced garbage collection.
 *
 * Nothing here is a test; every helper works in Deno, Node and browsers.
 *
 * @module
 */

import { assertExists, AssertionError, fail } from "@std/assert";
import type { BlockingIdleAdapter, Clock, HostIdleAdapter } from "../../mod.ts";

/** A small seeded PRNG (mulberry32): the same seed gives the same sequence everywhere. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Waits `ms` of real time on the host (only for tests about the host itself). */
export function hostDelay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves with `promise`, or fails after `limitMs` of real time; leaves no timer behind. */
export async function within<T>(promise: Promise<T>, limitMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AssertionError(`${what} did not happen within ${limitMs} ms`)), limitMs);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Busy-waits `ms` of real time: a callback that takes measurable time. */
export function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* spin */ }
}

/** A clock that moves only when the test advances it; it has no `jumpTo`, so the loop treats it as real time. */
export class ManualClock implements Clock {
  #now: number;
  readonly resolution: number;
  constructor(start = 0, resolution = 0) {
    this.#now = start;
    this.resolution = resolution;
  }
  now(): number {
    return this.#now;
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}

/** A host adapter that records the loop's requests; the test calls `resumeNow()` in place of the host. */
export class FakeHostIdle implements HostIdleAdapter {
  readonly kind = "host";
  readonly schedules: (number | null)[] = [];
  wakes = 0;
  closes = 0;
  #resume: (() => void) | null = null;
  schedule(timeoutMs: number | null, resume: () => void): void {
    this.schedules.push(timeoutMs);
    this.#resume = resume;
  }
  wake(): void {
    this.wakes++;
  }
  close(): void {
    this.closes++;
  }
  /** Calls the pending resume, as the host would. */
  resumeNow(): void {
    const resume = this.#resume;
    if (resume === null) fail("the loop has no pending resume");
    this.#resume = null;
    resume();
  }
}

/** A blocking adapter that never blocks: `onWait` plays the other thread or the passing of time. */
export class FakeBlockingIdle implements BlockingIdleAdapter {
  readonly kind = "blocking";
  readonly waits: (number | null)[] = [];
  closes = 0;
  #seq = 0;
  constructor(readonly onWait: (timeoutMs: number | null) => void = () => {}) {}
  snapshot(): number {
    return this.#seq;
  }
  wait(timeoutMs: number | null, _snapshot: number): void {
    this.waits.push(timeoutMs);
    if (this.waits.length > 1000) fail("the loop kept waiting");
    this.onWait(timeoutMs);
  }
  wake(): void {
    this.#seq++;
  }
  close(): void {
    this.closes++;
  }
}

/** Records calls of an adapter's `resume` with their `performance.now()` times. */
export class ResumeRecorder {
  readonly times: number[] = [];
  #waiters: (() => void)[] = [];
  /** Pass this as `resume`. */
  readonly resume = (): void => {
    this.times.push(performance.now());
    for (const wake of this.#waiters.splice(0)) wake();
  };
  get count(): number {
    return this.times.length;
  }
  /** Resolves with the first resume's time; fails after `limitMs` of real time without one. */
  first(limitMs = 5000): Promise<number> {
    if (this.times.length > 0) return Promise.resolve(this.times[0]);
    const arrived = new Promise<number>((resolve) => this.#waiters.push(() => resolve(this.times[0])));
    return within(arrived, limitMs, "a call of resume");
  }
}

type ConsoleMethod = "error" | "warn";

/** Runs `body` with `console[method]` replaced by a recorder, restoring it afterwards. */
export function captureConsole(method: ConsoleMethod, body: () => void): unknown[][] {
  const original = console[method];
  const calls: unknown[][] = [];
  console[method] = (...args: unknown[]) => void calls.push(args);
  try {
    body();
  } finally {
    console[method] = original;
  }
  return calls;
}

/** The async form of {@linkcode captureConsole}. */
export async function captureConsoleAsync(method: ConsoleMethod, body: () => Promise<unknown>): Promise<unknown[][]> {
  const original = console[method];
  const calls: unknown[][] = [];
  console[method] = (...args: unknown[]) => void calls.push(args);
  try {
    await body();
  } finally {
    console[method] = original;
  }
  return calls;
}

/**
 * Forces garbage collection from a fresh host task, so WeakRefs created
 * earlier can be cleared. Needs the runtime started with `--expose-gc`
 * (`deno test --v8-flags=--expose-gc`, `node --expose-gc`, Chromium
 * `--js-flags=--expose-gc`).
 */
export async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  assertExists(gc, "this test needs a runtime started with --expose-gc");
  for (let i = 0; i < 3; i++) {
    await hostDelay(0);
    gc();
  }
}
