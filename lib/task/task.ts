/**
 * Task: a Future driven by a coroutine.
 *
 * Each step resumes the coroutine once (`next()`, or `throw()` to deliver a
 * cancellation) and then follows the yield protocol (`yield_protocol.ts`):
 * wait on a future, arm a timer, or come back next iteration. The step is the
 * only place a coroutine runs, and it always runs from the loop's ready queue
 * as `(wakeTask, task)` — no closure, no bound function per task.
 *
 * The Task invariant (asyncio's): while suspended, `#waitingOn` is the one
 * future or timer the task waits for, and that awaitable holds the task's
 * wake-up; when a step runs, `#waitingOn` is cleared first. Cancelling a task
 * cancels what it waits on, synchronously, and the wake-up that follows
 * throws `CancelledError` in at the `yield*`; a task that waits on nothing
 * (not started yet, or between steps) gets it at its next step instead.
 *
 * @module
 */

import { describeThrown, describeValue, safeLabel, safeString } from "../_describe.ts";
import { isInstance } from "../_is_instance.ts";
import { CancelledError, InvalidStateError } from "../errors.ts";
import { Context, type ContextVars, currentVars, enterContext, leaveContext } from "../loop/context.ts";
import type { EventLoop } from "./event_loop.ts";
import { Future } from "./future.ts";
import { checkCoroutine } from "./coroutine.ts";
import { _getRunningLoop } from "./running_loop.ts";
import { _debugTask, _taskCreatedAt, _unwrapCoro } from "./task_debug.ts";
import { AWAIT_DONE, AWAIT_FUTURE, AWAIT_TIMER, badYieldMessage, type Coro, type TimerWait } from "./yield_protocol.ts";

/** Options for a new {@linkcode Task}. */
export interface TaskOptions {
  /** The task's name (default `Task-N`). */
  name?: string;
  /**
   * Run the first step at once, inside `createTask`, when the loop is running
   * (asyncio 3.12's eager start): a coroutine that finishes without waiting is
   * done before `createTask` returns and is never scheduled. Default false.
   */
  eager?: boolean;
  /**
   * Cancel the task when this signal aborts (the reason becomes the cancel
   * message). The listener is removed when the task finishes, so a long-lived
   * signal does not collect one listener per task.
   */
  signal?: AbortSignal;
  /**
   * The context the task's steps run in, and set their variables in;
   * default: a copy of the context current at its creation (asyncio's
   * `create_task(..., context=)`).
   */
  context?: Context;
}

/** Options for the Task constructor. */
export interface TaskConstructorOptions extends TaskOptions {
  /** The loop to run on; default: the running loop. */
  loop?: EventLoop;
}

/** Rarely used per-task state, allocated only when needed (a task is 10 fields without it). */
interface TaskExtras {
  number: number;
  name: string | undefined;
  abort: AbortController | null;
  cancelMessage: string | undefined;
  /** The `signal` option and its listener, until the task finishes. */
  linked: { signal: AbortSignal; onAbort: () => void } | null;
  /** The context the steps run in, once one was given or asked for; until then the task holds its own copy. */
  context: Context | null;
  /** Why the task was cancelled, when the canceller said: the `cause` of the `CancelledError` it gets. */
  cancelCause: unknown;
  /**
   * Once a cancel reached the coroutine (its `CancelledError` thrown in at a
   * `yield*`) and while it is not withdrawn: how many new waits the task
   * began since; else undefined. See {@linkcode SWALLOWED_AFTER_WAITS}.
   */
  waitsAfterCancel: number | undefined;
  /** When (on the loop's clock) that cancel reached the coroutine. */
  cancelDeliveredAt: number;
  /** How the task swallowed a cancel, once it looked so; reported once. */
  swallowed: string | undefined;
}

// --------------------------------------------------------------- cancel state
// A task's cancel state is one number (tokio's `state.rs`): the count of cancel
// requests (asyncio's `cancelling()`) in the high bits, two flags in the low
// ones. It saves two fields on every task; only these transitions read or
// change its bits.

