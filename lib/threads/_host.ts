/**
 * What the threads layer needs from its host, found by feature tests (never
 * by user agent): a Worker constructor, Node's `worker_threads`, a synchronous
 * port read, shared memory, the core count — and the checks built on them.
 *
 * Node's `worker_threads` is reached through `process.getBuiltinModule`
 * (Node ≥ 20.16, Deno ≥ 2.1): synchronous, so a blocking loop can use it, and
 * no `node:` import appears in a file that browsers load.
 *
 * @module
 */

import { InvalidStateError } from "../errors.ts";
import type { EventLoop } from "../task/event_loop.ts";

/** The parts of `node:worker_threads` used here. */
export interface NodeWorkerThreads {
  Worker: new (code: string, options: {
    eval: true;
    workerData: unknown;
    transferList: unknown[];
    name?: string;
  }) => NodeWorker;
  receiveMessageOnPort(port: MessagePort): { message: unknown } | undefined;
}

/** A `worker_threads.Worker`, as used here. */
export interface NodeWorker {
  on(event: "error", listener: (error: unknown) => void): void;
  on(event: "exit", listener: (code: number) => void): void;
  terminate(): Promise<number>;
  ref(): void;
  unref(): void;
}

interface NodeProcess {
  getBuiltinModule?(id: string): unknown;
}

function builtin<T>(id: string): T | null {
  const process = (globalThis as { process?: NodeProcess }).process;
  if (typeof process?.getBuiltinModule !== "function") return null;
  try {
    return (process.getBuiltinModule(id) as T | undefined) ?? null;
  } catch {
    return null;
  }
}

let workerThreads: NodeWorkerThreads | null | undefined;

/** @returns Node's `worker_threads` (also Deno's), or null in browsers. */
export function nodeWorkerThreads(): NodeWorkerThreads | null {
  if (workerThreads === undefined) workerThreads = builtin<NodeWorkerThreads>("node:worker_threads");
  return workerThreads;
}

/** @returns Whether this host has the web `Worker` (browsers, Deno). */
export function hasWebWorker(): boolean {
  return typeof Worker === "function";
}

/**
 * @returns The next message waiting on `port`, read synchronously, or
 *   `undefined`; null when this host has no synchronous read (browsers).
 */
export function syncReceiver(): ((port: MessagePort) => { message: unknown } | undefined) | null {
  return nodeWorkerThreads()?.receiveMessageOnPort ?? null;
}

/**
 * @returns Every message waiting on `port`, read synchronously (a blocked
 *   loop runs no message event); none where there is no synchronous read.
 */
export function readPortNow(port: MessagePort): unknown[] {
  const receive = syncReceiver();
  const messages: unknown[] = [];
  if (receive === null) return messages;
  for (let got = receive(port); got !== undefined; got = receive(port)) messages.push(got.message);
  return messages;
}

/**
 * Refuses a blocking loop whose idle adapter has no `wakeHandle()`: another
 * thread could never wake it (`why` says who and for what).
 *
 * @throws {InvalidStateError} Then.
 */
export function checkWakeable(loop: EventLoop, why: string): void {
  if (loop._isBlocking() && loop._wakeHandle() === null) {
    throw new InvalidStateError(
      `this loop's blocking idle adapter has no wakeHandle(), so ${why}; ` +
        "give the adapter a wakeHandle() (AtomicsIdle has one) or drive this loop with run()",
    );
  }
}

/**
 * @returns Whether shared memory may be posted to another thread: the
 *   `SharedArrayBuffer` constructor is visible only where it is allowed
 *   (browsers hide it without cross-origin isolation).
 */
export function canShareMemory(): boolean {
  return typeof SharedArrayBuffer === "function";
}

/** @returns The number of logical cores, or 4 when the host does not say. */
export function coreCount(): number {
  const fromNavigator = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
    ?.hardwareConcurrency;
  if (typeof fromNavigator === "number" && fromNavigator > 0) return fromNavigator;
  // Node 20 has no `navigator`.
  const os = builtin<{ availableParallelism?(): number; cpus(): unknown[] }>("node:os");
  const count = os === null ? 0 : os.availableParallelism?.() ?? os.cpus().length;
  return count > 0 ? count : 4;
}

/** Node and Deno (≥ 2.8) ports and workers can stop keeping the process alive; browsers have no such notion. */
export interface RefCounted {
  ref?(): void;
  unref?(): void;
}

/** @returns `value` with its keep-alive turned on or off, where the host has one. */
export function setRef(value: unknown, on: boolean): void {
  const counted = value as RefCounted;
  if (on) counted.ref?.();
  else counted.unref?.();
}
