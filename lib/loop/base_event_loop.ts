/**
 * The event loop core (asyncio's `BaseEventLoop`): what is scheduled, one
 * iteration over it, and who runs the iterations. A ready queue, a timer heap
 * and a clock; nothing about futures or tasks (`lib/task/event_loop.ts` adds
 * those). One class, whose fields are the whole loop, with small helper
 * objects beside it: `ReadyQueue`, `TimerHeap`, `Clock`, `Instruments`,
 * `Schedule`, `Inbox` and the idle adapters.
 *
 * One iteration is five named phases, listed in the same order in the README
 * ("How one iteration works"):
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
 * Phase 5 is the only place callbacks run, and the only place that orders
 * ready work; `seq`, assigned in {@linkcode BaseEventLoop._scheduleTimer}, is
 * the only thing that orders equal deadlines.
 *
 * Three drivers run iterations:
 *
 * - the **host-driven** driver (`runForever`) runs them in slices of about
 *   5 ms, then returns to the host and asks its idle adapter for the next
 *   slice: at once when work is ready, at the next deadline, or only when
 *   woken. Timers, I/O, promises and rendering keep going in between;
 * - the **blocking** driver (`runForeverSync`) is the seed's
 *   `while (!stopped) run_once()`, blocking the thread in `Atomics.wait` while
 *   idle (phase 3);
 * - `runOnce()` is a driver of one iteration, for stepping a loop by hand.
 *
 * A thread runs at most one loop at a time (asyncio's rule); while a driver
 * runs, that loop is the thread's running loop, also between slices, so host
 * callbacks reach it. A loop that can never progress (nothing ready, no timer,
 * no host wake-up owed) raises `DeadlockError` under a virtual clock or a
 * blocking driver instead of hanging.
 *
 * @module
 */

import { describeValue, safeString } from "../_describe.ts";
import { DeadlockError, InvalidStateError } from "../errors.ts";
import { type Clock, clockFor, realClock } from "./clock.ts";
import { enterCallbacks, leaveCallback, leaveContext } from "./context.ts";
import { defaultExceptionHandler, type ExceptionContext } from "./exception_context.ts";
import {
  type Callback,
  creationSiteOf,
  describeCallback,
  Handle,
  noteCreationSite,
  runEntry,
  TimerHandle,
} from "./handle.ts";
import type { BlockingIdleAdapter, HostIdleAdapter, IdleAdapter, WakeHandle } from "./idle/adapter.ts";
import { defaultBlockingIdle, defaultHostIdle } from "./idle/detect.ts";
import { Inbox, type InboxSource } from "./inbox.ts";
import { type Instrument, Instruments } from "./instruments.ts";
import { type ReadyFn, ReadyQueue } from "./ready_queue.ts";
import { Schedule, type ScheduleOptions } from "./schedule.ts";
import { type TimerEntry, TimerHeap } from "./timer_heap.ts";

export { defaultExceptionHandler, type ExceptionContext };

