/**
 * The scheduling half of the loop core: what is scheduled, and one iteration
 * over it. A ready queue, a timer heap and a clock — nothing about futures,
 * tasks, or how the loop is driven (`base_event_loop.ts` adds that).
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
 * ready work; `seq`, assigned in {@linkcode Scheduler._scheduleTimer}, is the
 * only thing that orders equal deadlines.
 *
 * @module
 */

import { InvalidStateError } from "../errors.ts";
import { type Clock, clockFor, realClock, VirtualClock } from "./clock.ts";
import {
  _noteCallSoonSites,
  _noteCreationSite,
  type Callback,
  Handle,
  runEntry,
  TimerHandle,
  type TimerOwner,
} from "./handle.ts";
import { InstrumentedLoop } from "./instruments.ts";
import { type ReadyFn, ReadyQueue } from "./ready_queue.ts";
import { Schedule, type ScheduleOptions } from "./schedule.ts";
import { checkTime, closedError, notAFunction } from "./scheduling_checks.ts";
import { type TimerEntry, TimerHeap } from "./timer_heap.ts";

/** The options the scheduling core reads. */
export interface SchedulerOptions {
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
}

/** Ready queue, timer heap and clock, and one iteration over them; see the module doc. */
export class Scheduler extends InstrumentedLoop implements TimerOwner {
  #clock: Clock;
  /** The host clock, for measuring real durations even on a virtual loop. */
  #real: Clock;
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
  /** One increment per iteration, here rather than in an override: a call per iteration measured 7 % of dispatch. */
  #iterations = 0;

  /**
   * @param options Clock and debug mode.
   * @throws {TypeError} For an unknown clock.
   */
  constructor(options: SchedulerOptions = {}) {
    super(options.debug === true);
    this.#real = realClock();
    this.#clock = clockFor(options.clock);
    this.#schedule = options.schedule === undefined ? null : new Schedule(options.schedule);
    if (this.getDebug()) _noteCallSoonSites(this, true);
  }

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
   */
  callSoon<A extends unknown[]>(callback: (...args: A) => unknown, ...args: A): Handle;
  callSoon(callback: Callback): Handle {
    if (typeof callback !== "function") throw notAFunction(callback, "callSoon");
    // `arguments`, not a rest parameter: no array is made for the common no-argument call.
    const handle = new Handle(callback, arguments.length > 1 ? Array.prototype.slice.call(arguments, 1) : NO_ARGS);
    this._callSoon(runEntry, handle);
    return handle;
  }

  /** Turns debug mode on or off; see `ExceptionHandling.setDebug`. @param enabled Whether debug mode is on. */
  override setDebug(enabled: boolean): void {
    super.setDebug(enabled);
    _noteCallSoonSites(this, this.getDebug());
  }

