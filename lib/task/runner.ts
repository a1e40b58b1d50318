/**
 * Runner (asyncio's `asyncio.Runner`), and `run` / `runSync` built on it.
 *
 * A runner owns one loop for several `run()` calls, which share one context
 * (`contextvars`): tasks one call leaves running go on in the next. `close()`
 * cancels whatever tasks are left, lets them finish (their `finally` blocks
 * run), reports errors they raised while shutting down, and closes the loop,
 * which reports exceptions nobody retrieved. `run(main)` is a runner used
 * once. In Deno and Node, a runner's host-driven `run()` turns SIGINT and
 * SIGTERM into a cancel of its main task and prints the pending tasks on
 * SIGQUIT (`signals.ts`); a blocked thread (`runSync`) cannot hear signals.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { InvalidStateError } from "../errors.ts";
import { _runningLoop, type EventLoopOptions } from "../loop/base_event_loop.ts";
import { formatTime } from "../loop/clock.ts";
import { type Context, copyContext } from "../loop/context.ts";
import { EventLoop } from "./event_loop.ts";
import type { Future } from "./future.ts";
import { checkCoroutine } from "./coroutine.ts";
import { STALL_MS, watchForStalls } from "./stall_watchdog.ts";
import { checkSignal, exitCodeFor, exitProcess, type SignalName, type SignalWatch, watchSignal } from "./signals.ts";
import { Task } from "./task.ts";
import type { Coro } from "./yield_protocol.ts";

/** The signals that end a program, which `run()` turns into a cancel of `main` unless told otherwise. */
const ENDING_SIGNALS: readonly SignalName[] = ["SIGINT", "SIGTERM"];

/** Options for {@linkcode run} and {@linkcode runSync}: those of the new loop, and signal handling. */
export interface RunOptions extends EventLoopOptions {
  /**
   * `run` in Deno and Node: the first SIGINT (Ctrl-C) or SIGTERM cancels
   * `main`, so every `finally` runs, then the process exits with 128 + the
   * signal's number (130, 143); a second signal exits at once. Default true
   * (SIGINT and SIGTERM); a list of signal names to choose (e.g.
   * `["SIGINT", "SIGTERM", "SIGHUP"]`); `false` leaves them all to the
   * runtime. Browsers have no signals, and `runSync` blocks the thread that
   * would hear one: there it does nothing.
   */
  handleSignals?: boolean | readonly SignalName[];
  /**
   * `run` in Deno and Node: SIGQUIT (Ctrl-\) prints the pending tasks and
   * what each waits on to stderr, and the program goes on, as Go and the JVM
   * do. Default true.
   */
  dumpOnSigquit?: boolean;
  /**
   * Debug mode on a real clock: when every task has waited on another task
   * or a primitive, and the loop has done nothing, for this many ms, print
   * them once, as a probable deadlock (the stall watchdog). Default 10 000.
   */
  stallMs?: number;
  /**
   * Makes the loop to run on (asyncio's `loop_factory`), instead of
   * `new EventLoop(options)`; then the loop's own options (clock, debug,
   * idle…) are the factory's to choose.
   */
  loopFactory?: () => EventLoop;
}

/** Options for one {@linkcode Runner.run} call. */
export interface RunnerRunOptions {
  /** The context the main task runs in; default: the runner's, which every call shares. */
  context?: Context;
  /** The main task's name; default: the generator function's name, else `main`. */
  name?: string;
}

/** The program to run: a coroutine, or a function that makes one. */
export type Main<T> = Coro<T> | (() => Coro<T>);

/**
 * A loop for several runs (asyncio's `Runner`): each `run()` runs a main
 * coroutine to completion on the same loop and in the same context, so a
 * value a run sets in a context variable, or a task it leaves running, is
 * there in the next; `close()` ends it all. `run(main)` is a runner used
 * once.
 *
 * @example Two runs on one loop, sharing a context
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { ContextVar, getRunningLoop, Runner, sleep } from "yieldio";
 * const visits = new ContextVar("visits", { default: 0 });
 * const runner = new Runner({ clock: "virtual" });
 * function* visit() {
 *   visits.set(visits.get() + 1);
 *   yield* sleep(10);
 *   return [visits.get(), getRunningLoop().time()];
 * }
 * try {
 *   assertEquals(await runner.run(visit), [1, 10]);
 *   assertEquals(await runner.run(visit), [2, 20]); // the same loop, the same context
 * } finally {
 *   await runner.close();
 * }
 * ```
 */
