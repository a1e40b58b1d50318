/**
 * What the thread tests need to know about where they run, by feature test:
 * the same files run in Deno, in Node (bundled), and in Chromium on an
 * isolated page, in its worker, and on a page without cross-origin isolation.
 *
 * @module
 */

import { workerFunction } from "../../lib/threads/mod.ts";
import { blockingRefusal } from "../../lib/loop/idle/atomics.ts";
import { fixtureUrl } from "./_fixture_url.ts";
import type * as Jobs from "./_fixtures/jobs.ts";

/** Whether memory can be shared with workers (false on a page without cross-origin isolation). */
export const sharedMemory = typeof SharedArrayBuffer === "function";

/** Whether this thread may block (false on a browser page's main thread). */
export const canBlock = blockingRefusal() === null;

/** Whether a blocked loop can read ports synchronously (Node and Deno; not browsers). */
export const syncPortRead = typeof (globalThis as { process?: { getBuiltinModule?: unknown } }).process
  ?.getBuiltinModule === "function";

/** Whether this is Deno itself, not a bundled suite with the test shim's `Deno`. */
export const isDeno = typeof (globalThis as { Deno?: { version?: unknown } }).Deno?.version === "object";

/**
 * Whether a port fires `close` when the thread holding its other end is terminated: Node does; Deno 2.x and
 * Chromium fire it only for an explicit `close()`.
 */
export const closeOnThreadEnd = syncPortRead && !isDeno;

/** Whether a runSync loop may own a pool here (it must read the results while blocked). */
export const blockingPool = canBlock && syncPortRead;

/**
 * The fixture functions, typed from the module itself. The type-only import
 * also puts the fixture in the graph `deno test` checks up front; otherwise it
 * type-checks it again in every worker that imports it (about a second each).
 */
export const jobs = {
  add: fn<typeof Jobs.add>("add"),
  blockFor: fn<(ms: number, value: string) => string>("blockFor"),
  spinFor: fn<(ms: number, value: string) => string>("spinFor"),
  later: fn<(ms: number, value: string) => string>("later"),
  whoAmI: fn<typeof Jobs.whoAmI>("whoAmI"),
  fail: fn<typeof Jobs.fail>("fail"),
  failLater: fn<typeof Jobs.failLater>("failLater"),
  untilAborted: fn<typeof Jobs.untilAborted>("untilAborted"),
  spinUntilAborted: fn<typeof Jobs.spinUntilAborted>("spinUntilAborted"),
  forever: fn<typeof Jobs.forever>("forever"),
  unclonable: fn<typeof Jobs.unclonable>("unclonable"),
  throwValue: fn<typeof Jobs.throwValue>("throwValue"),
  strayThrow: fn<typeof Jobs.strayThrow>("strayThrow"),
  strayRejection: fn<typeof Jobs.strayRejection>("strayRejection"),
  exitWorker: fn<typeof Jobs.exitWorker>("exitWorker"),
  notAFunction: fn<() => unknown>("notAFunction"),
  missing: fn<() => unknown>("missing"),
};

/** A job that holds its worker for `ms`: blocking where memory can be shared, spinning elsewhere. */
export const hold = sharedMemory ? jobs.blockFor : jobs.spinFor;

function fn<F extends (...args: never[]) => unknown>(name: string) {
  return workerFunction<F>(fixtureUrl("jobs"), name);
}