  /**
   * {@linkcode callSoon} for work from outside: host callbacks (I/O, DOM events, worker messages) wake a host-driven
   * loop through it; a blocked loop is woken by its `WakeHandle` and its inbox hands other threads' work here.
   *
   * @param callback The function to call.
   * @param args Its arguments.
   * @returns A handle that can cancel the call.
   * @throws {TypeError} When `callback` is not a function.
   * @throws {InvalidStateError} When the loop is closed.
   */
  callSoonThreadsafe<A extends unknown[]>(callback: (...args: A) => unknown, ...args: A): Handle {
    // When host code runs, the loop is between iterations: the wake-up every scheduling call makes suffices.
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
   */
  callAt<A extends unknown[]>(when: number, callback: (...args: A) => unknown, ...args: A): TimerHandle {
    checkTime(when, "callAt", "when");
    if (typeof callback !== "function") throw notAFunction(callback, "callAt");
    return this.#callAt(when, callback as Callback, args);
  }

  #callAt(when: number, callback: Callback, args: unknown[]): TimerHandle {
    const handle = new TimerHandle(when, callback, args, this);
    if (this.getDebug()) _noteCreationSite(handle, 2);
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

  /**
   * Asks the loop to stop: the current iteration finishes, then the driver
   * returns. Called before a driver starts, the next run does one iteration.
   */
  stop(): void {
    this.#stopping = true;
    if (this.#sleeping) this.#wake();
  }

  /** @returns Whether the loop was closed. */
  isClosed(): boolean {
    return this.#closed;
  }

  // ----------------------------------------------------------- one iteration

  /** @internal One iteration (the five phases); returns how many callbacks ran. */
  _iterate(): number {
    this.#iterations++;
    this.#timers.dropCancelled(); //                 1. drop cancelled timers
    const timeout = this.#idleTimeout(); //          2. compute the idle timeout
    if (timeout !== 0) this._idleWait(timeout); //   3. wait (how: see _idleWait)
    this.#moveDueTimers(); //                        4. move due timers
    return this.#runReady(); //                      5. run the ready snapshot
  }

  /**
   * @internal Phase 3. Here: a virtual clock with no host work owed jumps to
   * the next deadline. `BaseEventLoop` adds blocking and deadlock detection.
   */
  _idleWait(timeout: number | null): void {
    if (timeout !== null && this._canJump()) this.#clock.jumpTo!(this.#timers.peekWhen());
  }

  /** 0 when work is ready or the loop stops; ms to the next deadline; null when none. */
  #idleTimeout(): number | null {
    if (this.#ready.length > 0 || this.#stopping) return 0;
    const when = this.#timers.peekWhen();
    if (when === Infinity) return null;
    const delta = when - this.#clock.now();
    return delta > this.#clock.resolution ? delta : 0;
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
    if (this.#schedule !== null) this.#schedule.shuffleBatch(ready, count, this.#isTaskStep);
    if (this.getDebug()) {
      this._runTimed(ready, count, this.#real);
      return count;
    }
    for (let n = count; n > 0; n--) {
      const fn = ready.pop();
      const arg = ready.poppedArg;
      try {
        fn(arg);
      } catch (exception) {
        this._reportCallbackError(exception, fn, arg);
      }
    }
    ready.poppedArg = undefined;
    return count;
  }

  // ---------------------------------------------------------------- schedule

  /** @internal The ready function of a task step, so a `"tasks"` schedule knows what to permute. */
  _taskStepFn: ReadyFn | null = null;
  #isTaskStep = (fn: ReadyFn): boolean => fn === this._taskStepFn;

  /** @returns The seeded schedule's `{ seed, shuffle }`, or null for a FIFO loop. */
  getSchedule(): Required<ScheduleOptions> | null {
    const schedule = this.#schedule;
    return schedule === null ? null : { seed: schedule.seed, shuffle: schedule.shuffle };
  }

  /** @internal Whether work is ready or a timer is due now: what the testing kit's `waitAllTasksBlocked()` waits out. */
  _hasWorkNow(): boolean {
    return this.#ready.length > 0 || this.#timers.peekWhen() <= this.#clock.now() + this.#clock.resolution;
  }

  /** @internal What still holds the loop: armed timers (earliest first) and owed host wake-ups (the kit's sanitizer). */
  _leftovers(): { timers: TimerEntry[]; refs: number } {
    return { timers: this.#timers.live(), refs: this.#refs };
  }

  /** @internal What `loop.inspect()` counts: iterations run so far, callbacks and task steps queued now. */
  _counters(): { iteration: number; ready: number } {
    return { iteration: this.#iterations, ready: this.#ready.length };
  }

  // -------------------------------------------------- what drivers ask about

  /** @internal Whether an iteration now would run something (or jump a virtual clock). */
  _canProgressNow(): boolean {
    if (this.#ready.length > 0 || this.#stopping) return true;
    const when = this.#timers.peekWhen();
    if (when === Infinity) return false;
    if (this.#clock.jumpTo !== undefined) return this.#refs === 0;
    return when <= this.#clock.now() + this.#clock.resolution;
  }

  /** @internal Whether the clock is one the loop moves itself (virtual time). */
  _isVirtual(): boolean {
    return this.#clock.jumpTo !== undefined;
  }

  /** @internal The host's clock, for real durations (slices) even under virtual time. */
  _realNow(): number {
    return this.#real.now();
  }

  /** @internal Whether idle time may be skipped: a virtual clock with no host wake-up owed. */
  _canJump(): boolean {
    return this.#clock.jumpTo !== undefined && this.#refs === 0;
  }

  /** @internal Whether nothing can ever wake this loop: nothing ready, no timer, no ref. */
  _stuck(): boolean {
    return this.#ready.length === 0 && !this.#stopping && this.#timers.peekWhen() === Infinity &&
      this.#refs === 0;
  }

  /** @internal How long a host driver may sleep: ms to the next real deadline, or null for "until woken". */
  _hostTimeout(): number | null {
    const when = this.#timers.peekWhen();
    if (when === Infinity || this.#clock.jumpTo !== undefined) return null; // virtual time waits on the host only
    return when - this.#clock.now();
  }

  /** @internal Whether `stop()` was requested. */
  _isStopping(): boolean {
    return this.#stopping;
  }

  /** @internal Clears a stop request once a driver has honoured it. */
  _clearStopping(): void {
    this.#stopping = false;
  }

  /** @internal A driver went back to the host; the next scheduling call must wake it. */
  _sleepUntilWoken(sleeping: boolean): void {
    this.#sleeping = sleeping;
  }

  /** @internal Wakes the driver that went back to the host (`BaseEventLoop` knows how). */
  _wakeDriver(): void {}

  #wake(): void {
    this.#sleeping = false;
    this._wakeDriver();
  }

  /** @internal Discards every callback and timer; scheduling throws from now on. */
  _closeQueues(): void {
    this.#closed = true;
    this.#ready.clear();
    this.#timers.clear();
  }

  /** @internal A short description of the queues, for `toString()`. */
  _describeQueues(): string {
    const clock = this.#clock instanceof VirtualClock ? " clock=virtual" : "";
    return `${clock} ready=${this.#ready.length} timers=${this.#timers.size}`;
  }
}

const NO_ARGS: readonly unknown[] = Object.freeze([]);
