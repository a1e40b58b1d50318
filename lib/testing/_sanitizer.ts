/**
 * The sanitizer of `runTest`: what a test must not leave behind when its body
 * returns — tasks still pending, timers still armed, host waits still owed,
 * coroutines created and never driven — and every report that reached the
 * loop's exception handler (exceptions never retrieved, errors thrown by
 * callbacks), which it collects instead of printing.
 *
 * The snapshot is taken inside the test's own task as its body finishes,
 * before `run()` cancels what is left: a leak is named as the body left it.
 * Open I/O resources (sockets, listeners, child processes, event listeners,
 * wrapped streams) are read from lib/io/_resources.ts, a registry with no
 * host code: a test that never imports `yieldio/io` bundles nothing more.
 * The reports are kept whole, so that a run that fails anyway can still
 * surface them (the body's error alone would hide a worker's root cause).
 *
 * @module
 */

import { describeThrown, safeString } from "../_describe.ts";
import type { ExceptionContext } from "../loop/exception_context.ts";
import type { EventLoop } from "../task/event_loop.ts";
import type { Task } from "../task/task.ts";
import type { Leak } from "./errors.ts";
import { _openResources } from "../io/_resources.ts";

/** One test's sanitizer, installed on its loop. */
export class Sanitizer {
  #loop: EventLoop;
  /** What the body left, found by {@linkcode snapshot}. */
  #left: Leak[] = [];
  /** What reached the exception handler, from installation to close, in arrival order. */
  #reports: ExceptionContext[] = [];

  /** Tracks undriven coroutines on `loop` and takes over its exception handler. */
  constructor(loop: EventLoop) {
    this.#loop = loop;
    loop._trackUndriven();
    loop.setExceptionHandler((_loop, context) => {
      this.#reports.push(context);
    });
  }

  /** Records what is left as the test's task `self` finishes. */
  snapshot(self: Task<unknown> | null): void {
    const loop = this.#loop;
    const tasks = loop._pendingTasks().filter((task) => task !== self);
    // A timer a pending task sleeps on is named with that task, not twice.
    const awaited = new Set<unknown>(tasks.map((task) => task._waitingOn()));
    for (const task of tasks) {
      this.#left.push({ kind: "task", description: `task "${task.getName()}" is still pending: ${task}` });
    }
    const { timers, refs } = loop._leftovers();
    for (const timer of timers) {
      if (!awaited.has(timer)) this.#left.push({ kind: "timer", description: `${String(timer)} is still armed` });
    }
    if (refs > 0) {
      this.#left.push({
        kind: "ref",
        description: `${refs} host wait${refs === 1 ? " is" : "s are"} still referenced ` +
          "(loop.ref() without unref(): a fromPromise() or worker job still in flight)",
      });
    }
    for (const resource of _openResources(loop)) {
      this.#left.push({ kind: "resource", description: `${resource} is still open` });
    }
    const tracker = loop._undriven;
    if (tracker === null) return;
    for (const record of tracker.pending()) {
      this.#left.push({ kind: "undriven", description: tracker.describe(record) });
    }
    tracker.clear(); // reported here, not again by close()
  }

  /** @returns Everything found: what the body left, then the handler's reports. */
  leaks(): Leak[] {
    return [...this.#left, ...this.reports()];
  }

  /** @returns The handler's reports, one line each, in {@linkcode contexts} order. */
  reports(): Leak[] {
    return this.contexts().map((context) => ({ kind: "exception", description: describeReport(context) }));
  }

  /**
   * @returns The handler's reports as the loop made them: in arrival order,
   * except that exceptions never retrieved come last, sorted — one can be
   * reported early, when the garbage collector frees its future, so arrival
   * order depends on GC timing and a seed would not replay the same list.
   */
  contexts(): ExceptionContext[] {
    const collectable = (context: ExceptionContext) => context.message.endsWith("exception was never retrieved");
    const unseen = this.#reports.filter(collectable).map((context) => ({ context, key: describeReport(context) }));
    unseen.sort((a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
    return [...this.#reports.filter((context) => !collectable(context)), ...unseen.map(({ context }) => context)];
  }
}

/** A report on one line: the message, the error, and what it concerns. */
function describeReport(context: ExceptionContext): string {
  let text = context.message;
  if ("exception" in context) text += `: ${describeThrown(context.exception)}`;
  const about = context.future ?? context.task ?? context.handle;
  if (about !== undefined) text += ` (${safeString(about)})`;
  return text;
}
