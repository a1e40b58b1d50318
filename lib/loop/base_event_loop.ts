/**
 * The driving half of the loop core: who runs the iterations that
 * `scheduler.ts` defines, and how the loop waits between them.
 *
 * - The **host-driven** driver (`runForever`) runs iterations in slices of
 *   about 5 ms, then returns to the host and asks its idle adapter for the
 *   next slice: at once when work is ready, at the next deadline, or only when
 *   woken. Timers, I/O, promises and rendering keep going in between.
 * - The **blocking** driver (`runForeverSync`) is the seed's
 *   `while (!stopped) run_once()`, blocking the thread in `Atomics.wait`
 *   while idle (phase 3 of an iteration).
 * - `runOnce()` is a driver of one iteration, for stepping a loop by hand.
 *
 * A thread runs at most one loop at a time (asyncio's rule); while a driver
 * runs, that loop is the thread's running loop — also between slices, so host
 * callbacks reach it. A loop that can never progress (nothing ready, no timer,
 * no host wake-up owed) raises `DeadlockError` under a virtual clock or a
 * blocking driver instead of hanging.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { DeadlockError, InvalidStateError } from "../errors.ts";
import type { BlockingIdleAdapter, HostIdleAdapter, IdleAdapter, WakeHandle } from "./idle/adapter.ts";
import { defaultBlockingIdle, defaultHostIdle } from "./idle/detect.ts";
import { Inbox, type InboxSource } from "./inbox.ts";
import { Scheduler, type SchedulerOptions } from "./scheduler.ts";
import { closedError } from "./scheduling_checks.ts";

export { defaultExceptionHandler, type ExceptionContext } from "./exception_handling.ts";

/** Options for a new loop. */
export interface EventLoopOptions extends SchedulerOptions {
  /** How to wait when idle; default: the best one for the driver and runtime. */
  idle?: IdleAdapter;
  /**
   * Raise `DeadlockError` on a real clock too, when nothing is ready, no timer
   * is armed and no host wake-up is expected (`ref()`). Virtual-clock and
   * blocking loops always do; a host-driven real-clock loop may be waiting for
   * a host event it was not told about, so it must opt in. Default false.
   */
  detectDeadlock?: boolean;
}

/** How long a host-driven slice runs iterations before yielding to the host. */
const SLICE_MS = 5;
/** A slice reads the real clock once per this many iterations plus callbacks. */
const SLICE_CHECK_EVERY = 64;

/** Who runs the loop: nobody, a host-driven or blocking driver, or one `runOnce()` call. */
const NOT_RUNNING = 0, HOST = 1, BLOCKING = 2, STEPPING = 3;
type Driver = typeof NOT_RUNNING | typeof HOST | typeof BLOCKING | typeof STEPPING;

/** The loop running on this thread, if any. */
let runningLoop: BaseEventLoop | null = null;

/** @internal The loop whose driver runs on this thread now, or null. */
export function _runningLoop(): BaseEventLoop | null {
  return runningLoop;
}

/** The loop core with its drivers; see the module docs here and in `scheduler.ts`. */
export class BaseEventLoop extends Scheduler {
  #hostIdle: HostIdleAdapter | null = null;
  #blockingIdle: BlockingIdleAdapter | null = null;
  /** Whether the adapter came from the options: then the other driver kind is refused. */
  #idleGiven = false;
  #detectDeadlock: boolean;
  /** Invariant: the timeout a host driver went idle with, or false while it is not idle. */
  #hostIdleWait: number | null | false = false;
  #driver: Driver = NOT_RUNNING;
  /** Invariant: null until a thread source is added; a loop without one pays a null check per blocking iteration. */
  #inbox: Inbox | null = null;
  #settleRun: ((error: unknown) => void) | null = null;

  /**
   * @param options Clock, idle adapter and debug mode.
   * @throws {TypeError} For an unknown clock or a malformed adapter.
   */
  constructor(options: EventLoopOptions = {}) {
    super(options);
    this.#detectDeadlock = options.detectDeadlock === true;
    const idle = options.idle;
    if (idle === undefined) return;
    checkIdleAdapter(idle);
    if (idle.kind === "host") this.#hostIdle = idle;
    else this.#blockingIdle = idle;
    this.#idleGiven = true;
  }

  /**
   * Runs one iteration as a driver of its own: the loop counts as running
   * meanwhile. It never blocks; a virtual clock jumps to the next deadline
   * when nothing is ready. For stepping a loop by hand in tests.
   *
   * @throws {InvalidStateError} When the loop is closed or already running.
   *
   * @example Callbacks queued during an iteration wait for the next one
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { EventLoop } from "yieldio";
   * const loop = new EventLoop({ clock: "virtual" });
   * const order: string[] = [];
   * loop.callSoon(() => {
   *   order.push("first");
   *   loop.callSoon(() => order.push("next iteration"));
   * });
   * loop.runOnce();
   * assertEquals(order, ["first"]);
   * loop.runOnce();
   * assertEquals(order, ["first", "next iteration"]);
   * ```
   */
  runOnce(): void {
    this.#enterRun(STEPPING);
    try {
      this._iterate();
    } finally {
      this.#leaveRun();
    }
  }

