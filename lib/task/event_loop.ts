/**
 * EventLoop: the loop core (`lib/loop/base_event_loop.ts`) plus what needs
 * futures and tasks — creating them, running until one completes, keeping the
 * list of pending tasks, naming them when the loop deadlocks, and reporting
 * exceptions nobody retrieved.
 *
 * Pending tasks are kept in an intrusive list (two fields per task, O(1) in
 * and out, no Set or WeakSet to scan in every GC). A pending task is therefore
 * never collected out from under you — asyncio's "keep a reference to your
 * tasks" pitfall does not exist here — and a stuck program can name every task
 * it is waiting for.
 *
 * An exception is "never retrieved" when no one called `result()`,
 * `exception()` or `cancel()` on its future. Such futures are tracked weakly:
 * reported when the loop closes (deterministically) or, if collected earlier,
 * by a `FinalizationRegistry`.
 *
 * @module
 */

import { describeValue, formatShort, safeLabel } from "../_describe.ts";
import { DeadlockError, InvalidStateError } from "../errors.ts";
import { BaseEventLoop, type EventLoopOptions } from "../loop/base_event_loop.ts";
import { ensureFuture } from "./ensure_future.ts";
import { type Awaitable, Future } from "./future.ts";
import { keepLoopLayouts } from "./layout_keeper.ts";
import { checkSignal, noSignalsHere, type SignalName, type SignalWatch, watchSignal } from "./signals.ts";
import { Task, type TaskConstructorOptions, type TaskOptions, wakeTask } from "./task.ts";
import { describeUndriven, UndrivenTracker } from "./undriven.ts";
import { _describeWait } from "./wait_label.ts";
import type { Coro } from "./yield_protocol.ts";

export type { EventLoopOptions, SignalName };

/**
 * Replaces `new Task(...)` in `createTask` (asyncio's task factory).
 * `options` may be a shared frozen object: copy it to change it.
 */
export type TaskFactory = <T>(loop: EventLoop, coro: Coro<T>, options: TaskOptions) => Task<T>;

interface UnseenException {
  loop: EventLoop;
  future: WeakRef<Future<unknown>>;
  exception: unknown;
  label: string;
}

/** What a task factory gets for `createTask(coro)`: shared, so a call with no options allocates none. */
const NO_OPTIONS: TaskOptions = Object.freeze({});

/** What `layout_keeper.ts` keeps: a loop with the default options. */
const newLoop = (): EventLoop => new EventLoop();

const collectedUnseen = new FinalizationRegistry<UnseenException>((record) => record.loop._reportUnseen(record));

/**
 * An asyncio-style event loop. Most programs never touch one directly:
 * `run(main)` creates, drives and closes it. Scheduling, the drivers, the
 * exception handler, debug mode and instruments come from
 * {@linkcode BaseEventLoop}; this class adds futures and tasks.
 *
 * @example Driving a loop by hand
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { EventLoop, sleep } from "yieldio";
 * const loop = new EventLoop({ clock: "virtual" });
 * const task = loop.createTask((function* () {
 *   yield* sleep(1000);
 *   return "one virtual second later";
 * })());
 * assertEquals(await loop.runUntilComplete(task), "one virtual second later");
 * assertEquals(loop.time(), 1000);
 * loop.close();
 * ```
 */
export class EventLoop extends BaseEventLoop<Task<unknown>> {
  #taskFactory: TaskFactory | null = null;
  /** The options `createFuture()` and `createTask(coro)` pass on: one frozen object, not a copy per call. */
  readonly #ownOptions: TaskConstructorOptions = Object.freeze({ loop: this });
  #firstTask: Task<unknown> | null = null;
  #lastTask: Task<unknown> | null = null;
  #unseen = new Set<UnseenException>();
  #unseenOf = new WeakMap<Future<unknown>, UnseenException>();
  /** @internal The task whose step is running, or null. */
  _currentTask: Task<unknown> | null = null;
  /**
   * Per-loop task ids: 1, 2, … in creation order on this loop, whatever other
   * loops of the thread do, so equal programs give equal ids and names in the
   * views (tree, table, `inspect()`), while `getName()` keeps asyncio's
   * thread-wide `Task-N`. Tasks are numbered thread-wide at creation; the loop
   * keeps runs of consecutive numbers as flat (first number, its id) pairs,
   * both ascending. There is one run unless loops interleave task creation,
   * so recording costs a comparison per task and an id is a binary search
   * over a handful of runs, with no field on the task.
   */
  #idRuns: number[] = [];
  /** Invariant: tasks made on this loop so far, and the thread-wide number of the last (0 before the first). */
  #tasksMade = 0;
  #lastNumber = 0;
  /** The signals this loop handles (`addSignalHandler`), or null for none. */
  #signalHandlers: Map<SignalName, SignalWatch> | null = null;

