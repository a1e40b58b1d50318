/**
 * Where user code created something — a task, a handle, a coroutine — for
 * debug-mode reports: the first stack frame outside yieldio's own `lib/`.
 * Capturing a stack costs microseconds, so only debug mode asks.
 *
 * @module
 */

const OWN_FRAME = /[/\\]lib[/\\](task|loop|combinators|sync|threads)[/\\]|[/\\]lib[/\\]_[a-z_]+\.ts/;

/** @returns `file:line:column` (or the frame's text) of the first caller outside yieldio, if any. */
export function creationSite(): string | undefined {
  const lines = (new Error().stack ?? "").split("\n").slice(1);
  const outside = lines.find((line) => line.trim().startsWith("at ") && !OWN_FRAME.test(line));
  return outside?.trim().replace(/^at /, "");
}