  /**
   * Runs iterations until {@linkcode stop}, yielding to the host between
   * slices of about 5 ms so timers, I/O, promises and rendering keep going.
   *
   * @returns A promise that settles when the loop stops (rejects with the
   *   error that stopped it, such as a {@linkcode DeadlockError}).
   *
   * @example Timers run at their deadline, in deadline order
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { EventLoop } from "yieldio";
   * const loop = new EventLoop({ clock: "virtual" });
   * const seen: [string, number][] = [];
   * loop.callLater(30, () => seen.push(["b", loop.time()]));
   * loop.callAt(10, () => seen.push(["a", loop.time()]));
   * loop.callLater(30, () => loop.stop()); // equal deadlines keep their order
   * await loop.runForever();
   * assertEquals(seen, [["a", 10], ["b", 30]]);
   * loop.close();
   * ```
   */
  runForever(): Promise<void> {
    try {
      this._prepareDriver(false);
      this.#enterRun(HOST);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<void>((resolve, reject) => {
      this.#settleRun = (error) => error === null ? resolve() : reject(error);
      this.#slice();
    });
  }

  /**
   * Runs iterations until {@linkcode stop}, blocking the thread while idle
   * (`Atomics.wait`).
   *
   * @throws {CannotBlockError} On a browser window's main thread.
   * @throws {DeadlockError} When nothing can ever happen again.
   *
   * @example A blocking loop on virtual time
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { EventLoop, blockingRefusal } from "yieldio";
   * if (blockingRefusal() === null) {
   *   const loop = new EventLoop({ clock: "virtual" });
   *   loop.callLater(1000, () => loop.stop());
   *   loop.runForeverSync();
   *   assertEquals(loop.time(), 1000);
   *   loop.close();
   * }
   * ```
   */
  runForeverSync(): void {
    this._prepareDriver(true);
    this.#enterRun(BLOCKING);
    try {
      const idle = this.#blockingIdle as BlockingIdleAdapter;
      do {
        if (this.#inbox !== null) this.#inbox.poll(idle.snapshot()); // also when the loop never gets to wait
        this._iterate();
      } while (!this._isStopping());
    } finally {
      this.#leaveRun();
    }
  }

  /** @returns Whether a driver is running this loop. */
  isRunning(): boolean {
    return this.#driver !== NOT_RUNNING;
  }

  /**
   * Discards scheduled work and releases host resources. Idempotent.
   *
   * @throws {InvalidStateError} While the loop is running.
   */
  close(): void {
    if (this.#driver !== NOT_RUNNING) throw new InvalidStateError("cannot close a running event loop; stop() it first");
    if (this.isClosed()) return;
    this._closeQueues();
    this.#inbox?.close();
    this.#hostIdle?.close();
    this.#blockingIdle?.close();
  }

  /**
   * @internal Phase 3 of an iteration, by driver: a virtual clock jumps; a
   * blocking driver sleeps until the deadline or a wake-up; a host driver
   * never waits here. A loop that can never progress is a deadlock.
   */
  override _idleWait(timeout: number | null): void {
    if (this._stuck() && this.#driver !== STEPPING && (this.#driver === BLOCKING || this.#mayDeclareDeadlock())) {
      throw this._deadlock();
    }
    if (this._canJump()) {
      if (timeout === null) return;
      this._instrument("beforeIdleWait", timeout);
      super._idleWait(timeout);
      return this._instrument("afterIdleWait", timeout);
    }
    if (this.#driver !== BLOCKING) return;
    // With host work owed, virtual time stands still: only a wake-up can help.
    if (this._isVirtual()) timeout = null;
    const idle = this.#blockingIdle as BlockingIdleAdapter;
    const seq = idle.snapshot();
    this.#inbox?.poll(seq); // other threads' work, drained after the snapshot and before the last look
    if (this._canProgressNow()) return; // the last look comes after the snapshot: a wake-up since is not lost
    this._instrument("beforeIdleWait", timeout);
    idle.wait(timeout, seq);
    this._instrument("afterIdleWait", timeout);
  }

  /** A host-driven loop with nothing that can wake it is deadlocked when virtual, or when it opted in. */
  #mayDeclareDeadlock(): boolean {
    return this._isVirtual() || this.#detectDeadlock;
  }

  /**
   * @internal The error a stuck loop raises; the task layer overrides it to
   * name the pending tasks.
   */
  _deadlock(): Error {
    return new DeadlockError([], "");
  }

  /** @internal Adds (or, with `add` false, removes) a place other threads leave work in; see `inbox.ts`. */
  _addSource(source: InboxSource, add = true): void {
    if (add) (this.#inbox ??= new Inbox()).add(source);
    else this.#inbox?.remove(source);
  }

  /** @internal How another thread wakes this loop while a blocking driver runs it; null otherwise. */
  _wakeHandle(): WakeHandle | null {
    return this.#driver === BLOCKING ? this.#blockingIdle?.wakeHandle?.() ?? null : null;
  }

  /** @internal Wakes the host driver's adapter: new work arrived while it slept. */
  override _wakeDriver(): void {
    this.#hostIdle?.wake();
  }

  /**
   * @internal Throws unless a driver could start now: the loop is open, not
   * running, and no other loop runs on this thread.
   */
  _checkCanRun(): void {
    if (this.isClosed()) throw closedError();
    if (this.#driver !== NOT_RUNNING) throw new InvalidStateError("this event loop is already running");
    if (runningLoop !== null) {
      throw new InvalidStateError("cannot run an event loop while another loop is running on this thread");
    }
  }

  /**
   * @internal {@linkcode _checkCanRun}, plus an idle adapter of the right kind
   * that this thread allows (`CannotBlockError` on a browser window's main
   * thread). Called before anything is created that a refused start would strand.
   */
  _prepareDriver(blocking: boolean): void {
    this._checkCanRun();
    if (blocking) this.#blockingAdapter();
    else this.#hostAdapter();
  }

  /** @internal Whether a blocking driver runs the loop (no host callback can run meanwhile). */
  _isBlocking(): boolean {
    return this.#driver === BLOCKING;
  }

  /** One host macrotask's worth of iterations; bound once, handed to the adapter. */
  #slice = (): void => {
    this._sleepUntilWoken(false);
    if (this.#hostIdleWait !== false) {
      this._instrument("afterIdleWait", this.#hostIdleWait);
      this.#hostIdleWait = false;
    }
    const end = this._realNow() + SLICE_MS;
    try {
      for (let work = 0;;) {
        work += 1 + this._iterate();
        if (this._isStopping()) return this.#finishRun(null);
        if (!this._canProgressNow()) break;
        if (work >= SLICE_CHECK_EVERY) {
          if (this._realNow() >= end) break;
          work = 0;
        }
      }
      this.#armHost();
    } catch (error) {
      this.#finishRun(error);
    }
  };

  /** Ends a slice: asks the host adapter for the next one. */
  #armHost(): void {
    const idle = this.#hostIdle as HostIdleAdapter;
    if (this._canProgressNow()) return idle.schedule(0, this.#slice);
    if (this.#mayDeclareDeadlock() && this._stuck()) throw this._deadlock();
    const timeout = this._hostTimeout();
    this._sleepUntilWoken(true);
    if (this._instruments !== null) {
      this.#hostIdleWait = timeout;
      this._instrument("beforeIdleWait", timeout);
    }
    idle.schedule(timeout, this.#slice);
  }

  #finishRun(error: unknown): void {
    const settle = this.#settleRun as (error: unknown) => void;
    this.#settleRun = null;
    this.#leaveRun();
    settle(error);
  }

  #enterRun(driver: Driver): void {
    this._checkCanRun();
    this.#driver = driver;
    runningLoop = this;
    if (driver !== STEPPING) this._instrument("beforeRun");
  }

  #leaveRun(): void {
    const driver = this.#driver;
    if (driver !== STEPPING) this._instrument("afterRun"); // still the running loop for its hooks
    // asyncio: a stop() during a single step stays pending for the next run.
    if (driver !== STEPPING) this._clearStopping();
    this.#driver = NOT_RUNNING;
    this._sleepUntilWoken(false);
    this.#hostIdleWait = false;
    runningLoop = null;
  }

  #hostAdapter(): HostIdleAdapter {
    if (this.#hostIdle !== null) return this.#hostIdle;
    if (this.#idleGiven) {
      throw new InvalidStateError(
        "this loop was given a blocking idle adapter; drive it with runForeverSync()/runUntilCompleteSync()",
      );
    }
    return this.#hostIdle = defaultHostIdle();
  }

  #blockingAdapter(): BlockingIdleAdapter {
    if (this.#blockingIdle !== null) return this.#blockingIdle;
    if (this.#idleGiven) {
      throw new InvalidStateError(
        "this loop was given a host-driven idle adapter; drive it with runForever()/runUntilComplete()",
      );
    }
    return this.#blockingIdle = defaultBlockingIdle();
  }

  /** @returns A description like `<EventLoop running clock=virtual ready=0 timers=2>`. */
  override toString(): string {
    const state = this.isClosed() ? "closed" : this.#driver !== NOT_RUNNING ? "running" : "idle";
    return `<EventLoop ${state}${this._describeQueues()}>`;
  }
}

const ADAPTER_METHODS = { host: ["schedule", "wake", "close"], blocking: ["snapshot", "wait", "wake", "close"] };

function checkIdleAdapter(idle: unknown): asserts idle is IdleAdapter {
  const kind = (idle as Partial<IdleAdapter> | null)?.kind;
  const methods = kind === "host" || kind === "blocking" ? ADAPTER_METHODS[kind] : null;
  if (methods === null) {
    throw new TypeError(`idle must be an idle adapter of kind "host" or "blocking", got ${describeValue(idle)}`);
  }
  const missing = methods.filter((name) => typeof (idle as Record<string, unknown>)[name] !== "function");
  if (missing.length > 0) {
    throw new TypeError(`this "${kind}" idle adapter lacks ${missing.join(", ")}(); got ${describeValue(idle)}`);
  }
}