  /**
   * A loop that runs tasks, not running yet (asyncio's `new_event_loop()`);
   * `run()` makes and closes one for you.
   *
   * @param options Clock, idle adapter, debug mode, seeded schedule, deadlock detection.
   * @throws {TypeError} For an unknown clock, a malformed adapter, or a seed or shuffle mode of the wrong type.
   * @throws {RangeError} For a seed that is not a safe integer or an unknown shuffle mode.
   */
  constructor(options?: EventLoopOptions) {
    super(options);
    this.taskStepFn = wakeTask; // what a "tasks" schedule permutes
    if (this.getDebug()) this._trackUndriven();
    keepLoopLayouts(newLoop);
  }

  /** @internal Coroutines yieldio made and nobody drove yet, while tracked (debug mode, sanitizer); else null. */
  _undriven: UndrivenTracker | null = null;

  /** Turns debug mode on or off; on, it also tracks coroutines that are created and never driven. */
  override setDebug(enabled: boolean): void {
    super.setDebug(enabled);
    if (this.getDebug()) this._trackUndriven();
  }

  /** @internal Starts tracking coroutines created and never driven (debug mode, the testing kit's sanitizer). */
  _trackUndriven(): UndrivenTracker {
    return this._undriven ??= new UndrivenTracker();
  }

