/**
 * Where errors go that no caller can catch — exceptions thrown by callbacks,
 * exceptions of futures nobody retrieved — and debug mode, which reports slow
 * callbacks. The base of the loop core (asyncio's exception-handler API).
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import type { Clock } from "./clock.ts";
import { _creationSiteOf, describeCallback, Handle, runEntry } from "./handle.ts";
import type { ReadyFn, ReadyQueue } from "./ready_queue.ts";

/**
 * Describes an error that reached the loop rather than a caller (asyncio's
 * exception-handler context). `message` is always present.
 */
export interface ExceptionContext {
  /** What happened, e.g. `Exception in callback <Handle tick()>`. */
  message: string;
  /** The error, when there is one. */
  exception?: unknown;
  /** The future whose exception was never retrieved. */
  future?: unknown;
  /** The task involved. */
  task?: unknown;
  /** The handle whose callback threw. */
  handle?: unknown;
  /** Anything else worth printing. */
  [key: string]: unknown;
}

/**
 * Formats a context as the default handler prints it: the message, then one
 * line per other field, the exception last with its stack.
 *
 * @param context What happened.
 * @returns The text to log.
 */
export function formatExceptionContext(context: ExceptionContext): string {
  const lines = [context.message];
  for (const [key, value] of Object.entries(context)) {
    if (key === "message" || key === "exception") continue;
    lines.push(`  ${key}: ${String(value)}`);
  }
  if ("exception" in context) lines.push(`  exception: ${formatError(context.exception)}`);
  return lines.join("\n");
}

function formatError(error: unknown): string {
  if (error instanceof Error && typeof error.stack === "string") {
    const stack = error.stack.includes(error.message) ? error.stack : `${error.name}: ${error.message}\n${error.stack}`;
    return stack.replaceAll("\n", "\n    ");
  }
  return String(error);
}

/**
 * The handler used when none is set: one `console.error` with the message and
 * every other field of the context.
 *
 * @param context What happened.
 *
 * @example Formatting a context the default way
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { defaultExceptionHandler } from "yieldio";
 * const logged: string[] = [];
 * const original = console.error;
 * console.error = (text: string) => logged.push(text);
 * try {
 *   defaultExceptionHandler({ message: "Exception in callback <Handle tick()>", handle: "<Handle tick()>" });
 * } finally {
 *   console.error = original;
 * }
 * assertEquals(logged, ["Exception in callback <Handle tick()>\n  handle: <Handle tick()>"]);
 * ```
 */
export function defaultExceptionHandler(context: ExceptionContext): void {
  console.error(formatExceptionContext(context));
}

/** The exception handler and debug mode of a loop; see the module doc. */
export class ExceptionHandling {
  #debug: boolean;
  #exceptionHandler: ((loop: this, context: ExceptionContext) => void) | null = null;
  /** In debug mode, a callback (or task step) that takes this many ms or more is reported. */
  slowCallbackDuration = 100;

  /** @param debug Whether debug mode starts on. */
  constructor(debug: boolean) {
    this.#debug = debug;
  }

  /**
   * Sets the function that receives errors nobody else can: exceptions thrown
   * by callbacks, exceptions of futures that were never retrieved. `null`
   * restores the default, which logs with `console.error`.
   *
   * @param handler Called as `handler(loop, context)`.
   * @throws {TypeError} When `handler` is neither a function nor null.
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

  /** Turns debug mode on or off (slow-callback warnings, creation sites). */
  setDebug(enabled: boolean): void {
    this.#debug = enabled === true;
  }

  /** @returns Whether debug mode is on. */
  getDebug(): boolean {
    return this.#debug;
  }

  /** @internal Sends an exception thrown by ready work `fn(arg)` to the handler. */
  _reportCallbackError(exception: unknown, fn: ReadyFn, arg: unknown): void {
    const createdAt = _creationSiteOf(arg);
    this.callExceptionHandler({
      message: `Exception in callback ${describeWork(fn, arg)}`,
      exception,
      ...(arg instanceof Handle ? { handle: arg } : {}),
      ...(createdAt === undefined ? {} : { createdAt }),
    });
  }

  /**
   * @internal Phase 5 of an iteration in debug mode: runs the `count` ready
   * callbacks like the plain phase, timing each on the host clock and
   * warning about the ones that take `slowCallbackDuration` ms or more.
   */
  _runTimed(ready: ReadyQueue, count: number, real: Clock): void {
    for (let n = count; n > 0; n--) {
      const fn = ready.pop();
      const arg = ready.poppedArg;
      const start = real.now();
      try {
        fn(arg);
      } catch (exception) {
        this._reportCallbackError(exception, fn, arg);
      }
      const took = real.now() - start;
      if (took >= this.slowCallbackDuration) {
        // A task prints its own creation site; a handle's is kept aside (debug mode records it).
        const site = _creationSiteOf(arg);
        const created = site === undefined ? "" : ` (created at ${site})`;
        console.warn(`yieldio: executing ${describeWork(fn, arg)}${created} took ${took.toFixed(3)} ms`);
      }
    }
    ready.poppedArg = undefined;
  }
}

/**
 * Ready work as a message names it: a handle or task by its own printing, a
 * record naming a task (an error thrown into it) by that task, else the
 * function's name — never a bare object's `[object Object]`.
 */
function describeWork(fn: ReadyFn, arg: unknown): string {
  if (fn === runEntry) return String(arg);
  if (typeof arg !== "object" || arg === null) return describeCallback(fn);
  if (arg.toString !== Object.prototype.toString) return String(arg);
  const task = (arg as { task?: unknown }).task;
  return task !== undefined ? String(task) : describeCallback(fn);
}
