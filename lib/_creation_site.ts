/**
 * Where user code created something — a task, a handle, a coroutine — for
 * debug-mode reports: the first stack frame outside yieldio's own `lib/`.
 * Capturing a stack costs microseconds, so only debug mode asks.
 *
 * @module
 */

const OWN_FRAME = /[/\\]lib[/\\](task|loop|combinators|sync|threads)[/\\]|[/\\]lib[/\\]_[a-z_]+\.ts/;

/**
 * @param ownFrames How many frames above this function's caller are still
 *   yieldio's, when the caller knows (a fixed call path): then the answer is right in a
 *   bundle too, where every frame is in one file. Otherwise frames are told
 *   apart by path, which needs yieldio's sources (or a source-mapped stack).
 * @returns `file:line:column` (or the frame's text) of the first caller
 *   outside yieldio, if any.
 */
export function creationSite(ownFrames?: number): string | undefined {
  const frames = (new Error().stack ?? "").split("\n").filter((line) => line.trim().startsWith("at "));
  // frames[0] is this function, frames[1] its caller, then ownFrames more of yieldio's.
  const outside = ownFrames !== undefined
    ? frames[ownFrames + 2]
    : frames.slice(1).find((line) => !OWN_FRAME.test(line));
  return outside?.trim().replace(/^at /, "");
}