  /**
   * Makes a future on this loop (asyncio's `loop.create_future()`): the way
   * to make one outside a running loop, where `new Future()` has no loop to take.
   *
   * @returns A new pending future bound to this loop.
   *
   * @example A new future is pending
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { EventLoop } from "yieldio";
   * const loop = new EventLoop({ clock: "virtual" });
   * assertEquals(loop.createFuture().done(), false);
   * ```
   */
  createFuture<T>(): Future<T> {
    return new Future<T>(this.#ownOptions);
  }

  /**
   * Wraps `coro` in a task (through the task factory, if one is set); its
   * first step runs in the next iteration (or at once with `eager: true`).
   *
   * @param coro The coroutine to run.
   * @param options The task's name, eager start, an AbortSignal to cancel it.
   * @returns The task.
   * @throws {TypeError} When `coro` is not a coroutine.
   * @throws {InvalidStateError} When the loop is closed.
   */
  createTask<T>(coro: Coro<T>, options?: TaskOptions): Task<T> {
    if (this.isClosed()) throw new InvalidStateError("createTask() on a closed event loop");
    if (this.#taskFactory === null) {
      return new Task(coro, options === undefined ? this.#ownOptions : { ...options, loop: this });
    }
    const task = this.#taskFactory(this, coro, options ?? NO_OPTIONS);
    if (!(task instanceof Task)) {
      throw new TypeError(`the task factory must return a Task, got ${describeValue(task)}`);
    }
    return task;
  }

  /**
   * Sets the function `createTask` uses instead of `new Task(...)`, or
   * `null` for the default.
   *
   * @param factory Called as `factory(loop, coro, options)`.
   * @throws {TypeError} When `factory` is neither a function nor null.
   */
  setTaskFactory(factory: TaskFactory | null): void {
    if (factory !== null && typeof factory !== "function") {
      throw new TypeError(`setTaskFactory expects a function or null, got ${describeValue(factory)}`);
    }
    this.#taskFactory = factory;
  }

  /**
   * Like asyncio's `loop.get_task_factory()`.
   * @returns The factory set by {@linkcode setTaskFactory}, or null for the default (`new Task(...)`).
   */
  getTaskFactory(): TaskFactory | null {
    return this.#taskFactory;
  }

  /**
   * Runs the loop (host-driven) until `awaitable` completes.
   *
   * @param awaitable A future, task, coroutine or promise.
   * @returns Its result.
   * @throws Its exception; `InvalidStateError` when the loop stopped first.
   */
  async runUntilComplete<T>(awaitable: Awaitable<T>): Promise<T> {
    this._prepareDriver(false); // before a task exists that a refused start would strand
    const future = ensureFuture(awaitable, this);
    future._addCallback(stopWhenDone, future);
    try {
      await this.runForever();
    } finally {
      future._removeCallback(stopWhenDone, future);
    }
    return resultAfterRun(future);
  }

  /**
   * Runs the loop, blocking the thread while idle, until `awaitable`
   * completes.
   *
   * @param awaitable A future, task or coroutine.
   * @returns Its result.
   * @throws Its exception; `InvalidStateError` when the loop stopped first;
   *   `CannotBlockError` on a browser window's main thread.
   */
  runUntilCompleteSync<T>(awaitable: Awaitable<T>): T {
    this._prepareDriver(true);
    const future = ensureFuture(awaitable, this);
    future._addCallback(stopWhenDone, future);
    try {
      this.runForeverSync();
    } finally {
      future._removeCallback(stopWhenDone, future);
    }
    return resultAfterRun(future);
  }

  /**
   * Closes the loop: reports tasks still pending and exceptions never
   * retrieved, then discards scheduled work.
   *
   * @throws {InvalidStateError} While the loop is running.
   */
  override close(): void {
    if (!this.isRunning() && !this.isClosed()) {
      for (const task of this._pendingTasks()) {
        this.callExceptionHandler({ message: "Task was destroyed but it is pending!", task });
      }
      for (const record of [...this.#unseen]) {
        const future = record.future.deref();
        if (future !== undefined) collectedUnseen.unregister(future);
        this._reportUnseen(record);
      }
      for (const record of this._undriven?.pending() ?? []) {
        const createdAt = record.createdAt; // the handler prints it on a line of its own
        this.callExceptionHandler({
          message: describeUndriven(record, false),
          ...(createdAt === undefined ? {} : { createdAt }),
        });
      }
      this._undriven?.clear();
      for (const watch of this.#signalHandlers?.values() ?? []) watch.stop(); // asyncio: close() removes them
      this.#signalHandlers = null;
    }
    super.close();
  }

  /** @internal Pending tasks in creation order. */
  _pendingTasks(): Task<unknown>[] {
    const tasks: Task<unknown>[] = [];
    for (let task = this.#firstTask; task !== null; task = task._nextTask) tasks.push(task);
    return tasks;
  }

  /** @internal Appends a new task to the pending list, and gives it its per-loop id. */
  _taskStarted(task: Task<unknown>): void {
    const number = task._number();
    if (number !== this.#lastNumber + 1 || this.#tasksMade === 0) this.#idRuns.push(number, this.#tasksMade + 1);
    this.#lastNumber = number;
    this.#tasksMade++;
    task._prevTask = this.#lastTask;
    if (this.#lastTask === null) this.#firstTask = task;
    else this.#lastTask._nextTask = task;
    this.#lastTask = task;
  }

  /** @internal A task's id on this loop: 1, 2, … in creation order, so equal programs give equal ids. */
  _taskId(task: Task<unknown>): number {
    const number = task._number();
    const runs = this.#idRuns;
    let low = 0, high = runs.length / 2 - 1; // the last run whose first number is ≤ number
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (runs[2 * middle] <= number) low = middle;
      else high = middle - 1;
    }
    return runs[2 * low + 1] + number - runs[2 * low];
  }

  /** @internal A task's name in this loop's views (tree, table, `inspect()`): its given name, else `Task-<id>`. */
  _taskLabel(task: Task<unknown>): string {
    return task._givenName() ?? `Task-${this._taskId(task)}`;
  }

  /** @internal Unlinks a finished task; a no-op for one already unlinked. */
  _taskFinished(task: Task<unknown>): void {
    const prev = task._prevTask, next = task._nextTask;
    if (prev === null && this.#firstTask !== task) return;
    if (prev === null) this.#firstTask = next;
    else prev._nextTask = next;
    if (next === null) this.#lastTask = prev;
    else next._prevTask = prev;
    task._prevTask = task._nextTask = null;
  }

  /** @internal A future finished with an exception nobody has looked at yet. */
  _exceptionUnseen(future: Future<unknown>, exception: unknown): void {
    const record: UnseenException = { loop: this, future: new WeakRef(future), exception, label: String(future) };
    this.#unseen.add(record);
    this.#unseenOf.set(future, record);
    collectedUnseen.register(future, record, future);
  }

  /** @internal Someone retrieved the exception: nothing to report. */
  _exceptionSeen(future: Future<unknown>): void {
    const record = this.#unseenOf.get(future);
    if (record === undefined) return;
    this.#unseen.delete(record);
    this.#unseenOf.delete(future);
    collectedUnseen.unregister(future);
  }

  /** @internal Reports one never-retrieved exception, once. */
  _reportUnseen(record: UnseenException): void {
    if (!this.#unseen.delete(record)) return;
    const future = record.future.deref();
    const kind = future instanceof Task || record.label.startsWith("<Task") ? "Task" : "Future";
    this.callExceptionHandler({
      message: `${kind} exception was never retrieved`,
      exception: record.exception,
      future: future ?? record.label,
    });
  }

  /** @internal The futures whose exception nobody has retrieved yet, oldest first, tasks named as in {@linkcode _taskLabel}. */
  _unretrieved(): string[] {
    return [...this.#unseen].map(({ future, exception, label }) => {
      const alive = future.deref();
      if (!(alive instanceof Task)) return label;
      return `<Task finished name=${this._taskLabel(alive)} exception=${formatShort(exception)}>`;
    });
  }

  /**
   * A DeadlockError naming each pending task, in creation order, with what it
   * waits on (one line each, as the task tree prints them), then each await
   * cycle, the commonest deadlock. The tree itself, `formatTaskTree(loop)`, is
   * a diagnostic a program imports when it wants it.
   */
  protected override deadlockError(): Error {
    const tasks = this._pendingTasks();
    return new DeadlockError(tasks, this._describeTasks(tasks).join("\n"));
  }

  /**
   * @internal One line per task, in creation order, with its state or what it
   * waits on (as the task tree prints them), then a line per await cycle:
   * what a `DeadlockError` and the SIGQUIT dump say.
   */
  _describeTasks(tasks: readonly Task<unknown>[] = this._pendingTasks()): string[] {
    // Names and labels are the user's text: each is printed as one safe line, so none can forge a line here.
    const lines = tasks.map((task) => {
      const cancelling = task.cancelling() > 0 ? " (cancelling)" : "";
      const waiting = task === this._currentTask ? null : _describeWait(task._waitingOn());
      const state = waiting !== null
        ? `waiting on ${safeLabel(waiting)}`
        : task === this._currentTask
        ? "running"
        : "ready";
      return `${safeLabel(this._taskLabel(task))} — ${state}${cancelling}`;
    });
    // A task waits on at most one task, so following each chain once finds every cycle in linear time.
    const seen = new Set<unknown>();
    for (const start of tasks) {
      const path: Task<unknown>[] = [];
      let next: unknown = start;
      for (; next instanceof Task && !next.done() && !seen.has(next); next = next._waitingOn()) {
        seen.add(next);
        path.push(next);
      }
      const at = path.indexOf(next as Task<unknown>);
      if (at < 0) continue;
      const cycle = [...path.slice(at), next as Task<unknown>];
      lines.push(`cycle: ${cycle.map((task) => safeLabel(this._taskLabel(task))).join(" → ")}`);
    }
    return lines;
  }

  /**
   * Calls `callback(...args)` through this loop each time the process gets
   * `signal` (asyncio's `add_signal_handler`), replacing this loop's handler
   * for it, until {@linkcode removeSignalHandler} or `close()`. Deno and Node
   * main threads only. While a handler is set the runtime's own action (end
   * the process) does not happen.
   *
   * @param signal A signal name such as `"SIGTERM"`, `"SIGHUP"` or `"SIGUSR1"`.
   * @param callback The function to call.
   * @param args Its arguments.
   * @throws {TypeError} When `signal` is not a string or `callback` not a function.
   * @throws {RangeError} For a name that is no signal a program can catch (`SIGKILL`, `SIGSTOP`).
   * @throws {InvalidStateError} Where this thread has no signals (browsers, workers), or the loop is closed.
   *
   * @example Reloading on SIGHUP
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { EventLoop } from "yieldio";
   * const loop = new EventLoop();
   * const reloads: string[] = [];
   * loop.addSignalHandler("SIGHUP", (why: string) => reloads.push(why), "config changed");
   * assertEquals(loop.removeSignalHandler("SIGHUP"), true);
   * assertEquals(loop.removeSignalHandler("SIGHUP"), false);
   * loop.close();
   * ```
   */
  addSignalHandler<A extends unknown[]>(signal: SignalName, callback: (...args: A) => unknown, ...args: A): void {
    const name = checkSignal(signal, "addSignalHandler");
    if (typeof callback !== "function") {
      throw new TypeError(`addSignalHandler expects a function to call, got ${describeValue(callback)}`);
    }
    if (this.isClosed()) throw new InvalidStateError("addSignalHandler() on a closed event loop");
    const watch = watchSignal(this, name, () => {
      if (!this.isClosed()) this.callSoonThreadsafe(callback, ...args);
    });
    if (watch === null) throw noSignalsHere(name);
    const handlers = this.#signalHandlers ??= new Map();
    handlers.get(name)?.stop();
    handlers.set(name, watch);
  }

  /**
   * Removes this loop's handler for `signal`: the runtime's own action is
   * back once no loop and no `run()` handles it.
   *
   * @param signal A signal name.
   * @returns Whether a handler was set.
   * @throws {TypeError} When `signal` is not a string.
   * @throws {RangeError} For a name that is no signal a program can catch.
   */
  removeSignalHandler(signal: SignalName): boolean {
    const name = checkSignal(signal, "removeSignalHandler");
    const watch = this.#signalHandlers?.get(name);
    if (watch === undefined) return false;
    watch.stop();
    this.#signalHandlers?.delete(name);
    return true;
  }
}

function stopWhenDone(future: Future<unknown>): void {
  // Reading the exception marks it retrieved: the caller gets it from result().
  if (!future.cancelled()) future.exception();
  future.getLoop().stop();
}

function resultAfterRun<T>(future: Future<T>): T {
  if (!future.done()) {
    throw new InvalidStateError(`the event loop stopped before ${future} completed`);
  }
  return future.result();
}