export class Runner {
  readonly #options: RunOptions | undefined;
  #loop: EventLoop | null = null;
  /** The context every run shares; made with the loop, a copy of the one current then. */
  #context: Context | null = null;
  #closed = false;
  /** Whether the last run ended with main's error: then a failing shutdown is reported, not thrown. */
  #lastRunFailed = false;
  #interruptedBy: SignalName | null = null;

  /**
   * A runner with no loop yet (asyncio's `Runner(...)`): its first `run()`
   * or `getLoop()` makes one.
   *
   * @param options Those of the loop it makes (or a `loopFactory`), and signal handling.
   * @throws {TypeError} When `options` is not an object, or names a signal it cannot handle.
   */
  constructor(options?: RunOptions) {
    checkOptions(options, "Runner");
    this.#options = options;
  }

  /**
   * The signal that interrupted the last host-driven {@linkcode run}, if one
   * did: it cancelled main, and a program should now end as that signal
   * ends it (`run()` exits with 128 + its number once the runner is closed).
   */
  get interruptedBy(): SignalName | null {
    return this.#interruptedBy;
  }

  /**
   * Like asyncio's `Runner.get_loop()`: every `run()` of this runner uses the same loop.
   * @returns The runner's loop, made now if no run made it yet.
   * @throws {InvalidStateError} When the runner is closed.
   * @throws {TypeError} When `loopFactory` returns something other than an `EventLoop`.
   */
  getLoop(): EventLoop {
    if (this.#closed) throw new InvalidStateError("this Runner is closed");
    if (this.#loop === null) {
      const factory = this.#options?.loopFactory;
      const loop = factory === undefined ? new EventLoop(this.#options) : factory();
      if (!(loop instanceof EventLoop)) {
        throw new TypeError(`loopFactory must return an EventLoop, got ${describeValue(loop)}`);
      }
      this.#loop = loop;
      this.#context = copyContext();
    }
    return this.#loop;
  }

  /**
   * Runs `main` to completion on the runner's loop, host-driven: timers,
   * I/O, promises and rendering go on between slices. In Deno and Node the
   * first SIGINT or SIGTERM cancels main (a second exits at once), and
   * SIGQUIT prints the pending tasks; see {@linkcode RunOptions}.
   *
   * @param main A coroutine or a function returning one (a generator function).
   * @param options The main task's context and name.
   * @returns A promise of main's return value (rejected with its error).
   * @throws {InvalidStateError} When the runner is closed, or a loop already runs on this thread.
   */
  async run<T>(main: Main<T>, options?: RunnerRunOptions): Promise<T> {
    const loop = this.#loopFor(main, "Runner.run()");
    loop._prepareDriver(false); // main's task is made only once the driver can start
    const task = this.#mainTask(loop, main, options, "Runner.run()");
    const watches = this.#watchSignals(loop, task);
    const stopWatchdog = loop.getDebug() && !loop._isVirtual()
      ? watchForStalls(loop, this.#options?.stallMs ?? STALL_MS)
      : null;
    try {
      this.#lastRunFailed = false;
      return await loop.runUntilComplete(task);
    } catch (error) {
      this.#lastRunFailed = true;
      cancelBecauseStopped(task, error);
      throw error;
    } finally {
      for (const watch of watches) watch.stop();
      stopWatchdog?.();
    }
  }

  /**
   * Runs `main` to completion on the runner's loop, blocking the thread while
   * idle (`Atomics.wait`). Allowed in Deno, Node and any Worker; a browser
   * window's main thread throws `CannotBlockError`.
   *
   * @param main A coroutine or a function returning one.
   * @param options The main task's context and name.
   * @returns main's return value.
   * @throws main's error; `CannotBlockError` where the thread may not block.
   */
  runSync<T>(main: Main<T>, options?: RunnerRunOptions): T {
    const loop = this.#loopFor(main, "Runner.runSync()");
    loop._prepareDriver(true);
    const task = this.#mainTask(loop, main, options, "Runner.runSync()");
    try {
      this.#lastRunFailed = false;
      return loop.runUntilCompleteSync(task);
    } catch (error) {
      this.#lastRunFailed = true;
      cancelBecauseStopped(task, error);
      throw error;
    }
  }

  /**
   * Ends the runner: cancels the tasks still pending, lets them finish, host-driven,
   * and closes the loop. Idempotent.
   */
  async close(): Promise<void> {
    const loop = this.#closing();
    if (loop === null) return;
    try {
      const leftovers = cancelLeftovers(loop);
      if (leftovers !== null) {
        try {
          await loop.runUntilComplete(leftovers.done);
        } catch (shutdownError) {
          shutdownFailed(loop, this.#lastRunFailed, shutdownError);
        }
        reportShutdownErrors(loop, leftovers.tasks);
      }
    } finally {
      loop.close();
    }
  }

  /** {@linkcode close}, blocking the thread while the leftover tasks finish. */
  closeSync(): void {
    const loop = this.#closing();
    if (loop === null) return;
    try {
      const leftovers = cancelLeftovers(loop);
      if (leftovers !== null) {
        try {
          loop.runUntilCompleteSync(leftovers.done);
        } catch (shutdownError) {
          shutdownFailed(loop, this.#lastRunFailed, shutdownError);
        }
        reportShutdownErrors(loop, leftovers.tasks);
      }
    } finally {
      loop.close();
    }
  }

  /** Marks the runner closed; returns its loop to shut down, or null when there is nothing to do. */
  #closing(): EventLoop | null {
    if (this.#closed) return null;
    this.#closed = true;
    const loop = this.#loop;
    return loop === null || loop.isClosed() ? null : loop;
  }

  #loopFor<T>(main: Main<T>, caller: string): EventLoop {
    if (this.#closed) throw new InvalidStateError(`${caller}: this Runner is closed`);
    if (_runningLoop() !== null) {
      throw new InvalidStateError(`${caller} cannot be called while an event loop is running on this thread`);
    }
    if (typeof main !== "function") checkCoroutine(main, caller);
    return this.getLoop();
  }

  #mainTask<T>(loop: EventLoop, main: Main<T>, options: RunnerRunOptions | undefined, caller: string): Task<T> {
    if (options !== undefined && (typeof options !== "object" || options === null)) {
      throw new TypeError(`${caller} expects an options object, got ${describeValue(options)}`);
    }
    const coro = typeof main === "function" ? main() : main;
    checkCoroutine(coro, caller);
    const name = options?.name ?? (typeof main === "function" && main.name !== "" ? main.name : "main");
    return loop.createTask(coro, { name, context: options?.context ?? this.#context ?? undefined });
  }

  /** SIGINT and SIGTERM cancel main, then end the process; SIGQUIT prints the pending tasks. */
  #watchSignals(loop: EventLoop, task: Task<unknown>): SignalWatch[] {
    const watches: SignalWatch[] = [];
    this.#interruptedBy = null;
    for (const signal of signalsToHandle(this.#options?.handleSignals)) {
      const watch = watchSignal(loop, signal, () => {
        if (this.#interruptedBy !== null) return exitProcess(exitCodeFor(signal)); // a second signal: now
        this.#interruptedBy = signal;
        if (!loop.isClosed()) loop.callSoonThreadsafe(() => task.cancel(`interrupted (${signal})`));
      });
      if (watch !== null) watches.push(watch);
    }
    if (this.#options?.dumpOnSigquit !== false) {
      const watch = watchSignal(loop, "SIGQUIT", () => {
        if (!loop.isClosed()) console.error(describeForSigquit(loop));
      });
      if (watch !== null) watches.push(watch);
    }
    return watches;
  }
}

/**
 * Runs `main` on a new host-driven loop and returns its result. The host
 * keeps running between slices: timers, I/O, promises and rendering all go on.
 *
 * @param main A coroutine or a function returning one (a generator function).
 * @param options `clock: "virtual"` for virtual time; `debug`; `idle`.
 * @returns A promise of main's return value (rejected with its error).
 *
 * @example The seed's program, in miniature
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { createTask, getRunningLoop, run, sleep } from "yieldio";
 * function* smallStep(ms: number) {
 *   yield* sleep(ms);
 *   return ms;
 * }
 * function* main() {
 *   const tasks = [30, 10, 20].map((ms) => createTask(smallStep(ms)));
 *   const results: number[] = [];
 *   for (const task of tasks) results.push(yield* task);
 *   return { results, elapsed: getRunningLoop().time() };
 * }
 * assertEquals(await run(main, { clock: "virtual" }), { results: [30, 10, 20], elapsed: 30 });
 * ```
 */
export async function run<T>(main: Main<T>, options?: RunOptions): Promise<T> {
  if (typeof main !== "function") checkCoroutine(main, "run()");
  checkOptions(options, "run()");
  const runner = new Runner(options);
  try {
    return await runner.run(main);
  } finally {
    try {
      await runner.close();
    } finally {
      // Every finally has run: now end as a signalled program does (asyncio raises KeyboardInterrupt).
      if (runner.interruptedBy !== null) exitProcess(exitCodeFor(runner.interruptedBy));
    }
  }
}

/**
 * Runs `main` on a new loop that blocks the thread while idle
 * (`Atomics.wait`) and returns its result: the seed's
 * `while (!stopped) run_once()`. Allowed in Deno, Node and any Worker; a
 * browser window's main thread throws `CannotBlockError`. Native promises
 * cannot settle while the thread blocks, so `fromPromise` fails fast here.
 *
 * @param main A coroutine or a function returning one.
 * @param options As for {@linkcode run}.
 * @returns main's return value.
 * @throws main's error; `CannotBlockError` where the thread may not block.
 *
 * @example Blocking until main is done
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { runSync, sleep } from "yieldio";
 * const value = runSync(function* () { // on a browser page's main thread: CannotBlockError
 *   yield* sleep(5);
 *   return "slept for real";
 * });
 * assertEquals(value, "slept for real");
 * ```
 */
export function runSync<T>(main: Main<T>, options?: RunOptions): T {
  if (typeof main !== "function") checkCoroutine(main, "runSync()");
  checkOptions(options, "runSync()");
  const runner = new Runner(options);
  try {
    return runner.runSync(main);
  } finally {
    runner.closeSync();
  }
}

function checkOptions(options: RunOptions | undefined, caller: string): void {
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new TypeError(`${caller} expects an options object, got ${describeValue(options)}`);
  }
  signalsToHandle(options?.handleSignals); // refused before a loop exists that a refusal would strand
  const stallMs = options?.stallMs;
  if (stallMs !== undefined && !(typeof stallMs === "number" && stallMs > 0)) {
    throw new TypeError(`stallMs expects a positive number of ms, got ${describeValue(stallMs)}`);
  }
  const factory = options?.loopFactory;
  if (factory !== undefined && typeof factory !== "function") {
    throw new TypeError(`loopFactory expects a function that makes an EventLoop, got ${describeValue(factory)}`);
  }
}

/**
 * The driver stopped before main finished (a `DeadlockError`, an error it
 * threw): main is cancelled at once, told why, so its `finally` blocks know.
 */
function cancelBecauseStopped(task: Task<unknown>, error: unknown): void {
  if (task.done()) return;
  const why = error instanceof Error ? error.message.split("\n")[0] : String(error);
  task._cancelBecause(`the loop stopped: ${why}`, error);
}

function signalsToHandle(option: unknown): readonly SignalName[] {
  if (option === undefined || option === true) return ENDING_SIGNALS;
  if (option === false) return [];
  if (!Array.isArray(option)) {
    throw new TypeError(`handleSignals expects true, false or a list of signal names, got ${describeValue(option)}`);
  }
  return option.map((signal) => checkSignal(signal, "handleSignals"));
}

/** What SIGQUIT prints: the loop's time and each pending task with what it waits on. */
function describeForSigquit(loop: EventLoop): string {
  const lines = loop._describeTasks();
  const count = loop._pendingTasks().length;
  return [`yieldio: SIGQUIT at t=${formatTime(loop.time())} ms; ${count} task(s) pending:`, ...lines].join("\n");
}

/** Cancels every pending task; returns them and a future done when all are. */
function cancelLeftovers(loop: EventLoop): { tasks: Task<unknown>[]; done: Future<void> } | null {
  if (loop.isClosed()) return null;
  const tasks = loop._pendingTasks();
  if (tasks.length === 0) return null;
  const done = loop.createFuture<void>();
  const countdown = { left: tasks.length, done };
  Task._cancelEach(tasks);
  for (const task of tasks) task._addCallback(countDown, countdown);
  return { tasks, done };
}

function countDown(countdown: { left: number; done: Future<void> }): void {
  if (--countdown.left === 0) countdown.done.setResult(undefined);
}

/**
 * When cancelling the leftovers fails too (say a `DeadlockError`): main's own
 * error is the one to see — a failed assertion, not the deadlock it left
 * behind — so the shutdown's goes to the exception handler instead of
 * replacing it, as Python would chain it. Without a main error it is thrown.
 */
function shutdownFailed(loop: EventLoop, mainFailed: boolean, error: unknown): void {
  if (!mainFailed) throw error;
  loop.callExceptionHandler({ message: "shutdown failed after main failed", exception: error });
}

function reportShutdownErrors(loop: EventLoop, tasks: Task<unknown>[]): void {
  for (const task of tasks) {
    if (!task.done() || task.cancelled()) continue; // not done: the shutdown itself failed, and says so
    try {
      task.result(); // not exception(): that is null both for a result and for `throw null`
    } catch (exception) {
      loop.callExceptionHandler({ message: "unhandled exception during run() shutdown", exception, task });
    }
  }
}