const MUST_CANCEL = 1, FORWARDING = 2, ONE_REQUEST = 4, COUNT_SHIFT = 2;

/** The cancel requests not withdrawn. */
function requests(state: number): number {
  return state >> COUNT_SHIFT;
}

/** One more cancel request. */
function withRequest(state: number): number {
  return state + ONE_REQUEST;
}

/** One request withdrawn; withdrawing the last also drops a cancel not yet delivered (asyncio 3.13). */
function withoutRequest(state: number): number {
  if (state < ONE_REQUEST) return state;
  state -= ONE_REQUEST;
  return state < ONE_REQUEST ? state & ~MUST_CANCEL : state;
}

/** Whether a cancel waits for the next step: it could not go through what the task waits on. */
function mustCancel(state: number): boolean {
  return (state & MUST_CANCEL) !== 0;
}

function withMustCancel(state: number, on: boolean): number {
  return on ? state | MUST_CANCEL : state & ~MUST_CANCEL;
}

/** Whether the task is passing a cancel on to what it waits on: one that comes back round is an await cycle. */
function forwarding(state: number): boolean {
  return (state & FORWARDING) !== 0;
}

function withForwarding(state: number, on: boolean): number {
  return on ? state | FORWARDING : state & ~FORWARDING;
}

// ---------------------------------------------------------------------- Task
/** Passed as the "no exception" argument of a step. */
const NOTHING: unique symbol = Symbol("nothing");
/** Tasks made so far in this thread: `Task-N` names (asyncio's counter); loops number their own tasks too. */
let taskCounter = 0;
/**
 * How deep eager starts may nest (a coroutine that eagerly starts one that
 * eagerly starts another…) before a task starts lazily instead: each level
 * costs several stack frames on its creator's stack, and at about a thousand
 * levels the stack runs out inside the steps' own bookkeeping.
 */
const MAX_EAGER_DEPTH = 100;
/** Eager first steps in progress on this thread, one inside the other. */
let eagerDepth = 0;
/**
 * A task whose cancel reached its coroutine, still counted and not withdrawn
 * (`uncancel()`), that has since begun this many new waits is taken to have
 * swallowed it (a catch-all `catch`): cleanup in a `finally` block rarely
 * waits more than once or twice, a loop that caught the cancel waits on.
 * Finishing with a result in that state is a swallow at once.
 */
const SWALLOWED_AFTER_WAITS = 3;

/**
 * A coroutine running on the loop; a {@linkcode Future} of its return value.
 * Create tasks with `createTask(coro)` or `loop.createTask(coro)`.
 *
 * @example A task's result is its coroutine's return value
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createTask, run, sleep } from "yieldio";
 * const value = await run(function* () {
 *   const task = createTask((function* () {
 *     yield* sleep(10);
 *     return "done";
 *   })());
 *   return yield* task;
 * }, { clock: "virtual" });
 * assertEquals(value, "done");
 * ```
 */
export class Task<T> extends Future<T> {
  #coro: Coro<T>;
  /**
   * @internal The task's own context: a copy of the one current at its
   * creation. Invariant: unused once the task has a {@linkcode Context}
   * object (given, or asked for by `getContext()`), which then holds it.
   */
  _vars: ContextVars;
  /** Invariant: non-null exactly while the task is suspended on a future or timer. */
  #waitingOn: Future<unknown> | TimerWait | null = null;
  /** The cancel state: see the transitions above; never read as bits elsewhere. */
  #cancel = 0;
  /** The task's number (named `Task-<number>`) until it needs {@linkcode TaskExtras}. */
  #meta: number | TaskExtras;
  /** @internal The loop's list of pending tasks. */
  _prevTask: Task<unknown> | null = null;
  /** @internal The loop's list of pending tasks. */
  _nextTask: Task<unknown> | null = null;

