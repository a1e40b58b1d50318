/**
 * WorkerPool: a reusable set of worker threads bound to one loop (asyncio's
 * executor for `run_in_executor`).
 *
 * Workers start lazily, up to `size`, and are reused; each runs one job at a
 * time. Jobs wait in FIFO order for a free worker. Results come back on each
 * worker's port: as host messages for a host-driven loop, or — for a loop
 * blocked in `Atomics.wait` — read synchronously from the loop's inbox after
 * the worker bumps the loop's wake-up counter. Either way they enter the loop
 * through `callSoonThreadsafe`.
 *
 * Invariants: a job is queued (`slot === null`), running (`slot.job === job`),
 * or gone; an idle slot is in `#idle` and has no job; the loop holds one
 * `ref()` per job (`job.refHeld`) until the job stops — its reply came, its
 * worker was retired, or it was dropped from the queue — so a virtual clock
 * never jumps past a job and a waiting loop is never declared deadlocked.
 *
 * Cancelling a job's future drops it if queued; if running, the worker's
 * AbortSignal aborts, and a worker that has not answered within `graceMs` is
 * terminated and replaced. The grace is real time: on the loop's clock when
 * that is real, else on the host's (a blocking loop on a virtual clock has no
 * host timer, so there a stuck job is terminated as soon as the loop idles).
 * A worker that dies says so on its port (`worker_main.ts`), which also
 * reaches a loop blocked in `Atomics.wait`. The pool closes with its loop.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { PrintsAsToString } from "../_inspect.ts";
import { InvalidStateError } from "../errors.ts";
import type { InboxSource } from "../loop/inbox.ts";
import type { EventLoop } from "../task/event_loop.ts";
import type { Future } from "../task/future.ts";
import { _getRunningLoop } from "../task/running_loop.ts";
import { canShareMemory, checkWakeable, coreCount, readPortNow, syncReceiver } from "./_host.ts";
import { graceTimer, type Job, type Reply, type Slot } from "./_job.ts";
import { reviveError } from "./_remote_error.ts";
import { cloneArgs, cloneError } from "./_clone_args.ts";
import { crashError, spawnWorker, type ThreadWorker } from "./_spawn.ts";
import { transferablesIn } from "./_transfer.ts";
import { checkWorkerFunction, type WorkerFunction } from "./worker_function.ts";

/** Options for a new {@linkcode WorkerPool}. */
export interface WorkerPoolOptions {
  /** The most workers at once; default: the number of cores. */
  size?: number;
  /** How long a cancelled running job may take to stop before its worker is terminated, in ms; default 1000. */
  graceMs?: number;
  /** A prefix for the workers' names (debuggers, host error messages); default `"yieldio"`. */
  name?: string;
}

/** What a pool is doing, from {@linkcode WorkerPool.stats}. */
export interface WorkerPoolStats {
  /** The most workers at once. */
  size: number;
  /** Workers alive now. */
  workers: number;
  /** Workers running a job (a cancelled one included, until it stops). */
  busy: number;
  /** Jobs waiting for a worker. */
  queued: number;
}

const DEFAULT_GRACE_MS = 1000;

/**
 * A pool of worker threads that run functions exported by modules.
 * {@linkcode toThread} uses the loop's default pool; make your own for a
 * different size or grace period.
 *
 * @example A pool of two workers, reused for six jobs
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { gather, run } from "yieldio";
 * import { WorkerPool, workerFunction } from "yieldio/threads";
 * const jobs = "data:text/javascript,export const square = (n) => n * n;";
 * const square = workerFunction<(n: number) => number>(jobs, "square");
 * const squares = await run(function* () {
 *   const pool = new WorkerPool({ size: 2 });
 *   const all = yield* gather([1, 2, 3, 4, 5, 6].map((n) => pool.submit(square, n)));
 *   assertEquals(pool.stats().workers <= 2, true);
 *   return all;
 * });
 * assertEquals(squares, [1, 4, 9, 16, 25, 36]);
 * ```
 */
export class WorkerPool extends PrintsAsToString {
  #loop: EventLoop;
  #size: number;
  #graceMs: number;
  #name: string;
  #slots = new Set<Slot>();
  #idle: Slot[] = [];
  /** Invariant: jobs before `#head` were taken; cancelled ones are skipped when reached. */
  #queue: Job[] = [];
  #head = 0;
  #nextId = 1;
  #nextWorker = 1;
  #closed = false;
  #source: InboxSource;

