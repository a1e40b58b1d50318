/**
 * Helpers shared by the sync-primitive tests. Runtime-neutral: no Deno or
 * Node APIs, so the same files run in Deno, Node and Chromium.
 *
 * @module
 */

import { type Coro, getRunningLoop, run } from "../../mod.ts";

/** One logged event and the virtual time it happened at. */
export type Entry = [string, number];

/** A log of `[event, loop.time()]` pairs. */
export class Log {
  readonly entries: Entry[] = [];

  /** Records `event` at the running loop's current time. */
  add(event: string): void {
    this.entries.push([event, getRunningLoop().time()]);
  }
}

/** Runs `main` on a fresh virtual-time loop (closed afterwards by `run`). */
export function runVirtual<T>(main: () => Coro<T>): Promise<T> {
  return run(main, { clock: "virtual" });
}

export { caught } from "../_support/caught.ts";

/** Gives up `n` loop iterations (a bare `yield` is one). */
export function* iterations(n: number): Coro<void> {
  for (let i = 0; i < n; i++) yield;
}

/** Lets a test pass a wrongly typed value to an API that must reject it at run time. */
export function untyped(value: unknown): never {
  return value as never;
}
