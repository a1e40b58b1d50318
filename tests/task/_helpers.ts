/**
 * Small helpers shared by the task-layer tests. Runtime-neutral: no Deno or
 * Node APIs, so the same files run in Deno, Node and Chromium.
 *
 * @module
 */

import type { EventLoop, ExceptionContext } from "../../mod.ts";

/** Lets a test pass a wrongly typed value to an API that must reject it at run time. */
export function untyped(value: unknown): never {
  return value as never;
}

/** Installs a recording exception handler on `loop`; returns the list it fills. */
export function recordExceptions(loop: EventLoop): ExceptionContext[] {
  const seen: ExceptionContext[] = [];
  loop.setExceptionHandler((_loop, context) => {
    seen.push(context);
  });
  return seen;
}

/** Gives the host one macrotask turn (timers, promise reactions, finalizers). */
export function hostTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export { caught } from "../_support/caught.ts";

/** `globalThis.gc`, which every harness exposes (`--expose-gc`). */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== "function") throw new Error("globalThis.gc is missing: run with --expose-gc");
  gc();
}
