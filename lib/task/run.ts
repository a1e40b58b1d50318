/**
 * run / runSync: the entry points (asyncio.run). Each makes a fresh loop, runs
 * `main` to completion, then cancels whatever tasks are left, lets them finish
 * (their `finally` blocks run), reports errors they raised while shutting
 * down, and closes the loop — which reports exceptions nobody retrieved.
 * In Deno and Node, `run` also turns Ctrl-C (SIGINT) and SIGTERM into a
 * cancel of `main` and prints the pending tasks on SIGQUIT (`signals.ts`); a
 * blocked thread (`runSync`) cannot hear signals.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { InvalidStateError } from "../errors.ts";
import { _runningLoop, type EventLoopOptions } from "../loop/base_event_loop.ts";
import { EventLoop } from "./event_loop.ts";
import type { Future } from "./future.ts";
import { checkCoroutine } from "./coroutine.ts";
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
}

/** The program to run: a coroutine, or a function that makes one. */
export type Main<T> = Coro<T> | (() => Coro<T>);

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
  const loop = newLoopFor(main, options, "run()");
  const watches: SignalWatch[] = [];
  let interruptedBy: SignalName | null = null;
  let mainFailed = false;
  try {
    const coro = coroutineOf(main, "run()");
    loop._prepareDriver(false); // main's task is made only once the driver can start
    const task = loop.createTask(coro);
    for (const signal of signalsToHandle(options?.handleSignals)) {
      const watch = watchSignal(loop, signal, () => {
        if (interruptedBy !== null) return exitProcess(exitCodeFor(signal)); // a second signal: now
        interruptedBy = signal;
        if (!loop.isClosed()) loop.callSoonThreadsafe(() => task.cancel(`interrupted (${signal})`));
      });
      if (watch !== null) watches.push(watch);
    }
    if (options?.dumpOnSigquit !== false) {
      const watch = watchSignal(loop, "SIGQUIT", () => {
        if (!loop.isClosed()) console.error(describeForSigquit(loop));
      });
      if (watch !== null) watches.push(watch);
    }
    return await loop.runUntilComplete(task);
  } catch (error) {
    mainFailed = true;
    throw error;
  } finally {
    try {
      const leftovers = cancelLeftovers(loop);
      if (leftovers !== null) {
        try {
          await loop.runUntilComplete(leftovers.done);
        } catch (shutdownError) {
          shutdownFailed(loop, mainFailed, shutdownError);
        }
        reportShutdownErrors(loop, leftovers.tasks);
      }
    } finally {
      try {
        loop.close(); // it may throw (a throwing exception handler): the signal listeners must go all the same
      } finally {
        for (const watch of watches) watch.stop();
        // Every finally has run: now end as a signalled program does (asyncio raises KeyboardInterrupt).
        if (interruptedBy !== null) exitProcess(exitCodeFor(interruptedBy));
      }
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
  const loop = newLoopFor(main, options, "runSync()");
  let mainFailed = false;
  try {
    return loop.runUntilCompleteSync(coroutineOf(main, "runSync()"));
  } catch (error) {
    mainFailed = true;
    throw error;
  } finally {
    try {
      const leftovers = cancelLeftovers(loop);
      if (leftovers !== null) {
        try {
          loop.runUntilCompleteSync(leftovers.done);
        } catch (shutdownError) {
          shutdownFailed(loop, mainFailed, shutdownError);
        }
        reportShutdownErrors(loop, leftovers.tasks);
      }
    } finally {
      loop.close();
    }
  }
}

function newLoopFor<T>(main: Main<T>, options: RunOptions | undefined, caller: string): EventLoop {
  if (_runningLoop() !== null) {
    throw new InvalidStateError(`${caller} cannot be called while an event loop is running on this thread`);
  }
  if (typeof main !== "function") checkCoroutine(main, caller);
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new TypeError(`${caller} expects an options object as its second argument, got ${describeValue(options)}`);
  }
  signalsToHandle(options?.handleSignals); // checked before a loop exists that a refusal would strand
  return new EventLoop(options);
}

/** The `handleSignals` option as a list of signals. */
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
  return [`yieldio: SIGQUIT at t=${loop.time().toFixed(1)} ms; ${count} task(s) pending:`, ...lines].join("\n");
}

function coroutineOf<T>(main: Main<T>, caller: string): Coro<T> {
  const coro = typeof main === "function" ? main() : main;
  checkCoroutine(coro, caller);
  return coro;
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
    const exception = task.exception();
    if (exception !== null) {
      loop.callExceptionHandler({ message: "unhandled exception during run() shutdown", exception, task });
    }
  }
}
