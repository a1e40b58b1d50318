/**
 * The event loop core: a ready queue, a timer heap, a clock and an idle
 * adapter — and nothing about futures or tasks (those live one layer up).
 *
 * `runOnce()` is the only place callbacks run. One iteration is five named
 * phases, listed in the same order in the README ("How one iteration works"):
 *
 * 1. **drop cancelled timers** off the top of the heap (or rebuild it when most
 *    of it is cancelled);
 * 2. **compute the idle timeout**: 0 when work is ready or the loop is
 *    stopping, the time to the next deadline, or `null` when nothing is
 *    scheduled;
 * 3. **wait**: jump a virtual clock to the deadline, or block a blocking
 *    driver; a host driver never waits here (it hands the timeout to its
 *    adapter between slices);
 * 4. **move due timers** to the back of the ready queue, in `(when, seq)`
 *    order, so they run after the callbacks that were already ready;
 * 5. **run the ready snapshot**: exactly the callbacks that were queued when
 *    this phase began. Work they queue waits for the next iteration.
 *
 * Drivers repeat `runOnce()` until `stop()`: the host-driven one in slices of
 * about 5 ms between host macrotasks, the blocking one in a plain `while`.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { DeadlockError, InvalidStateError } from "../errors.ts";
import { type Clock, PerformanceClock, VirtualClock } from "./clock.ts";
import { type Callback, describeCallback, Handle, runEntry, TimerHandle, type TimerOwner } from "./handle.ts";
import type { BlockingIdleAdapter, HostIdleAdapter, IdleAdapter } from "./idle/adapter.ts";
import { defaultBlockingIdle, defaultHostIdle } from "./idle/detect.ts";
import { type ReadyFn, ReadyQueue } from "./ready_queue.ts";
import { type TimerEntry, TimerHeap } from "./timer_heap.ts";
import { type ExceptionContext, formatExceptionContext } from "./exception_context.ts";

export type { ExceptionContext } from "./exception_context.ts";

/** Options for a new loop. */
export interface EventLoopOptions {
  /**
   * `"real"` (default): `performance.now()`. `"virtual"`: starts at 0 and jumps
   * to the next deadline whenever nothing is ready. Or any {@linkcode Clock}.
   */
  clock?: "real" | "virtual" | Clock;
  /** How to wait when idle; default: the best one for the driver and runtime. */
  idle?: IdleAdapter;
  /** Debug mode: slow-callback warnings and creation sites (default false). */
  debug?: boolean;
}

/** How long a host-driven driver runs iterations before yielding to the host. */
const SLICE_MS = 5;
/** Slices read the real clock once per this many iterations plus callbacks. */
const SLICE_CHECK_EVERY = 64;

/** Who runs the loop: nobody, a host-driven or blocking driver, or one `runOnce()` call. */
const NOT_RUNNING = 0, HOST = 1, BLOCKING = 2, STEPPING = 3;
type Driver = typeof NOT_RUNNING | typeof HOST | typeof BLOCKING | typeof STEPPING;

/** The loop running on this thread, if any (asyncio: one per thread). */
let runningLoop: BaseEventLoop | null = null;
let realClock: PerformanceClock | undefined;

/** @internal The loop whose driver runs on this thread now, or null. */
export function _runningLoop(): BaseEventLoop | null {
  return runningLoop;
}

/**
 * The scheduling core of {@linkcode EventLoop}; see the module doc for the
 * phases of an iteration.
 */
export class BaseEventLoop implements TimerOwner {
  #clock: Clock;
  #real: Clock;
  #ready = new ReadyQueue();
  #timers = new TimerHeap<TimerEntry>();
  #timerSeq = 0;
  #hostIdle: HostIdleAdapter | null = null;
  #blockingIdle: BlockingIdleAdapter | null = null;
  #driver: Driver = NOT_RUNNING;
  #stopping = false;
  #closed = false;
  #refs = 0;
  /** Invariant: true only while a host driver waits on its adapter with nothing posted. */
  #hostWaiting = false;
  #settleRun: ((error: unknown) => void) | null = null;
  #debug: boolean;
  #exceptionHandler: ((loop: this, context: ExceptionContext) => void) | null = null;
  /** In debug mode, a callback (or task step) that takes this many ms or more is reported. */
  slowCallbackDuration = 100;