  /**
   * Makes a pool bound to the running loop; it closes when that loop closes.
   *
   * @param options Size, grace period, worker names.
   * @throws {TypeError} For options of the wrong type.
   * @throws {RangeError} For a size below 1 or a negative grace period.
   * @throws {InvalidStateError} When no loop is running.
   */
  constructor(options: WorkerPoolOptions = {}) {
    super();
    const { size = coreCount(), graceMs = DEFAULT_GRACE_MS, name = "yieldio" } = options;
    if (typeof size !== "number" || !Number.isInteger(size) || size < 1) {
      throw new (typeof size === "number" ? RangeError : TypeError)(
        `WorkerPool expects size as an integer of at least 1, got ${describeValue(size)}`,
      );
    }
    if (typeof graceMs !== "number" || !(graceMs >= 0)) {
      throw new (typeof graceMs === "number" ? RangeError : TypeError)(
        `WorkerPool expects graceMs as a number of ms, 0 or more, got ${describeValue(graceMs)}`,
      );
    }
    if (typeof name !== "string") {
      throw new TypeError(`WorkerPool expects name as a string, got ${describeValue(name)}`);
    }
    this.#loop = _getRunningLoop("new WorkerPool()");
    this.#size = size;
    this.#graceMs = graceMs;
    this.#name = name;
    this.#source = { drain: () => this.#drain(), close: () => this.#shutDown(false) };
    this.#loop._addSource(this.#source);
  }

