/**
 * What reaches the loop's exception handler: errors no caller can catch
 * (exceptions thrown by callbacks, exceptions of futures nobody retrieved),
 * each described by an {@linkcode ExceptionContext}, and the default handler
 * that prints one (asyncio's `default_exception_handler`).
 *
 * @module
 */

import { describeThrown, safeString } from "../_describe.ts";
import { isInstance } from "../_is_instance.ts";

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
  // Every value here may be the user's, and unprintable: the report must get out all the same.
  const lines = [safeString(context.message)];
  for (const [key, value] of Object.entries(context)) {
    if (key === "message" || key === "exception") continue;
    lines.push(`  ${key}: ${safeString(value)}`);
  }
  if ("exception" in context) lines.push(`  exception: ${formatError(context.exception)}`);
  return lines.join("\n");
}

function formatError(error: unknown): string {
  try {
    if (isInstance(error, Error) && typeof error.stack === "string") {
      const stack = error.stack.includes(error.message) ? error.stack : `${describeThrown(error)}\n${error.stack}`;
      return stack.replaceAll("\n", "\n    ");
    }
  } catch {
    // a stack or message getter that throws: the short form below
  }
  return describeThrown(error);
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