  /**
   * @param options Clock, idle adapter and debug mode.
   * @throws {TypeError} For an unknown clock or a malformed adapter.
   */
  constructor(options: EventLoopOptions = {}) {
    const { clock = "real", idle, debug = false } = options;
    this.#real = realClock ??= new PerformanceClock();
    if (clock === "real") this.#clock = this.#real;
    else if (clock === "virtual") this.#clock = new VirtualClock();
    else if (typeof clock === "object" && clock !== null && typeof clock.now === "function") this.#clock = clock;
    else throw new TypeError(`clock must be "real", "virtual" or a Clock object, got ${describeValue(clock)}`);
    if (idle !== undefined) {
      if (idle?.kind === "host") this.#hostIdle = idle;
      else if (idle?.kind === "blocking") this.#blockingIdle = idle;
      else {throw new TypeError(
          `idle must be an idle adapter with kind "host" or "blocking", got ${describeValue(idle)}`,
        );}
    }
    this.#debug = debug === true;
  }

  // ---------------------------------------------------------------- scheduling

  /** @returns The loop's current time in ms (its clock's `now()`). */
  time(): number {
    return this.#clock.now();
  }

  /**
   * Schedules `callback(...args)` for the next iteration, after everything
   * already scheduled (FIFO).
   *
   * @param callback The function to call.
   * @param args Its arguments.
   * @returns A handle that can cancel the call.
   * @throws {TypeError} When `callback` is not a function.
   * @throws {InvalidStateError} When the loop is closed.
   *
   * @example Callbacks run in the order they were scheduled
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { EventLoop } from "yieldio";
   * const loop = new EventLoop({ clock: "virtual" });
   * const order: number[] = [];
   * loop.callSoon((n: number) => order.push(n), 1);
   * loop.callSoon((n: number) => order.push(n), 2);
   * loop.runOnce();
   * assertEquals(order, [1, 2]);
   * ```
   */
  callSoon<A extends unknown[]>(callback: (...args: A) => unknown, ...args: A): Handle {
    checkCallback(callback, "callSoon");
    const handle = new Handle(callback as Callback, args);
    this._callSoon(runEntry, handle);
    return handle;
  }

  /**
   * Like {@linkcode callSoon}, for host callbacks (a `fetch` completion, a DOM
   * event, a worker message): it also wakes a loop that is idle-waiting.
   *
   * @param callback The function to call.
   * @param args Its arguments.
   * @returns A handle that can cancel the call.
   * @throws {TypeError} When `callback` is not a function.
   * @throws {InvalidStateError} When the loop is closed.
   *
   * @example Resolving a future from a host timer
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { EventLoop } from "yieldio";
   * const loop = new EventLoop();
   * const fut = loop.createFuture<string>();
   * setTimeout(() => loop.callSoonThreadsafe(() => fut.setResult("from the host")), 1);
   * assertEquals(await loop.runUntilComplete(fut), "from the host");
   * loop.close();
   * ```
   */
  callSoonThreadsafe<A extends unknown[]>(callback: (...args: A) => unknown, ...args: A): Handle {
    // One thread: when host code runs, the loop is not inside an iteration, so
    // the wake-up in _callSoon is all it takes. Other threads (issue: threads)
    // enter through the blocking adapter's shared cell.
    return this.callSoon(callback, ...args);
  }

  /**
   * Schedules `callback(...args)` to run `delay` ms from now. A delay of 0 or
   * less runs it in the next iteration, after the callbacks already ready.
   *
   * @param delay Milliseconds; `Infinity` never fires.
   * @param callback The function to call.
   * @param args Its arguments.
   * @returns A handle with the absolute deadline (`when()`).
   * @throws {TypeError} When `delay` is not a number or `callback` not a function.
   * @throws {RangeError} When `delay` is NaN.
   *
   * @example Timers run at their deadline on a virtual clock
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { EventLoop } from "yieldio";
   * const loop = new EventLoop({ clock: "virtual" });
   * const seen: number[] = [];
   * loop.callLater(30, () => seen.push(loop.time()));
   * loop.callLater(10, () => seen.push(loop.time()));
   * loop.callLater(30, () => loop.stop());
   * await loop.runForever();
   * assertEquals(seen, [10, 30]);
   * ```
   */
  callLater<A extends unknown[]>(delay: number, callback: (...args: A) => unknown, ...args: A): TimerHandle {
    checkTime(delay, "callLater", "delay");
    checkCallback(callback, "callLater");
    return this.#callAt(this.#clock.now() + delay, callback as Callback, args);
  }

