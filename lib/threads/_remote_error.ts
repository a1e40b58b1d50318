/**
 * Errors thrown in a worker, rebuilt on the thread that waits for them: the
 * same class where it is a built-in one (`TypeError`, `RangeError`, ...), else
 * an `Error` with the original `name`; the worker's message and stack; the
 * cause, rebuilt the same way; a string `code` (Node's system errors).
 *
 * The bootstrap describes errors itself rather than relying on structured
 * clone, which keeps different fields in different hosts.
 *
 * @module
 */

/** An error as the bootstrap describes it, or a thrown non-error. */
export type RemoteError =
  | { name: string; message: string; stack?: string; cause?: RemoteError; code?: string }
  | { thrown: unknown };

const BUILT_IN: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** @returns The error (or thrown value) that `described` stands for. */
export function reviveError(described: RemoteError): unknown {
  if ("thrown" in described) return described.thrown;
  const Class = Object.hasOwn(BUILT_IN, described.name) ? BUILT_IN[described.name] : Error;
  const options = described.cause === undefined ? undefined : { cause: reviveError(described.cause) };
  const error = new Class(described.message, options);
  if (error.name !== described.name) error.name = described.name;
  if (described.stack !== undefined) error.stack = described.stack;
  if (described.code !== undefined) (error as { code?: string }).code = described.code;
  return error;
}