  /**
   * Runs `fn(...args)` in a worker (asyncio's `loop.run_in_executor`).
   * Arguments are structured-cloned when this is called (ports inside
   * channel ends are transferred); the result is cloned back.
   *
   * @param fn The function, named by {@linkcode workerFunction}.
   * @param args Its arguments.
   * @returns A future of its result; an error thrown in the worker arrives
   *   with its class (when built in), message and stack. Cancel the future to
   *   cancel the job. A worker that dies (an uncaught error, an unhandled
   *   rejection, `exit()`) fails its job with an `Error` that says so.
   * @throws {TypeError} When `fn` is not a reference or an argument cannot be cloned.
   * @throws {InvalidStateError} When the pool is closed, or its loop blocks
   *   where a worker cannot wake it: in a browser (a blocked browser thread
   *   cannot read the result), or on an idle adapter without `wakeHandle()`.
   */
  submit<A extends unknown[], R>(fn: WorkerFunction<A, R>, ...args: A): Future<R> {
    checkWorkerFunction(fn, "submit()");
    if (this.#closed || this.#loop.isClosed()) throw new InvalidStateError("this worker pool is closed");
    if (this.#loop._isBlocking() && syncReceiver() === null) {
      throw new InvalidStateError(
        "a loop blocked in runSync() in a browser cannot receive a worker's result (browsers read messages " +
          "only between tasks); drive this loop with run()",
      );
    }
    checkWakeable(this.#loop, "a worker could never wake it with the result");
    const job: Job = {
      id: this.#nextId++,
      fn,
      args,
      transfer: transferablesIn(args),
      future: this.#loop.createFuture(),
      slot: null,
      refHeld: true,
    };
    const slot = this.#freeSlot();
    if (slot !== null) {
      this.#start(slot, job); // throws before anything is recorded when an argument cannot be cloned
    } else {
      ({ args: job.args, transfer: job.transfer } = cloneArgs(fn, args)); // checked now, copied now: as if sent now
      this.#queue.push(job);
    }
    this.#loop.ref();
    job.future._addCallback(this.#settled, job);
    return job.future as Future<R>;
  }

  /**
   * A snapshot of the pool's load, for monitoring and tests.
   * @returns What the pool is doing now: its size, workers started, busy workers and queued jobs.
   */
  stats(): WorkerPoolStats {
    let busy = 0;
    for (const slot of this.#slots) if (slot.job !== null) busy++;
    let queued = 0;
    for (let i = this.#head; i < this.#queue.length; i++) if (!this.#queue[i].future.done()) queued++;
    return { size: this.#size, workers: this.#slots.size, busy, queued };
  }

  /**
   * Whether the pool takes no more jobs: then `submit()` throws `InvalidStateError`.
   * @returns Whether the pool was closed (or its loop).
   */
  isClosed(): boolean {
    return this.#closed || this.#loop.isClosed();
  }

  /** @internal The loop the pool belongs to. */
  _getLoop(): EventLoop {
    return this.#loop;
  }

  /** Cancels every pending job and terminates every worker. Idempotent; also done when the loop closes. */
  close(): void {
    this.#shutDown(true);
  }

  /**
   * Describes the pool for messages and `console.log`.
   * @returns A description like `<WorkerPool size=2 workers=1 busy=1 queued=0>`.
   */
  override toString(): string {
    const { size, workers, busy, queued } = this.stats();
    return `<WorkerPool${
      this.isClosed() ? " closed" : ""
    } size=${size} workers=${workers} busy=${busy} queued=${queued}>`;
  }

  #shutDown(cancelJobs: boolean): void {
    if (this.#closed) return;
    this.#closed = true;
    const open = cancelJobs && !this.#loop.isClosed();
    if (open) this.#loop._addSource(this.#source, false);
    const jobs = this.#queue.slice(this.#head);
    for (const slot of this.#slots) {
      if (slot.job !== null) jobs.push(slot.job);
      if (slot.job?.future.done()) this.#release(slot.job); // cancelled, within its grace period
      slot.grace?.cancel();
      slot.worker.terminate();
    }
    this.#slots.clear();
    this.#idle = [];
    this.#queue = [];
    this.#head = 0;
    if (open) { for (const job of jobs) job.future.cancel("the worker pool was closed"); }
  }

  /** An idle worker, a new one if the pool may grow, else null. */
  #freeSlot(): Slot | null {
    const idle = this.#idle.pop();
    if (idle !== undefined) return idle;
    if (this.#slots.size >= this.#size) return null;
    const abortCell = canShareMemory() ? new Int32Array(new SharedArrayBuffer(4)) : null;
    const name = `${this.#name}-worker-${this.#nextWorker++}`;
    const slot: Slot = { name, worker: null as unknown as ThreadWorker, job: null, abortCell, wake: null, grace: null };
    slot.worker = spawnWorker(name, abortCell, (error) => {
      if (!this.#loop.isClosed()) this.#loop.callSoonThreadsafe(() => this.#crashed(slot, error));
    });
    slot.worker.port.onmessage = (event: MessageEvent) => {
      if (!this.#loop.isClosed()) this.#loop.callSoonThreadsafe(() => this.#reply(slot, event.data as Reply));
    };
    slot.worker.keepAlive(false);
    this.#slots.add(slot);
    return slot;
  }

  #start(slot: Slot, job: Job): void {
    const wake = this.#loop._wakeHandle();
    const message: Record<string, unknown> = { t: "job", id: job.id, module: job.fn.module, name: job.fn.name };
    if (wake?.cell !== slot.wake?.cell) message.wake = wake;
    message.args = job.args;
    try {
      slot.worker.port.postMessage(message, job.transfer);
    } catch (error) {
      this.#idle.push(slot);
      throw cloneError(job.fn, job.args, error);
    }
    slot.wake = wake;
    slot.job = job;
    job.slot = slot;
    slot.worker.keepAlive(true);
  }

  /** Starts queued jobs while workers are free. */
  #pump(): void {
    const queue = this.#queue;
    while (this.#head < queue.length) {
      const job = queue[this.#head];
      if (job.future.done()) { // cancelled while queued: dropped
        this.#head++;
        continue;
      }
      let slot: Slot | null;
      try {
        slot = this.#freeSlot();
      } catch (error) { // the host refused a new worker: fail the job rather than leave it queued for good
        this.#head++;
        job.future.setException(error);
        continue;
      }
      if (slot === null) break;
      this.#head++;
      try {
        this.#start(slot, job);
      } catch (error) {
        job.future.setException(error);
      }
    }
    if (this.#head > 64 && this.#head * 2 > queue.length) { // amortised O(1): drop taken entries in bulk
      this.#queue = queue.slice(this.#head);
      this.#head = 0;
    }
  }

  #reply(slot: Slot, reply: Reply): void {
    if (!this.#slots.has(slot)) return;
    if (reply.t === "crash") return this.#crashed(slot, crashError(slot.name, reviveError(reply.error)));
    const job = slot.job;
    if (job === null || job.id !== reply.id) return;
    if (!job.future.done()) {
      if (reply.t === "ok") job.future.setResult(reply.value);
      else job.future._reject(reviveError(reply.error)); // as a task fails: with what was thrown, even undefined
    }
    slot.job = null;
    slot.grace?.cancel();
    slot.grace = null;
    slot.worker.keepAlive(false);
    this.#release(job);
    this.#idle.push(slot);
    this.#pump();
  }

  #crashed(slot: Slot, error: Error): void {
    if (!this.#slots.has(slot)) return;
    const job = slot.job;
    this.#retire(slot);
    if (job !== null && !job.future.done()) job.future.setException(error);
  }

  /** Terminates a worker and starts a replacement if jobs wait. */
  #retire(slot: Slot): void {
    const job = slot.job;
    slot.job = null;
    if (job?.future.done()) this.#release(job); // a cancelled job that outstayed its grace
    slot.grace?.cancel();
    slot.worker.terminate();
    this.#slots.delete(slot);
    const at = this.#idle.indexOf(slot);
    if (at !== -1) this.#idle.splice(at, 1);
    if (!this.#closed) this.#pump();
  }

  #release(job: Job): void {
    if (!job.refHeld) return;
    job.refHeld = false;
    this.#loop.unref();
  }

  /** The job's future is done: a cancelled running job is told to stop and keeps its ref until it has. */
  #settled = (job: Job): void => {
    const slot = job.slot;
    if (!job.future.cancelled() || slot === null || slot.job !== job || this.#closed || !this.#slots.has(slot)) {
      return this.#release(job);
    }
    if (slot.abortCell !== null) Atomics.store(slot.abortCell, 0, job.id);
    slot.worker.port.postMessage({ t: "abort", id: job.id });
    slot.grace = graceTimer(this.#loop, this.#graceMs, () => {
      if (slot.job === job) this.#retire(slot);
    }, () => this.#release(job));
  };

  /** Reads replies synchronously: the loop blocks, so no message event can run. */
  #drain(): void {
    for (const slot of [...this.#slots]) {
      for (const message of readPortNow(slot.worker.port)) {
        this.#loop.callSoonThreadsafe(() => this.#reply(slot, message as Reply));
      }
    }
  }
}