  /**
   * Schedules `callback(...args)` at the absolute time `when` (`loop.time()`
   * scale). Timers with equal deadlines run in the order they were scheduled.
   *
   * @param when Milliseconds on the loop's clock; `Infinity` never fires.
   * @param callback The function to call.
   * @param args Its arguments.
   * @returns A handle with the deadline (`when()`).
   * @throws {TypeError} When `when` is not a number or `callback` not a function.
   * @throws {RangeError} When `when` is NaN.
   *
   * @example Equal deadlines keep their scheduling order
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { EventLoop } from "yieldio";
   * const loop = new EventLoop({ clock: "virtual" });
   * const order: string[] = [];
   * for (const name of ["a", "b", "c"]) loop.callAt(5, () => order.push(name));
   * loop.callAt(5, () => loop.stop());
   * await loop.runForever();
   * assertEquals(order, ["a", "b", "c"]);
   * ```
   */
  callAt<A extends unknown[]>(when: number, callback: (...args: A) => unknown, ...args: A): TimerHandle {
    checkTime(when, "callAt", "when");
    checkCallback(callback, "callAt");
    return this.#callAt(when, callback as Callback, args);
  }

  #callAt(when: number, callback: Callback, args: unknown[]): TimerHandle {
    const handle = new TimerHandle(when, callback, args, this);
    this._scheduleTimer(when, handle);
    return handle;
  }

  /**
   * @internal Queues `fn(arg)` as ready work: the allocation-free path that
   * done-callbacks and task wake-ups use.
   */
  _callSoon(fn: ReadyFn, arg: unknown): void {
    if (this.#closed) throw closedError();
    this.#ready.push(fn, arg);
    if (this.#hostWaiting) this.#wakeHost();
  }

  /** @internal Adds a timer entry due at `when`; `Infinity` is never due and is not stored. */
  _scheduleTimer(when: number, entry: TimerEntry): void {
    if (this.#closed) throw closedError();
    if (when === Infinity) return;
    this.#timers.push(when, this.#timerSeq++, entry);
    if (this.#hostWaiting) this.#wakeHost();
  }

  /** @internal Called once by each timer entry cancelled while in the heap. */
  _timerCancelled(): void {
    this.#timers.noteCancelled();
  }

  /**
   * Counts one host wake-up still expected (a pending host promise, a worker
   * job). A virtual clock does not jump while any is counted, and a loop with
   * one is not deadlocked.
   *
   * @example A ref keeps a virtual loop from declaring a deadlock
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { EventLoop } from "yieldio";
   * const loop = new EventLoop({ clock: "virtual" });
   * const fut = loop.createFuture<string>();
   * loop.ref();
   * setTimeout(() => { fut.setResult("host"); loop.unref(); }, 1);
   * assertEquals(await loop.runUntilComplete(fut), "host");
   * ```
   */
  ref(): void {
    this.#refs++;
  }

  /**
   * Releases one {@linkcode ref}.
   *
   * @throws {InvalidStateError} Without a matching `ref()`.
   */
  unref(): void {
    if (this.#refs === 0) throw new InvalidStateError("unref() was called more often than ref()");
    if (--this.#refs === 0 && this.#hostWaiting) this.#wakeHost();
  }

  // ----------------------------------------------------------------- iteration

  /**
   * Runs one iteration (see the module doc for its phases) as a driver of
   * its own: the loop counts as running meanwhile. It never blocks; a virtual
   * clock jumps to the next deadline when nothing is ready. Useful to step a
   * loop by hand in tests.
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
      this.#iterate();
    } finally {
      this.#leaveRun();
    }
  }

  /** One iteration; returns how many callbacks it ran (for slice accounting). */
  #iterate(): number {
    this.#timers.dropCancelled(); //                 1. drop cancelled timers
    const timeout = this.#idleTimeout(); //          2. compute the idle timeout
    if (timeout !== 0) this.#idleWait(timeout); //   3. wait
    this.#moveDueTimers(); //                        4. move due timers
    return this.#runReady(); //                      5. run the ready snapshot
  }

  /** 0 when work is ready or the loop stops; ms to the next deadline; null when none. */
  #idleTimeout(): number | null {
    if (this.#ready.length > 0 || this.#stopping) return 0;
    const when = this.#timers.peekWhen();
    if (when === Infinity) return null;
    const delta = when - this.#clock.now();
    return delta > this.#clock.resolution ? delta : 0;
  }

  #idleWait(timeout: number | null): void {
    const jumpTo = this.#clock.jumpTo;
    if (jumpTo !== undefined) {
      if (this.#refs === 0) {
        // Virtual time: nothing can happen before the next deadline, so go there.
        if (timeout !== null) jumpTo.call(this.#clock, this.#timers.peekWhen());
        else if (this.#driver !== STEPPING) throw this._deadlock();
        return;
      }
      timeout = null; // the host still owes a wake-up: virtual time stands still until then
    }
    if (this.#driver !== BLOCKING) return; // the host driver waits between slices instead
    if (timeout === null && this.#refs === 0) throw this._deadlock();
    const idle = this.#blockingIdle as BlockingIdleAdapter;
    const seq = idle.snapshot();
    if (this.#ready.length > 0) return; // last look after the snapshot: a wake-up since then is not lost
    idle.wait(timeout, seq);
  }

  #moveDueTimers(): void {
    const timers = this.#timers;
    if (timers.size === 0) return;
    const end = this.#clock.now() + this.#clock.resolution;
    while (timers.size > 0 && timers.peekWhen() <= end) {
      const timer = timers.pop();
      if (!timer.cancelled()) this.#ready.push(runEntry, timer);
    }
  }

  #runReady(): number {
    const ready = this.#ready;
    const count = ready.length; // the snapshot: later arrivals wait for the next iteration
    if (this.#debug) {
      this.#runReadyTimed(count);
      return count;
    }
    for (let n = count; n > 0; n--) {
      const fn = ready.pop();
      const arg = ready.poppedArg;
      try {
        fn(arg);
      } catch (exception) {
        this.#reportCallbackError(exception, fn, arg);
      }
    }
    ready.poppedArg = undefined;
    return count;
  }

  /** Debug mode's phase 5: the same, timing each callback. */
  #runReadyTimed(count: number): void {
    const ready = this.#ready, real = this.#real;
    for (let n = count; n > 0; n--) {
      const fn = ready.pop();
      const arg = ready.poppedArg;
      const start = real.now();
      try {
        fn(arg);
      } catch (exception) {
        this.#reportCallbackError(exception, fn, arg);
      }
      const took = real.now() - start;
      if (took >= this.slowCallbackDuration) {
        console.warn(`yieldio: executing ${describeWork(fn, arg)} took ${took.toFixed(3)} ms`);
      }
    }
    ready.poppedArg = undefined;
  }

  #reportCallbackError(exception: unknown, fn: ReadyFn, arg: unknown): void {
    this.callExceptionHandler({
      message: `Exception in callback ${describeWork(fn, arg)}`,
      exception,
      ...(arg instanceof Handle ? { handle: arg } : {}),
    });
  }

  /**
   * @internal The error a stuck loop raises; the task layer overrides it to
   * name the pending tasks.
   */
  _deadlock(): Error {
    return new DeadlockError([], "");
  }

  // ------------------------------------------------------------------- drivers

  /**
   * Runs iterations until {@linkcode stop}, yielding to the host between
   * slices of about 5 ms so timers, I/O, promises and rendering keep going.
   *
   * @returns A promise that settles when the loop stops (rejects with the
   *   error that stopped it, such as a {@linkcode DeadlockError}).
   *
   * @example Stopping from a callback
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { EventLoop } from "yieldio";
   * const loop = new EventLoop();
   * let ran = false;
   * loop.callSoon(() => { ran = true; loop.stop(); });
   * await loop.runForever();
   * assertEquals([ran, loop.isRunning()], [true, false]);
   * loop.close();
   * ```
   */
  runForever(): Promise<void> {
    try {
      this.#hostAdapter();
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
   * (`Atomics.wait`): the seed's `while (!stopped) runOnce()`.
   *
   * @throws {CannotBlockError} On a browser window's main thread.
   * @throws {DeadlockError} When nothing can ever happen again.
   *
   * @example A blocking loop
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { EventLoop, blockingRefusal } from "yieldio";
   * if (blockingRefusal() === null) {
   *   const loop = new EventLoop({ clock: "virtual" });
   *   loop.callLater(1000, () => loop.stop());
   *   loop.runForeverSync();
   *   assertEquals(loop.time(), 1000);
   * }
   * ```
   */
  runForeverSync(): void {
    this.#blockingAdapter();
    this.#enterRun(BLOCKING);
    try {
      for (;;) {
        this.#iterate();
        if (this.#stopping) break;
      }
    } finally {
      this.#leaveRun();
    }
  }

  /**
   * Asks the loop to stop: the current iteration finishes, then the driver
   * returns. Called before a driver starts, the next run does one iteration.
   */
  stop(): void {
    this.#stopping = true;
    if (this.#hostWaiting) this.#wakeHost();
  }

  /** @returns Whether a driver is running this loop. */
  isRunning(): boolean {
    return this.#driver !== NOT_RUNNING;
  }

  /** @returns Whether {@linkcode close} was called. */
  isClosed(): boolean {
    return this.#closed;
  }

  /**
   * Discards scheduled work and releases host resources. Idempotent.
   *
   * @throws {InvalidStateError} While the loop is running.
   */
  close(): void {
    if (this.#driver !== NOT_RUNNING) throw new InvalidStateError("cannot close a running event loop; stop() it first");
    if (this.#closed) return;
    this.#closed = true;
    this.#ready.clear();
    this.#timers.clear();
    this.#hostIdle?.close();
    this.#blockingIdle?.close();
  }

  /** One host macrotask's worth of iterations; bound once, handed to the adapter. */
  #slice = (): void => {
    this.#hostWaiting = false;
    const end = this.#real.now() + SLICE_MS;
    try {
      for (let work = 0;;) {
        work += 1 + this.#iterate();
        if (this.#stopping) return this.#finishRun(null);
        if (!this.#canProgressNow()) break;
        if (work >= SLICE_CHECK_EVERY) {
          if (this.#real.now() >= end) break;
          work = 0;
        }
      }
      this.#armHost();
    } catch (error) {
      this.#finishRun(error);
    }
  };

  /** Whether another iteration now would run something (or jump a virtual clock). */
  #canProgressNow(): boolean {
    if (this.#ready.length > 0 || this.#stopping) return true;
    const when = this.#timers.peekWhen();
    if (when === Infinity) return false;
    if (this.#clock.jumpTo !== undefined) return this.#refs === 0;
    return when <= this.#clock.now() + this.#clock.resolution;
  }

  /** Ends a slice: asks the host adapter for the next one. */
  #armHost(): void {
    const idle = this.#hostIdle as HostIdleAdapter;
    if (this.#canProgressNow()) return idle.schedule(0, this.#slice);
    let timeout: number | null = null;
    if (this.#clock.jumpTo !== undefined) {
      if (this.#refs === 0) throw this._deadlock(); // nothing ready, no timer, no host work owed
    } else {
      const when = this.#timers.peekWhen();
      if (when !== Infinity) timeout = when - this.#clock.now();
    }
    this.#hostWaiting = true;
    idle.schedule(timeout, this.#slice);
  }

  #wakeHost(): void {
    this.#hostWaiting = false;
    (this.#hostIdle as HostIdleAdapter).wake();
  }

  #finishRun(error: unknown): void {
    const settle = this.#settleRun as (error: unknown) => void;
    this.#settleRun = null;
    this.#leaveRun();
    settle(error);
  }

  /**
   * @internal Throws unless a driver could start now: the loop is open, not
   * running, and no other loop runs on this thread.
   */
  _checkCanRun(): void {
    if (this.#closed) throw closedError();
    if (this.#driver !== NOT_RUNNING) throw new InvalidStateError("this event loop is already running");
    if (runningLoop !== null) {
      throw new InvalidStateError("cannot run an event loop while another loop is running on this thread");
    }
  }

  /** @internal Whether a blocking driver runs the loop (no host callback can run meanwhile). */
  _isBlocking(): boolean {
    return this.#driver === BLOCKING;
  }

  #enterRun(driver: Driver): void {
    this._checkCanRun();
    this.#driver = driver;
    runningLoop = this;
  }

  #leaveRun(): void {
    // asyncio: a stop() during a single step stays pending for the next run.
    if (this.#driver !== STEPPING) this.#stopping = false;
    this.#driver = NOT_RUNNING;
    this.#hostWaiting = false;
    runningLoop = null;
  }

  #hostAdapter(): HostIdleAdapter {
    if (this.#hostIdle === null) {
      if (this.#blockingIdle !== null) {
        throw new InvalidStateError(
          "this loop was given a blocking idle adapter; drive it with runForeverSync()/runUntilCompleteSync()",
        );
      }
      this.#hostIdle = defaultHostIdle();
    }
    return this.#hostIdle;
  }

  #blockingAdapter(): BlockingIdleAdapter {
    if (this.#blockingIdle === null) {
      if (this.#hostIdle !== null) {
        throw new InvalidStateError(
          "this loop was given a host-driven idle adapter; drive it with runForever()/runUntilComplete()",
        );
      }
      this.#blockingIdle = defaultBlockingIdle();
    }
    return this.#blockingIdle;
  }

  // ---------------------------------------------------------------- exceptions

  /**
   * Sets the function that receives errors nobody else can: exceptions thrown
   * by callbacks, exceptions of futures that were never retrieved. `null`
   * restores the default, which logs with `console.error`.
   *
   * @param handler Called as `handler(loop, context)`.
   * @throws {TypeError} When `handler` is neither a function nor null.
   *
   * @example Collecting callback errors
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { EventLoop, Handle } from "yieldio";
   * const loop = new EventLoop({ clock: "virtual" });
   * const seen: string[] = [];
   * loop.setExceptionHandler((_loop, ctx) => seen.push(ctx.message));
   * loop.callSoon(function boom() { throw new Error("x"); });
   * loop.callSoon(() => seen.push("the loop went on"));
   * loop.runOnce();
   * assertEquals(seen, ["Exception in callback <Handle boom()>", "the loop went on"]);
   * ```
   */
  setExceptionHandler(handler: ((loop: this, context: ExceptionContext) => void) | null): void {
    if (handler !== null && typeof handler !== "function") {
      throw new TypeError(`setExceptionHandler expects a function or null, got ${describeValue(handler)}`);
    }
    this.#exceptionHandler = handler;
  }

  /** @returns The handler set by {@linkcode setExceptionHandler}, or null. */
  getExceptionHandler(): ((loop: this, context: ExceptionContext) => void) | null {
    return this.#exceptionHandler;
  }

  /**
   * Sends `context` to the exception handler (or the default one). Errors the
   * handler throws are logged, never propagated.
   *
   * @param context At least a `message`; often `exception`, `future`, `task`, `handle`.
   */
  callExceptionHandler(context: ExceptionContext): void {
    const handler = this.#exceptionHandler;
    if (handler === null) return defaultExceptionHandler(context);
    try {
      handler(this, context);
    } catch (exception) {
      defaultExceptionHandler({ message: "Unhandled error in exception handler", exception, context });
    }
  }

  // --------------------------------------------------------------------- debug

  /** Turns debug mode on or off (slow-callback warnings, creation sites). */
  setDebug(enabled: boolean): void {
    this.#debug = enabled === true;
  }

  /** @returns Whether debug mode is on. */
  getDebug(): boolean {
    return this.#debug;
  }

  /** @returns A description like `<EventLoop running clock=virtual>`. */
  toString(): string {
    const state = this.#closed ? "closed" : this.#driver !== NOT_RUNNING ? "running" : "idle";
    const clock = this.#clock instanceof VirtualClock ? " clock=virtual" : "";
    return `<EventLoop ${state}${clock} ready=${this.#ready.length} timers=${this.#timers.size}>`;
  }
}

/**
 * The handler used when none is set: one `console.error` with the message and
 * every other field of the context.
 *
 * @param context What happened.
 */
export function defaultExceptionHandler(context: ExceptionContext): void {
  console.error(formatExceptionContext(context));
}

function describeWork(fn: ReadyFn, arg: unknown): string {
  return fn === runEntry || (typeof arg === "object" && arg !== null) ? String(arg) : describeCallback(fn);
}

function closedError(): InvalidStateError {
  return new InvalidStateError("the event loop is closed");
}

function checkCallback(callback: unknown, method: string): void {
  if (typeof callback !== "function") {
    throw new TypeError(`${method} expects a function to call, got ${describeValue(callback)}`);
  }
}

function checkTime(value: unknown, method: string, name: string): void {
  if (typeof value !== "number") {
    throw new TypeError(`${method} expects ${name} as a number of ms, got ${describeValue(value)}`);
  }
  if (Number.isNaN(value)) throw new RangeError(`${method} got NaN for ${name}; pass a number of ms`);
}
