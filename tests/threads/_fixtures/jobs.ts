/**
 * Functions the thread tests run in workers. Imported by URL (see
 * `../_fixture_url.ts`): the source in Deno, a bundle of it in Node and Chromium.
 *
 * @module
 */

import { jobSignal } from "../../../lib/threads/mod.ts";

/** Different in every worker: each worker imports this module once. */
const workerId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;

/** @returns a + b. */
export function add(a: number, b: number): number {
  return a + b;
}

/** @returns The value, after `ms` of blocking the worker. */
export function blockFor<T>(ms: number, value: T): T {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  return value;
}

/** @returns The value, after `ms` of a busy loop (no shared memory needed). */
export function spinFor<T>(ms: number, value: T): T {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* spin */ }
  return value;
}

/** @returns The value after `ms`, asynchronously. */
export function later<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms));
}

/** @returns Which worker ran it. */
export function whoAmI(): string {
  return workerId;
}

/** Throws a RangeError with a cause. */
export function fail(message: string): never {
  throw new RangeError(message, { cause: new Error("the cause") });
}

/** Rejects asynchronously with a custom error class. */
export async function failLater(message: string): Promise<never> {
  await new Promise((resolve) => setTimeout(resolve, 1));
  class CustomError extends Error {
    override name = "CustomError";
  }
  throw new CustomError(message);
}

/** Waits until cancelled; reports how it learnt. */
export function untilAborted(): Promise<string> {
  const signal = jobSignal();
  if (signal.aborted) return Promise.resolve(`aborted early: ${signal.reason}`);
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(`aborted: ${signal.reason}`)));
}

/** Spins until `jobSignal()` reports the cancel (a synchronous job), then stops. */
export function spinUntilAborted(limitMs: number): string {
  const end = performance.now() + limitMs;
  while (performance.now() < end) {
    if (jobSignal().aborted) return "saw the abort";
  }
  return "never saw it";
}

/** Never returns: only terminating its worker stops it. */
export function forever(): never {
  for (;;) { /* spin */ }
}

/** Throws a value that is not an Error: `null`, `undefined`, or a revoked Proxy (which cannot even be looked at). */
export function throwValue(which: "null" | "undefined" | "revoked Proxy"): never {
  if (which === "null") throw null;
  if (which === "undefined") throw undefined;
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  throw proxy;
}

/** @returns Something that cannot be cloned back. */
export function unclonable(): () => void {
  return () => {};
}

/** Not a function. */
export const notAFunction = 42;

/** Never settles; a timer throws `message` outside it, which kills the worker. */
export function strayThrow(message: string): Promise<never> {
  setTimeout(() => {
    throw new Error(message);
  }, 1);
  return new Promise(() => {});
}

/** Never settles; leaves a rejection with `message` unhandled, which kills the worker. */
export function strayRejection(message: string): Promise<never> {
  Promise.reject(new Error(message));
  return new Promise(() => {});
}

/** Ends its worker: `process.exit(code)` where there is one (Node, Deno), else `self.close()` (browsers). */
export function exitWorker(code: number): Promise<never> {
  const process = (globalThis as { process?: { exit(code: number): never } }).process;
  if (process !== undefined) process.exit(code);
  (globalThis as unknown as { close(): void }).close();
  return new Promise(() => {});
}