  /**
   * Wraps `coro` and schedules its first step for the next iteration.
   *
   * @param coro A coroutine: the object a generator function returns.
   * @param options Name and loop.
   * @throws {TypeError} When `coro` is not a coroutine.
   * @throws {InvalidStateError} When the loop is closed.
   */
  constructor(coro: Coro<T>, options?: TaskConstructorOptions) {
    const loop = options?.loop ?? _getRunningLoop("new Task()");
    checkCoroutine(coro, "Task");
    const signal = options?.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new TypeError(`the signal option expects an AbortSignal, got ${describeValue(signal)}`);
    }
    const context = options?.context;
    if (context !== undefined && !(context instanceof Context)) {
      throw new TypeError(`the context option expects a Context (copyContext()), got ${describeValue(context)}`);
    }
    super(options?.loop === loop ? options : { loop });
    this.#coro = coro;
    this._vars = currentVars();
    this.#meta = ++taskCounter;
    if (options?.name !== undefined) Task.#extrasOf(this).name = safeString(options.name);
    if (context !== undefined) Task.#extrasOf(this).context = context;
    if (loop.getDebug()) this.#coro = _debugTask(this, coro); // creation site, DevTools async stack
    loop._undriven?.driven(coro); // a coroutine handed to a task is owned, not forgotten: the task drives it
    loop._taskStarted(this);
    loop._instruments?.call("taskSpawned", this);
    if (signal !== undefined) Task.#linkSignal(this, signal);
    if (options?.eager === true && loop.isRunning()) Task.#startEagerly(this);
    else this._wakeSoon();
  }

  /**
   * Requests cancellation: `CancelledError` is thrown into the coroutine at
   * its current `yield*` (or before its first step). The coroutine may catch
   * it. Also aborts {@linkcode signal}.
   *
   * In an await cycle (t1 awaits t2, which awaits t1) the cancel stops where it comes back round;
   * the last task it reached stops waiting and takes it at a step of its own, unwinding the cycle.
   *
   * @param message Carried by the `CancelledError`.
   * @returns `false` when the task is done (or passing this cancel on, in a cycle), else `true`.
   */
  override cancel(message?: string): boolean {
    return Task.#cancelChain(this, message);
  }

  /** {@linkcode cancel}, from `head` down the chain of tasks it awaits. */
  static #cancelChain(head: Task<unknown>, message: string | undefined): boolean {
    // Iterative: cancelling the head of a chain of tasks, each awaiting the next, walks the chain once, where
    // a recursive cancel would overflow the stack at a depth of some thousands. Down the chain, each task
    // counts the request and marks itself as passing it on, until a task that waits on nothing or on a
    // future or timer (which is cancelled); back up, each learns whether what it awaits took the cancel,
    // exactly as the recursive definition (asyncio's) would return it.
    const chain: Task<unknown>[] = [];
    let passedOn = false;
    try {
      for (let task = head; Task.#request(task, message);) {
        const waitingOn = task.#waitingOn;
        if (waitingOn === null) {
          task.#cancel = withMustCancel(task.#cancel, true);
          passedOn = true;
          break;
        }
        task.#cancel = withForwarding(task.#cancel, true);
        chain.push(task);
        if (!(waitingOn instanceof Task)) {
          passedOn = waitingOn.cancel(message);
          break;
        }
        task = waitingOn;
      }
    } finally {
      for (const task of chain) task.#cancel = withForwarding(task.#cancel, false);
    }
    for (let i = chain.length - 1; i >= 0 && !passedOn; i--) {
      const task = chain[i], waitingOn = task.#waitingOn;
      if (waitingOn instanceof Task && !waitingOn.done()) Task.#leaveCycle(task, waitingOn);
      else task.#cancel = withMustCancel(task.#cancel, true);
      passedOn = true;
    }
    return passedOn;
  }

  /**
   * @internal Cancels each of `tasks` once, in linear time: `run()`'s
   * shutdown. A task that awaits another of them is not passed on to it (that
   * one gets its own cancel): it takes its cancel at its next step, when the
   * task it awaits has finished. Cancelling each of a chain of n tasks
   * through the chain would cost n²/2 steps.
   */
  static _cancelEach(tasks: readonly Task<unknown>[], message?: string): void {
    const cancelled = new Set<Task<unknown>>(tasks);
    for (const task of tasks) {
      const awaited = task.#waitingOn;
      if (!(awaited instanceof Task && cancelled.has(awaited) && !awaited.done())) task.cancel(message);
      else if (Task.#request(task, message)) task.#cancel = withMustCancel(task.#cancel, true);
    }
    // A cycle of tasks awaiting each other has no end for a cancel to reach: one of them stops waiting, as when a
    // cancel comes back round, and takes its cancel at its own step, which unwinds the rest. Each task is
    // followed once, so this too is linear.
    const followed = new Set<Task<unknown>>();
    for (const start of tasks) {
      const path: Task<unknown>[] = [];
      let next: unknown = start;
      for (
        ;
        next instanceof Task && cancelled.has(next) && !next.done() && !followed.has(next);
        next = next.#waitingOn
      ) {
        followed.add(next);
        path.push(next);
      }
      if (path.length > 0 && path.indexOf(next as Task<unknown>) >= 0) {
        Task.#leaveCycle(path[path.length - 1], next as Task<unknown>);
      }
    }
  }

  /**
   * @internal Cancels the task with `cause` on its `CancelledError`, for a
   * wait that can never end (its loop stopped, deadlocked): it stops waiting
   * on a future (which stays as it is) and takes the cancel at its next
   * step, so its `finally` blocks learn why.
   */
  _cancelBecause(message: string, cause: unknown): void {
    if (!Task.#request(this, message)) return;
    Task.#extrasOf(this).cancelCause = cause;
    const awaited = this.#waitingOn;
    this.#cancel = withMustCancel(this.#cancel, true);
    if (awaited === null) return; // its next step is queued already, or running
    if (awaited instanceof Future) awaited._removeWaiter(this);
    else if (awaited.cancel(message)) return; // a timer: cancelling it wakes the task
    this.#waitingOn = null;
    this._wakeSoon();
  }

  /**
   * Like asyncio's `Task.cancelling()` (3.11+): `cancel()` adds a request,
   * {@linkcode uncancel} withdraws one.
   * @returns How many cancellation requests are pending.
   */
  cancelling(): number {
    return requests(this.#cancel);
  }

  /**
   * Withdraws one cancellation request; at zero, an undelivered cancellation
   * is dropped too (asyncio 3.13).
   *
   * @returns The remaining count.
   */
  uncancel(): number {
    this.#cancel = withoutRequest(this.#cancel);
    const left = requests(this.#cancel);
    if (left === 0 && typeof this.#meta !== "number") this.#meta.waitsAfterCancel = undefined; // withdrawn: no swallow
    return left;
  }

  /**
   * Like asyncio's `Task.get_name()`.
   * @returns The name given at creation or by {@linkcode setName}, else `Task-<n>`.
   */
  getName(): string {
    return Task.#extras(this)?.name ?? `Task-${this._number()}`;
  }

  /** @internal The name the task was given, if any: views numbered per loop name the others themselves. */
  _givenName(): string | undefined {
    return Task.#extras(this)?.name;
  }

  /** @internal The task's number from `taskCounter`: `Task-<number>`. */
  _number(): number {
    const meta = this.#meta;
    return typeof meta === "number" ? meta : meta.number;
  }

  /**
   * Renames the task (asyncio's `Task.set_name()`); printed tasks and task
   * trees show the new name.
   *
   * @param name The new name (converted to a string).
   */
  setName(name: string): void {
    Task.#extrasOf(this).name = safeString(name);
  }

  /**
   * Like asyncio's `Task.get_context()` (3.12+).
   * @returns The context the task's steps run in: what they set is there,
   *   and what is set there before a step (with `run()`) the step sees.
   */
  getContext(): Context {
    const extras = Task.#extrasOf(this);
    return extras.context ??= new Context(this._vars);
  }

  /**
   * Like asyncio's `Task.get_coro()`.
   * @returns The coroutine the task drives, as it was given to the task.
   */
  getCoro(): Coro<T> {
    return _unwrapCoro(this.#coro);
  }

  /**
   * An `AbortSignal` aborted (with a `CancelledError`) when the task is first
   * cancelled: pass it to `fetch` and other host APIs. Created on first use.
   */
  get signal(): AbortSignal {
    const extras = Task.#extrasOf(this);
    if (extras.abort === null) {
      extras.abort = new AbortController();
      if (requests(this.#cancel) > 0 || this.cancelled()) {
        extras.abort.abort(new CancelledError(extras.cancelMessage));
      }
    }
    return extras.abort.signal;
  }

  /** A Task's result is its coroutine's return value. */
  override setResult(_value: T): never {
    throw new InvalidStateError(`setResult() on ${this}: a task's result is its coroutine's return value`);
  }

  /** A Task's exception is what its coroutine throws. */
  override setException(_exception: unknown): never {
    throw new InvalidStateError(`setException() on ${this}: a task's exception is what its coroutine throws`);
  }

  /** @internal Schedules the next step for the next iteration. */
  _wakeSoon(): void {
    const loop = this.getLoop();
    loop._callSoon(wakeTask, this);
    if (loop._instruments !== null) loop._instruments.call("taskScheduled", this);
  }

  /** @internal What the task is suspended on, or null. */
  _waitingOn(): Future<unknown> | TimerWait | null {
    return this.#waitingOn;
  }

  /**
   * @internal Runs one step: resumes the coroutine with `thrown` thrown in
   * (or plain `next()` for {@linkcode NOTHING}), then follows its yield.
   */
  _step(thrown: unknown): void {
    if (this.done()) {
      throw new InvalidStateError(`a step was scheduled for ${this}, which is already done`);
    }
    const waited = this.#waitingOn;
    this.#waitingOn = null;
    if (mustCancel(this.#cancel)) {
      this.#cancel = withMustCancel(this.#cancel, false);
      if (!isInstance(thrown, CancelledError)) thrown = Task.#cancelledError(this);
      // asyncio's wake-up reads the awaited result before the cancel wins; do
      // the same so a failed future is not reported as never retrieved.
      if (waited instanceof Future) waited._markSeen();
    }
    if (requests(this.#cancel) > 0) Task.#noteDelivery(this, thrown, waited);
    const loop = this.getLoop();
    const outer = loop._currentTask; // null, unless an eager task starts inside another task's step
    const instruments = loop._instruments; // the one check a step pays when nothing observes it
    if (instruments !== null) instruments.call("beforeTaskStep", this);
    loop._currentTask = this;
    const outerContext = enterContext(Task.#extras(this)?.context ?? this);
    let step: IteratorResult<unknown, T> | undefined, done: boolean | undefined, value: unknown;
    try {
      step = thrown === NOTHING ? this.#coro.next() : this.#coro.throw(thrown);
      // What the step gave is read before anything else runs: an instrument's hook may start an eager task,
      // whose steps reuse the shared markers (yield_protocol.ts).
      if (typeof step !== "object" || step === null) throw new TypeError(notAResult(this.#coro, step));
      done = step.done;
      value = step.value; // before the markers are cleared: a sleep() driven directly returns AWAIT_DONE itself
    } catch (error) {
      leaveContext(outerContext);
      loop._currentTask = outer;
      AWAIT_DONE.value = undefined;
      if (instruments !== null) instruments.call("afterTaskStep", this);
      Task.#finishWithError(this, error);
      return;
    }
    if (step === AWAIT_FUTURE) AWAIT_FUTURE.value = null;
    else if (step === AWAIT_TIMER) AWAIT_TIMER.value = null;
    AWAIT_DONE.value = undefined;
    leaveContext(outerContext);
    loop._currentTask = outer;
    if (instruments !== null) instruments.call("afterTaskStep", this);
    if (done === true) {
      Task.#finishWithResult(this, value as T);
    } else if (step === AWAIT_FUTURE) {
      Task.#waitOn(this, value as Future<unknown>, loop);
      if (requests(this.#cancel) > 0) Task.#noteWaitAfterCancel(this);
    } else if (step === AWAIT_TIMER) {
      if (requests(this.#cancel) > 0) Task.#noteWaitAfterCancel(this);
      const timer = value as TimerWait;
      timer._arm(this);
      this.#waitingOn = timer;
      Task.#deliverPendingCancel(this, timer);
    } else if (value === undefined) {
      this._wakeSoon(); // a bare yield: back in the next iteration
    } else {
      Task.#throwInSoon(this, new TypeError(badYieldMessage(value)));
    }
  }

  // Helpers are static: a private instance method would add a brand slot (8 bytes) to every task.

  /**
   * The first step, inside `createTask` and on its caller's stack; past
   * {@linkcode MAX_EAGER_DEPTH} nested eager starts, the next iteration's, as
   * a lazy task's, so recursion through eager starts cannot exhaust the
   * stack. Whatever the step throws (it catches what the coroutine throws)
   * finishes the task with that error, and a finished task always leaves the
   * loop's list of pending ones.
   */
  static #startEagerly(task: Task<unknown>): void {
    if (eagerDepth >= MAX_EAGER_DEPTH) return task._wakeSoon();
    eagerDepth++;
    try {
      task._step(NOTHING);
    } catch (error) {
      if (!task.done()) Task.#finishWithError(task, error);
      else task.getLoop()._taskFinished(task); // done, but its bookkeeping was cut short
    } finally {
      eagerDepth--;
    }
  }

  static #waitOn(task: Task<unknown>, future: Future<unknown>, loop: EventLoop): void {
    if (future.getLoop() !== loop) {
      Task.#throwInSoon(task, new TypeError(`${task} awaited ${future}, which belongs to another event loop`));
    } else if (future === task) {
      Task.#throwInSoon(task, new TypeError(`${task} awaited itself, which can never finish`));
    } else {
      future._addWaiter(task);
      task.#waitingOn = future;
      Task.#deliverPendingCancel(task, future);
    }
  }

  /**
   * One cancel request for `task`: counted, its message kept, its signal
   * aborted. False when it cannot take one: it is done, or is passing one on
   * already (the cancel came back round an await cycle).
   */
  static #request(task: Task<unknown>, message: string | undefined): boolean {
    task._markSeen();
    if (task.done() || forwarding(task.#cancel)) return false;
    task.#cancel = withRequest(task.#cancel);
    if (message !== undefined) Task.#extrasOf(task).cancelMessage = message; // for the signal, now or later
    const abort = Task.#extras(task)?.abort;
    if (abort != null && !abort.signal.aborted) abort.abort(new CancelledError(message));
    return true;
  }

  /**
   * A step of a task with cancel requests counted: when the cancel reaches
   * the coroutine in it (thrown in, or raised by the cancelled future it
   * awaited), start counting its new waits.
   */
  static #noteDelivery(task: Task<unknown>, thrown: unknown, waited: unknown): void {
    const extras = Task.#extrasOf(task);
    if (extras.waitsAfterCancel !== undefined) return;
    const delivered = isInstance(thrown, CancelledError) || (waited instanceof Future && waited.cancelled()) ||
      (waited !== null && !(waited instanceof Future) && (waited as TimerWait & { cancelled(): boolean }).cancelled());
    if (!delivered) return;
    extras.waitsAfterCancel = 0;
    extras.cancelDeliveredAt = task.getLoop().time();
  }

  /** A task that still counts a cancel began a new wait: past the threshold, it swallowed it. */
  static #noteWaitAfterCancel(task: Task<unknown>): void {
    const extras = Task.#extras(task);
    if (extras === undefined || extras.waitsAfterCancel === undefined) return;
    if (++extras.waitsAfterCancel === SWALLOWED_AFTER_WAITS) Task.#swallowed(task, "went on waiting");
  }

  /** Records, once, that `task` swallowed its cancel; debug mode says so at once. */
  static #swallowed(task: Task<unknown>, how: string): void {
    const extras = Task.#extrasOf(task);
    if (extras.swallowed !== undefined) return;
    extras.swallowed = how;
    if (task.getLoop().getDebug()) console.warn(`yieldio: ${swallowMessage(task, how)}`);
  }

  /** @internal How the task swallowed a cancel, when it did: what `inspect()` warns about. */
  _swallowed(): string | null {
    const how = Task.#extras(this)?.swallowed;
    return how === undefined ? null : swallowMessage(this, how);
  }

  /**
   * @internal When the cancel the task still counts reached its coroutine,
   * if it did and the task has waited again since: a wait that lasts is
   * either a long cleanup or a swallowed cancel. Else NaN.
   */
  _waitingSinceCancel(): number {
    const extras = Task.#extras(this);
    return extras !== undefined && (extras.waitsAfterCancel ?? 0) > 0 ? extras.cancelDeliveredAt : NaN;
  }

  /** The error a cancel of `task` raises in it: its message, and its cause when the canceller gave one. */
  static #cancelledError(task: Task<unknown>): CancelledError {
    const extras = Task.#extras(task);
    return extras?.cancelCause === undefined
      ? new CancelledError(extras?.cancelMessage)
      : new CancelledError(extras.cancelMessage, { cause: extras.cancelCause });
  }

  /** A cancel came back round an await cycle: `task` stops waiting on `awaited` and is cancelled at its own step. */
  static #leaveCycle(task: Task<unknown>, awaited: Task<unknown>): void {
    awaited._removeWaiter(task); // a second cancel then finds the step queued, not a wait (the invariant holds)
    task.#waitingOn = null;
    task.#cancel = withMustCancel(task.#cancel, true);
    task._wakeSoon();
  }

  /** A cancel requested while the task was running goes to what it now waits on. */
  static #deliverPendingCancel(task: Task<unknown>, awaited: Future<unknown> | TimerWait): void {
    if (!mustCancel(task.#cancel)) return;
    if (awaited.cancel(Task.#extras(task)?.cancelMessage)) task.#cancel = withMustCancel(task.#cancel, false);
  }

  static #finishWithResult<T>(task: Task<T>, value: T): void {
    if (requests(task.#cancel) > 0 && Task.#extras(task)?.waitsAfterCancel !== undefined) {
      Task.#swallowed(task, "returned a value");
    }
    if (mustCancel(task.#cancel)) {
      // Cancelled right before the coroutine returned: the cancel wins.
      task.#cancel = withMustCancel(task.#cancel, false);
      task._cancelWith(Task.#cancelledError(task));
    } else {
      task._resolve(value);
    }
    Task.#finished(task);
  }

  static #finishWithError(task: Task<unknown>, error: unknown): void {
    if (isInstance(error, CancelledError)) task._cancelWith(error); // a revoked Proxy thrown is a failure, not a throw here
    else task._reject(error);
    Task.#finished(task);
  }

  static #finished(task: Task<unknown>): void {
    const loop = task.getLoop();
    loop._taskFinished(task);
    loop._instruments?.call("taskExited", task);
    const linked = Task.#extras(task)?.linked;
    if (linked != null) linked.signal.removeEventListener("abort", linked.onAbort);
  }

  /** The `signal` option: cancel on abort (at once when already aborted). */
  static #linkSignal(task: Task<unknown>, signal: AbortSignal): void {
    const cancel = () => task.cancel(abortMessage(signal.reason));
    if (signal.aborted) return void cancel();
    signal.addEventListener("abort", cancel, { once: true });
    Task.#extrasOf(task).linked = { signal, onAbort: cancel };
  }

  /** asyncio: errors about a yield are thrown into the coroutine at its next step. */
  static #throwInSoon(task: Task<unknown>, error: Error): void {
    task.getLoop()._callSoon(throwIntoTask, { task, error });
  }

  /** The rarely used fields, or undefined while the task has none. */
  static #extras(task: Task<unknown>): TaskExtras | undefined {
    const meta = task.#meta;
    return typeof meta === "number" ? undefined : meta;
  }

  static #extrasOf(task: Task<unknown>): TaskExtras {
    const meta = task.#meta;
    if (typeof meta !== "number") return meta;
    return task.#meta = {
      number: meta,
      name: undefined,
      abort: null,
      cancelMessage: undefined,
      linked: null,
      context: null,
      cancelCause: undefined,
      waitsAfterCancel: undefined,
      cancelDeliveredAt: NaN,
      swallowed: undefined,
    };
  }

  /**
   * Describes the task for messages and `console.log`. What the task waits
   * on is printed one level deep (a task it awaits by state and name only),
   * so an await cycle or a chain thousands long never recurses (asyncio's
   * `reprlib.recursive_repr` plays the same part).
   *
   * @returns A description like `<Task pending name=Task-3 waiting=<Future pending>>`.
   */
  override toString(): string {
    const on = this.#waitingOn;
    return describeTask(this, on === null ? null : on instanceof Task ? describeTask(on) : String(on));
  }
}

/**
 * Describes `task`: with `waiting` (what it waits on, printed, or null for
 * nothing) the full form; without it the short form, state and name.
 */
function describeTask(task: Task<unknown>, waiting?: string | null): string {
  const described = task._describeState(); // "pending", "cancelled" or "finished result=…"
  const space = described.indexOf(" ");
  let state = space < 0 ? described : described.slice(0, space);
  if (state === "pending" && task.cancelling() > 0) state = "cancelling";
  let text = `<Task ${state} name=${safeLabel(task.getName())}`;
  if (waiting === undefined) return text + ">";
  if (space >= 0) text += described.slice(space);
  if (waiting !== null) text += ` waiting=${waiting}`;
  const createdAt = _taskCreatedAt(task);
  if (createdAt !== undefined) text += ` created at ${createdAt}`;
  return text + ">";
}

/** The ready-queue function that runs a task's next step. */
export function wakeTask(task: Task<unknown>): void {
  task._step(NOTHING);
}

function throwIntoTask(pending: { task: Task<unknown>; error: Error }): void {
  pending.task._step(pending.error);
}

/** What a swallowed cancel looks like, in a sentence. */
function swallowMessage(task: Task<unknown>, how: string): string {
  return `${task.getName()} caught the CancelledError of its cancel and ${how}, without raising it or calling ` +
    "uncancel(): a catch-all `catch` swallowed it, so whoever cancelled it may wait forever; rethrow it " +
    "(rethrowCancellation(e)) or withdraw it with currentTask().uncancel()";
}

/** The error for a coroutine whose `next()` or `throw()` gave something that is not an iterator result. */
function notAResult(coro: unknown, step: unknown): string {
  return `a task's coroutine, ${describeValue(coro)}, answered next() with ${describeValue(step)}; ` +
    "a coroutine must return iterator results ({ done, value }), as every generator does";
}

/** An abort reason as a cancel message: its message when it is an Error, else the value as text. */
function abortMessage(reason: unknown): string {
  if (!isInstance(reason, Error)) return safeString(reason);
  try {
    return safeString(reason.message);
  } catch {
    return describeThrown(reason); // a message getter that throws
  }
}
