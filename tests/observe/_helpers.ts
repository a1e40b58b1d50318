/**
 * Helpers for the observability tests: a virtual loop stepped by hand, so a
 * test can stop the world at a fixed point, look, and then clean up without
 * leaving a pending task behind (whose report would reach console.error).
 *
 * Runtime-neutral: the same files run in Deno, Node and Chromium.
 *
 * @module
 */

import { allTasks, type Coro, EventLoop, type ExceptionContext, sleep, type Task } from "../../mod.ts";

/** A virtual-time loop driven one iteration at a time. */
export class SteppedLoop {
  readonly loop: EventLoop;
  /** What reached the exception handler. */
  readonly reports: ExceptionContext[] = [];

  constructor(options: { debug?: boolean } = {}) {
    this.loop = new EventLoop({ clock: "virtual", debug: options.debug === true });
    this.loop.setExceptionHandler((_loop, context) => this.reports.push(context));
  }

  /** Creates a named task on the loop. */
  task<T>(name: string, coro: Coro<T>): Task<T> {
    return this.loop.createTask(coro, { name });
  }

  /** Runs `n` iterations (a virtual clock jumps to the next deadline when nothing is ready). */
  step(n: number): void {
    for (let i = 0; i < n; i++) this.loop.runOnce();
  }

  /** Cancels every pending task, runs until they are done, and closes the loop. */
  close(): void {
    for (const task of allTasks(this.loop)) task.cancel();
    for (let i = 0; i < 100 && allTasks(this.loop).size > 0; i++) this.loop.runOnce();
    this.loop.close();
  }
}

/** A generator function's coroutine, for inline task bodies. */
export function co<T>(body: () => Coro<T>): Coro<T> {
  return body();
}

/** Builds a two-task await cycle on `stepped`: t1 awaits t2 (after one sleep(0), so t2 exists), t2 awaits t1. */
export function awaitCycle(stepped: SteppedLoop): [Task<void>, Task<void>] {
  const tasks: Task<void>[] = [];
  tasks.push(stepped.task(
    "t1",
    co(function* () {
      yield* sleep(0);
      yield* tasks[1];
    }),
  ));
  tasks.push(stepped.task(
    "t2",
    co(function* () {
      yield* tasks[0];
    }),
  ));
  stepped.step(2);
  return [tasks[0], tasks[1]];
}