/** Options for a new loop. */
export interface EventLoopOptions {
  /**
   * `"real"` (default): `performance.now()`. `"virtual"`: starts at 0 and jumps
   * to the next deadline whenever nothing is ready. Or any {@linkcode Clock}.
   */
  clock?: "real" | "virtual" | Clock;
  /** Debug mode: slow-callback warnings and creation sites (default false). */
  debug?: boolean;
  /**
   * Permute, with a seeded generator, what FIFO order would fix: equal
   * deadlines (`"timers"`), the task steps of one iteration (`"tasks"`), or
   * both and every callback (`"all"`). For finding races; default none.
   */
  schedule?: ScheduleOptions;
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

/**
 * Something that must let go of the host (a signal listener) while a loop
 * idles owing it nothing: only an event the loop was not told about can wake
 * it then, and holding on could keep a process from exiting.
 */
export interface HostReleaser {
  /** Let go: the host driver went back to the host owing it nothing. */
  release(): void;
  /** Take hold again: the loop woke. */
  resume(): void;
}

/** How long a host-driven slice runs iterations before yielding to the host. */
const SLICE_MS = 5;
/** A slice reads the real clock once per this many iterations plus callbacks. */
const SLICE_CHECK_EVERY = 64;

/** Who runs the loop: nobody, a host-driven or blocking driver, or one `runOnce()` call. */
const NOT_RUNNING = 0, HOST = 1, BLOCKING = 2, STEPPING = 3;
type Driver = typeof NOT_RUNNING | typeof HOST | typeof BLOCKING | typeof STEPPING;

const NO_ARGS: readonly unknown[] = Object.freeze([]);

/** The loop running on this thread, if any. */
let runningLoop: BaseEventLoop<unknown> | null = null;

/** @internal The loop whose driver runs on this thread now, or null. */
export function _runningLoop(): BaseEventLoop<unknown> | null {
  return runningLoop;
}

/**
 * The event loop core: scheduling, iterations, drivers, the exception
 * handler, debug mode and instruments. `EventLoop` (which adds futures and
 * tasks) is the class programs construct; every method here is one of its
 * methods. `T` is the loop's task type, which its instruments receive.
 *
 * @example Callbacks run in the order they were scheduled, timers at their deadline
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { EventLoop } from "yieldio";
 * const loop = new EventLoop({ clock: "virtual" });
 * const order: string[] = [];
 * loop.callLater(10, () => order.push(`timer at ${loop.time()}`));
 * loop.callSoon(() => order.push("first"));
 * loop.callSoon(() => order.push("second"));
 * loop.callLater(20, () => loop.stop());
 * await loop.runForever();
 * assertEquals(order, ["first", "second", "timer at 10"]);
 * loop.close();
 * ```
 */
export class BaseEventLoop<T = unknown> {
  #clock: Clock;
  /** The host clock, for measuring real durations even on a virtual loop. */
  #real: Clock;
  /** Decided once: a clock the loop may move itself (virtual time) has `jumpTo`. */
  #virtual: boolean;
  #ready = new ReadyQueue();
  #timers = new TimerHeap<TimerEntry>();
  #timerSeq = 0;
  /** Invariant: null unless a seeded schedule was asked for (FIFO loops pay one null check). */
  #schedule: Schedule | null;
  #refs = 0;
  #stopping = false;
  #closed = false;
  /** Invariant: true only while a driver waits for the host with nothing posted; new work must wake it. */
  #sleeping = false;
  /** One increment per iteration: `inspect()` reports it. */
  #iterations = 0;
  #debug: boolean;
  #exceptionHandler: ((loop: this, context: ExceptionContext) => void) | null = null;
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
  /** Host resources (sockets, listeners, child processes) that close with the loop if still open; or null. */
  #closeWith: Set<{ close(): void }> | null = null;
  /** What lets go of the host while this loop idles owing it nothing, each with its count of requests; or null. */
  #releasers: Map<HostReleaser, number> | null = null;
  /** Invariant: true exactly while the host driver sleeps owing the host nothing and its releasers let go. */
  #released = false;
  /**
   * @internal The installed instruments, read by the task layer's step.
   * Invariant: null while no instrument is installed, so a task step pays one
   * null check for them.
   */
  _instruments: Instruments | null = null;
  /**
   * @internal The ready function of a task step, set by the task layer, so a
   * `"tasks"` schedule knows which ready work to permute.
   */
  protected taskStepFn: ReadyFn | null = null;
  /** In debug mode, a callback (or task step) that takes this many ms or more is reported. */
  slowCallbackDuration = 100;

  /**
   * A loop with no work, not running, with no host callback armed until a
   * driver runs it. Programs make an `EventLoop` (this plus tasks), or let
   * `run()` make one.
   *
   * @param options Clock, idle adapter, debug mode, seeded schedule, deadlock detection.
   * @throws {TypeError} For an unknown clock, a malformed adapter, or a seed or shuffle mode of the wrong type.
   * @throws {RangeError} For a seed that is not a safe integer or an unknown shuffle mode.
   */
  constructor(options: EventLoopOptions = {}) {
    this.#debug = options.debug === true;
    this.#real = realClock();
    this.#clock = clockFor(options.clock);
    this.#virtual = this.#clock.jumpTo !== undefined;
    this.#schedule = options.schedule === undefined ? null : new Schedule(options.schedule);
    this.#detectDeadlock = options.detectDeadlock === true;
    const idle = options.idle;
    if (idle === undefined) return;
    checkIdleAdapter(idle);
    if (idle.kind === "host") this.#hostIdle = idle;
    else this.#blockingIdle = idle;
    this.#idleGiven = true;
  }

