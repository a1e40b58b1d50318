/**
 * What the loop's exception handler receives, and how the default handler
 * prints it.
 *
 * @module
 */

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