  // -------------------------------------------------------------- scheduling

  /**
   * Like asyncio's `loop.time()`, in ms: the time deadlines (`callAt`, `when()`) are on.
   * @returns The loop's current time in ms (its clock's `now()`).
   */
  time(): number {
    return this.#clock.now();
  }

  /**
   * Schedules `callback(...args)` for the next iteration, after everything
   * already scheduled (FIFO). Host callbacks (I/O, DOM events, worker
   * messages) may call it too: it wakes a loop that went back to the host.
   *
   * @param callback The function to call.
   * @param args Its arguments.
   * @returns A handle that can cancel the call.
   * @throws {TypeError} When `callback` is not a function.
   * @throws {InvalidStateError} When the loop is closed.
   *
   * @example Arguments are passed through, in FIFO order
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { EventLoop } from "yieldio";
   * const loop = new EventLoop({ clock: "virtual" });
   * const seen: number[] = [];
   * loop.callSoon((n: number) => seen.push(n), 1);
   * loop.callSoon((n: number) => seen.push(n), 2);
   * loop.runOnce();
   * assertEquals(seen, [1, 2]);
   * loop.close();
   * ```
   */
  callSoon<A extends unknown[]>(callback: (...args: A) => unknown, ...args: A): Handle;
  callSoon(callback: Callback): Handle {
    if (typeof callback !== "function") throw notAFunction(callback, "callSoon");
    // `arguments`, not a rest parameter: no array is made for the common no-argument call.
    const handle = new Handle(callback, arguments.length > 1 ? Array.prototype.slice.call(arguments, 1) : NO_ARGS);
    if (this.#debug) noteCreationSite(handle, 1);
    this._callSoon(runEntry, handle);
    return handle;
  }

  /**
   * {@linkcode callSoon} for work from outside: host callbacks and other
   * threads (through the loop's inbox). Every scheduling call already wakes a
   * loop that went back to the host, so this is `callSoon` under asyncio's name.
   *
   * @param callback The function to call.
   * @param args Its arguments.
   * @returns A handle that can cancel the call.
   * @throws {TypeError} When `callback` is not a function.
   * @throws {InvalidStateError} When the loop is closed.
   *
   * @example A host timer hands work to a running loop
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { EventLoop } from "yieldio";
   * const loop = new EventLoop();
   * const from: string[] = [];
   * setTimeout(() => loop.callSoonThreadsafe(() => (from.push("host"), loop.stop())), 1);
   * loop.ref(); // a host wake-up is owed, so nothing counts as stuck meanwhile
   * await loop.runForever();
   * loop.unref();
   * assertEquals(from, ["host"]);
   * loop.close();
   * ```
   */
  callSoonThreadsafe<A extends unknown[]>(callback: (...args: A) => unknown, ...args: A): Handle {
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
   * @example A timer fires at its deadline on the loop's clock
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { EventLoop } from "yieldio";
   * const loop = new EventLoop({ clock: "virtual" });
   * const fired: number[] = [];
   * const handle = loop.callLater(250, () => (fired.push(loop.time()), loop.stop()));
   * await loop.runForever();
   * assertEquals([handle.when(), fired], [250, [250]]);
   * loop.close();
   * ```
   */
  callLater<A extends unknown[]>(delay: number, callback: (...args: A) => unknown, ...args: A): TimerHandle {
    checkTime(delay, "callLater", "delay");
    if (typeof callback !== "function") throw notAFunction(callback, "callLater");
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
   * @example Equal deadlines keep the order they were scheduled in
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { EventLoop } from "yieldio";
   * const loop = new EventLoop({ clock: "virtual" });
   * const order: string[] = [];
   * loop.callAt(100, () => order.push("a"));
   * loop.callAt(100, () => order.push("b"));
   * loop.callAt(50, () => order.push("early"));
   * loop.callAt(100, () => loop.stop());
   * await loop.runForever();
   * assertEquals(order, ["early", "a", "b"]);
   * loop.close();
   * ```
   */
  callAt<A extends unknown[]>(when: number, callback: (...args: A) => unknown, ...args: A): TimerHandle {
    checkTime(when, "callAt", "when");
    if (typeof callback !== "function") throw notAFunction(callback, "callAt");
    return this.#callAt(when, callback as Callback, args);
  }

  #callAt(when: number, callback: Callback, args: unknown[]): TimerHandle {
    const handle = new TimerHandle(when, callback, args, this);
    if (this.#debug) noteCreationSite(handle, 2);
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
    if (this.#sleeping) this.#wake();
  }

  /** @internal Adds a timer entry due at `when`; `Infinity` is never due and is not stored. */
  _scheduleTimer(when: number, entry: TimerEntry): void {
    if (this.#closed) throw closedError();
    if (when === Infinity) return;
    const count = this.#timerSeq++;
    this.#timers.push(when, this.#schedule === null ? count : this.#schedule.timerSeq(count), entry);
    if (this.#sleeping) this.#wake();
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
   * @example A virtual clock waits for the host while a wake-up is owed
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { EventLoop } from "yieldio";
   * const loop = new EventLoop({ clock: "virtual" });
   * loop.callLater(1000, () => loop.stop());
   * loop.ref();
   * setTimeout(() => loop.callSoon(() => loop.unref()), 1);
   * await loop.runForever();
   * assertEquals(loop.time(), 1000); // it jumped only once the ref was released
   * loop.close();
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
    if (--this.#refs === 0 && this.#sleeping) this.#wake();
  }

  // ----------------------------------------------------------------- running

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
    const outer = enterCallbacks();
    try {
      this.#iterate();
    } finally {
      leaveContext(outer);
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
   * import { EventLoop } from "yieldio";
   * const loop = new EventLoop({ clock: "virtual" });
   * loop.callLater(1000, () => loop.stop());
   * loop.runForeverSync(); // a browser window's main thread would throw CannotBlockError
   * assertEquals(loop.time(), 1000);
   * loop.close();
   * ```
   */
  runForeverSync(): void {
    this._prepareDriver(true);
    this.#enterRun(BLOCKING);
    const outer = enterCallbacks();
    try {
      const idle = this.#blockingIdle as BlockingIdleAdapter;
      do {
        if (this.#inbox !== null) this.#inbox.poll(idle.snapshot()); // also when the loop never gets to wait
        this.#iterate();
      } while (!this.#stopping);
    } finally {
      leaveContext(outer);
      this.#leaveRun();
    }
  }

  /**
   * Asks the loop to stop: the current iteration finishes, then the driver
   * returns. Called before a driver starts, the next run does one iteration.
   *
   * @example stop() lets the iteration in progress finish
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { EventLoop } from "yieldio";
   * const loop = new EventLoop({ clock: "virtual" });
   * const ran: string[] = [];
   * loop.callSoon(() => (loop.stop(), ran.push("stopper")));
   * loop.callSoon(() => ran.push("same iteration"));
   * await loop.runForever();
   * assertEquals(ran, ["stopper", "same iteration"]);
   * loop.close();
   * ```
   */
  stop(): void {
    this.#stopping = true;
    if (this.#sleeping) this.#wake();
  }

  /**
   * Like asyncio's `loop.is_running()`.
   * @returns Whether a driver is running this loop: `runForever()`, `runUntilComplete()`, their `…Sync`
   *   forms, or a `runOnce()` pass.
   */
  isRunning(): boolean {
    return this.#driver !== NOT_RUNNING;
  }

  /**
   * Like asyncio's `loop.is_closed()`.
   * @returns Whether `close()` was called.
   */
  isClosed(): boolean {
    return this.#closed;
  }

  /**
   * Discards scheduled work and releases host resources; scheduling throws
   * from then on. Idempotent.
   *
   * @throws {InvalidStateError} While the loop is running.
   */
  close(): void {
    if (this.#driver !== NOT_RUNNING) throw new InvalidStateError("cannot close a running event loop; stop() it first");
    if (this.#closed) return;
    // Newest first, while the loop can still take the callbacks closing them schedules (then discarded).
    for (const resource of [...this.#closeWith ?? []].reverse()) resource.close();
    this.#closeWith = null;
    this.#closed = true;
    this.#ready.clear();
    this.#timers.clear();
    this.#inbox?.close();
    this.#hostIdle?.close();
    this.#blockingIdle?.close();
  }

  // ----------------------------------------------------------- one iteration

  /** One iteration (the five phases); returns how many callbacks ran. */
  #iterate(): number {
    this.#iterations++;
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

  /**
   * Phase 3, by driver: a virtual clock with no host wake-up owed jumps; a
   * blocking driver sleeps until the deadline or a wake-up; a host driver
   * never waits here. A loop that can never progress is a deadlock.
   */
  #idleWait(timeout: number | null): void {
    if (this.#stuck() && this.#driver !== STEPPING && (this.#driver === BLOCKING || this.#mayDeclareDeadlock())) {
      throw this.deadlockError();
    }
    if (this.#virtual && this.#refs === 0) {
      if (timeout === null) return;
      this.#instrument("beforeIdleWait", timeout);
      (this.#clock.jumpTo as (when: number) => void)(this.#timers.peekWhen());
      return this.#instrument("afterIdleWait", timeout);
    }
    if (this.#driver !== BLOCKING) return;
    // With host work owed, virtual time stands still: only a wake-up can help.
    if (this.#virtual) timeout = null;
    const idle = this.#blockingIdle as BlockingIdleAdapter;
    const seq = idle.snapshot();
    this.#inbox?.poll(seq); // other threads' work, drained after the snapshot and before the last look
    if (this.#canProgressNow()) return; // the last look comes after the snapshot: a wake-up since is not lost
    this.#instrument("beforeIdleWait", timeout);
    idle.wait(timeout, seq);
    this.#instrument("afterIdleWait", timeout);
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
    if (this.#schedule !== null) this.#schedule.shuffleBatch(ready, count, this.taskStepFn);
    if (this.#debug) return this.#runReadyTimed(count);
    for (let n = count; n > 0; n--) {
      const fn = ready.pop();
      const arg = ready.poppedArg;
      try {
        fn(arg);
      } catch (exception) {
        leaveCallback(); // a one-shot callback's context, which it could not end itself
        this.#reportCallbackError(exception, fn, arg);
      }
    }
    ready.poppedArg = undefined;
    return count;
  }

  /**
   * Phase 5 in debug mode: runs the `count` ready callbacks like the plain
   * phase, timing each on the host clock and warning about the ones that take
   * `slowCallbackDuration` ms or more. Apart from the plain loop, which pays
   * nothing for it.
   */
  #runReadyTimed(count: number): number {
    const ready = this.#ready;
    for (let n = count; n > 0; n--) {
      const fn = ready.pop();
      const arg = ready.poppedArg;
      const start = this.#real.now();
      try {
        fn(arg);
      } catch (exception) {
        leaveCallback(); // a one-shot callback's context, which it could not end itself
        this.#reportCallbackError(exception, fn, arg);
      }
      const took = this.#real.now() - start;
      if (took >= this.slowCallbackDuration) {
        // A task prints its own creation site; a handle's is kept aside (debug mode records it).
        const site = creationSiteOf(arg);
        const created = site === undefined ? "" : ` (created at ${site})`;
        console.warn(`yieldio: executing ${describeWork(fn, arg)}${created} took ${took.toFixed(3)} ms`);
      }
    }
    ready.poppedArg = undefined;
    return count;
  }

  // ----------------------------------------------------------------- drivers

  /** Whether an iteration now would run something (or jump a virtual clock). */
  #canProgressNow(): boolean {
    if (this.#ready.length > 0 || this.#stopping) return true;
    const when = this.#timers.peekWhen();
    if (when === Infinity) return false;
    if (this.#virtual) return this.#refs === 0;
    return when <= this.#clock.now() + this.#clock.resolution;
  }

  /** Whether nothing can ever wake this loop: nothing ready, no timer, no ref. */
  #stuck(): boolean {
    return this.#ready.length === 0 && !this.#stopping && this.#timers.peekWhen() === Infinity && this.#refs === 0;
  }

  /** A host-driven loop with nothing that can wake it is deadlocked when virtual, or when it opted in. */
  #mayDeclareDeadlock(): boolean {
    return this.#virtual || this.#detectDeadlock;
  }

  /** One host macrotask's worth of iterations; bound once, handed to the adapter. */
  #slice = (): void => {
    this.#sleeping = false;
    if (this.#released) this.#resumeReleased();
    if (this.#hostIdleWait !== false) {
      this.#instrument("afterIdleWait", this.#hostIdleWait);
      this.#hostIdleWait = false;
    }
    const end = this.#real.now() + SLICE_MS;
    const outer = enterCallbacks();
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
    } finally {
      leaveContext(outer);
    }
  };

  /** Ends a slice: asks the host adapter for the next one. */
  #armHost(): void {
    const idle = this.#hostIdle as HostIdleAdapter;
    if (this.#canProgressNow()) return idle.schedule(0, this.#slice);
    if (this.#mayDeclareDeadlock() && this.#stuck()) throw this.deadlockError();
    // How long the host may sleep: to the next real deadline, or until woken (virtual time waits on the host only).
    const when = this.#timers.peekWhen();
    const timeout = when === Infinity || this.#virtual ? null : when - this.#clock.now();
    this.#sleeping = true;
    if (timeout === null && this.#refs === 0 && this.#releasers !== null) {
      this.#released = true;
      for (const releaser of this.#releasers.keys()) releaser.release();
    }
    if (this._instruments !== null) {
      this.#hostIdleWait = timeout;
      this.#instrument("beforeIdleWait", timeout);
    }
    idle.schedule(timeout, this.#slice);
  }

  #resumeReleased(): void {
    this.#released = false;
    for (const releaser of this.#releasers?.keys() ?? []) releaser.resume();
  }

  /** Wakes the host driver's adapter: new work arrived while it slept. */
  #wake(): void {
    this.#sleeping = false;
    this.#hostIdle?.wake();
  }

  #finishRun(error: unknown): void {
    const settle = this.#settleRun as (error: unknown) => void;
    this.#settleRun = null;
    this.#leaveRun();
    settle(error);
  }

  #enterRun(driver: Driver): void {
    this.#checkCanRun();
    this.#driver = driver;
    runningLoop = this;
    if (driver !== STEPPING) this.#instrument("beforeRun");
  }

  #leaveRun(): void {
    const driver = this.#driver;
    if (driver !== STEPPING) {
      this.#instrument("afterRun"); // still the running loop for its hooks
      this.#stopping = false; // asyncio: a stop() during a single step stays pending for the next run
    }
    this.#driver = NOT_RUNNING;
    this.#sleeping = false;
    this.#hostIdleWait = false;
    if (this.#released) this.#resumeReleased();
    runningLoop = null;
  }

  /** Throws unless a driver could start now: the loop is open, not running, and no other loop runs on this thread. */
  #checkCanRun(): void {
    if (this.#closed) throw closedError();
    if (this.#driver !== NOT_RUNNING) throw new InvalidStateError("this event loop is already running");
    if (runningLoop !== null) {
      throw new InvalidStateError("cannot run an event loop while another loop is running on this thread");
    }
  }

  /**
   * @internal Throws unless a driver of the given kind could start now: the
   * loop is open and not running, no other loop runs on this thread, and an
   * idle adapter of that kind exists that this thread allows
   * (`CannotBlockError` on a browser window's main thread). Called before
   * anything is created that a refused start would strand.
   */
  _prepareDriver(blocking: boolean): void {
    this.#checkCanRun();
    if (blocking) this.#blockingAdapter();
    else this.#hostAdapter();
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

  /**
   * The error a stuck loop raises. The task layer overrides it to name the
   * pending tasks and what each waits on.
   */
  protected deadlockError(): Error {
    return new DeadlockError([], "");
  }

  // ------------------------------------------------ errors, debug mode, hooks

  /**
   * Sets the function that receives errors nobody else can: exceptions thrown
   * by callbacks, exceptions of futures that were never retrieved. `null`
   * restores the default, which logs with `console.error`.
   *
   * @param handler Called as `handler(loop, context)`.
   * @throws {TypeError} When `handler` is neither a function nor null.
   *
   * @example Collecting what a callback threw
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { EventLoop } from "yieldio";
   * const loop = new EventLoop({ clock: "virtual" });
   * const messages: string[] = [];
   * loop.setExceptionHandler((_loop, context) => messages.push(context.message));
   * loop.callSoon(function tick() {
   *   throw new Error("boom");
   * });
   * loop.runOnce();
   * assertEquals(messages, ["Exception in callback <Handle tick()>"]);
   * loop.close();
   * ```
   */
  setExceptionHandler(handler: ((loop: this, context: ExceptionContext) => void) | null): void {
    if (handler !== null && typeof handler !== "function") {
      throw new TypeError(`setExceptionHandler expects a function or null, got ${describeValue(handler)}`);
    }
    this.#exceptionHandler = handler;
  }

  /**
   * Like asyncio's `loop.get_exception_handler()`.
   * @returns The handler set by {@linkcode setExceptionHandler}, or null for the default one.
   */
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

  /** Sends an exception thrown by ready work `fn(arg)` to the handler. */
  #reportCallbackError(exception: unknown, fn: ReadyFn, arg: unknown): void {
    const createdAt = creationSiteOf(arg);
    this.callExceptionHandler({
      message: `Exception in callback ${describeWork(fn, arg)}`,
      exception,
      ...(arg instanceof Handle ? { handle: arg } : {}),
      ...(createdAt === undefined ? {} : { createdAt }),
    });
  }

  /**
   * Turns debug mode on or off: slow-callback warnings, where handles and
   * tasks were created, coroutines created and never driven.
   *
   * @param enabled Whether debug mode is on.
   */
  setDebug(enabled: boolean): void {
    this.#debug = enabled === true;
  }

  /**
   * Like asyncio's `loop.get_debug()`.
   * @returns Whether debug mode is on.
   */
  getDebug(): boolean {
    return this.#debug;
  }

  /**
   * Installs an instrument: an object with any of the hooks of
   * {@linkcode Instrument} (Trio's instruments), each called with the task
   * concerned. A hook that throws is removed and the error reported through
   * the exception handler.
   *
   * @param instrument The hooks to call.
   * @throws {TypeError} When it implements none of the hooks.
   *
   * @example Recording which tasks step
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { EventLoop, sleep } from "yieldio";
   * const loop = new EventLoop({ clock: "virtual" });
   * const stepped: string[] = [];
   * loop.addInstrument({ beforeTaskStep(task) { stepped.push(task.getName()); } });
   * await loop.runUntilComplete(loop.createTask(sleep(5), { name: "napper" }));
   * assertEquals(stepped, ["napper", "napper"]);
   * loop.close();
   * ```
   */
  addInstrument(instrument: Instrument<T>): void {
    const instruments = this._instruments ?? new Instruments((message, exception) => {
      this.callExceptionHandler({ message, exception });
      if (this._instruments?.empty) this._instruments = null;
    });
    instruments.add(instrument as Instrument);
    this._instruments = instruments;
  }

  /**
   * Removes an instrument; safe inside one of its hooks.
   *
   * @param instrument One given to {@linkcode addInstrument}.
   * @returns Whether it was installed.
   */
  removeInstrument(instrument: Instrument<T>): boolean {
    const instruments = this._instruments;
    if (instruments === null || !instruments.remove(instrument as Instrument)) return false;
    if (instruments.empty) this._instruments = null;
    return true;
  }

  /** Calls a hook when instruments are installed. */
  #instrument(hook: "beforeRun" | "afterRun" | "beforeIdleWait" | "afterIdleWait", arg?: unknown): void {
    this._instruments?.call(hook, arg);
  }

  /**
   * The schedule the loop was made with (`EventLoopOptions.schedule`): what
   * replays a run under `yieldio/testing`.
   * @returns The seeded schedule's `{ seed, shuffle }`, or null for a FIFO loop.
   */
  getSchedule(): Required<ScheduleOptions> | null {
    const schedule = this.#schedule;
    return schedule === null ? null : { seed: schedule.seed, shuffle: schedule.shuffle };
  }

  // -------------------------------------------- what the layers above ask of it

  /** @internal Adds (or, with `add` false, removes) a place other threads leave work in; see `inbox.ts`. */
  _addSource(source: InboxSource, add = true): void {
    if (add) (this.#inbox ??= new Inbox()).add(source);
    else this.#inbox?.remove(source);
  }

  /**
   * @internal Adds (or, with `add` false, removes) a host resource that
   * `close()` closes if it is still open: nothing a program opened on a loop
   * outlives it.
   */
  _closeWithLoop(resource: { close(): void }, add = true): void {
    if (add) (this.#closeWith ??= new Set()).add(resource);
    else this.#closeWith?.delete(resource);
  }

  /**
   * @internal Adds (or, with `add` false, withdraws) one request that
   * `releaser` let go of the host while this loop idles owing it nothing.
   */
  _releaseWhileIdle(releaser: HostReleaser, add: boolean): void {
    const releasers = this.#releasers ??= new Map();
    const count = (releasers.get(releaser) ?? 0) + (add ? 1 : -1);
    if (count > 0) return void releasers.set(releaser, count);
    releasers.delete(releaser);
    if (this.#released) releaser.resume(); // it leaves this loop holding on, as it came
    if (releasers.size === 0) this.#releasers = null;
  }

  /** @internal How another thread wakes this loop while a blocking driver runs it; null otherwise. */
  _wakeHandle(): WakeHandle | null {
    return this.#driver === BLOCKING ? this.#blockingIdle?.wakeHandle?.() ?? null : null;
  }

  /** @internal Whether a blocking driver runs the loop (no host callback can run meanwhile). */
  _isBlocking(): boolean {
    return this.#driver === BLOCKING;
  }

  /** @internal Whether the clock is one the loop moves itself (virtual time). */
  _isVirtual(): boolean {
    return this.#virtual;
  }

  /** @internal The host's clock, for real durations (slices, busy time) even under virtual time. */
  _realNow(): number {
    return this.#real.now();
  }

  /** @internal Whether work is ready or a timer is due now: what the testing kit's `waitAllTasksBlocked()` waits out. */
  _hasWorkNow(): boolean {
    return this.#ready.length > 0 || this.#timers.peekWhen() <= this.#clock.now() + this.#clock.resolution;
  }

  /** @internal What still holds the loop: armed timers (earliest first) and owed host wake-ups. */
  _leftovers(): { timers: TimerEntry[]; refs: number } {
    return this.#closed ? { timers: [], refs: 0 } : { timers: this.#timers.live(), refs: this.#refs };
  }

  /** @internal What `inspect()` counts: iterations run so far, callbacks and task steps queued now. */
  _counters(): { iteration: number; ready: number } {
    return { iteration: this.#iterations, ready: this.#ready.length };
  }

  /**
   * Describes the loop for messages and `console.log`.
   * @returns A description like `<EventLoop running clock=virtual ready=0 timers=2>`.
   */
  toString(): string {
    const state = this.#closed ? "closed" : this.#driver !== NOT_RUNNING ? "running" : "idle";
    const clock = this.#virtual ? " clock=virtual" : "";
    return `<EventLoop ${state}${clock} ready=${this.#ready.length} timers=${this.#timers.size}>`;
  }
}

/** The error every scheduling call on a closed loop throws. */
function closedError(): InvalidStateError {
  return new InvalidStateError("the event loop is closed");
}

function notAFunction(callback: unknown, method: string): TypeError {
  return new TypeError(`${method} expects a function to call, got ${describeValue(callback)}`);
}

/** Refuses a delay or deadline that is not a number (TypeError) or is NaN (RangeError). */
function checkTime(value: unknown, method: string, name: string): void {
  if (typeof value !== "number") {
    throw new TypeError(`${method} expects ${name} as a number of ms, got ${describeValue(value)}`);
  }
  if (Number.isNaN(value)) throw new RangeError(`${method} got NaN for ${name}; pass a number of ms`);
}

/**
 * Ready work as a message names it: a handle or task by its own printing, a
 * record naming a task (an error thrown into it) by that task, else the
 * function's name — never a bare object's `[object Object]`.
 */
function describeWork(fn: ReadyFn, arg: unknown): string {
  if (fn === runEntry) return safeString(arg);
  if (typeof arg !== "object" || arg === null) return describeCallback(fn);
  try {
    if (arg.toString !== Object.prototype.toString) return safeString(arg);
    const task = (arg as { task?: unknown }).task;
    return task !== undefined ? safeString(task) : describeCallback(fn);
  } catch {
    return describeCallback(fn); // a Proxy, a getter that throws
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
