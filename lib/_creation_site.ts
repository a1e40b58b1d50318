/**
 * Where user code created something — a task, a handle, a coroutine — for
 * debug-mode reports: the first stack frame outside yieldio's own `lib/`.
 * Capturing a stack costs microseconds, so only debug mode (and the testing
 * kit's sanitizer) asks.
 *
 * @module
 */

const OWN_FRAME = /[/\\]lib[/\\](task|loop|combinators|sync|threads|observe|inspector)[/\\]|[/\\]lib[/\\]_[a-z_]+\.ts/;

/**
 * @param ownFrames How many frames above this function's caller are still
 *   yieldio's, when the caller knows (a fixed call path): then the answer is right in a
 *   bundle too, where every frame is in one file. Otherwise frames are told
 *   apart by path, which needs yieldio's sources (or a source-mapped stack);
 *   with sources, frames past `ownFrames` that are still yieldio's (an
 *   internal caller) are skipped too.
 * @returns `file:line:column` (or the frame's text) of the first caller
 *   outside yieldio, if any.
 */
export function creationSite(ownFrames?: number): string | undefined {
  return siteIn(new Error().stack, ownFrames);
}

/**
 * {@linkcode creationSite}, deferred: the stack is captured now (about 3 µs)
 * and formatted only when the returned function is called — formatting,
 * source maps included, costs ten times more, and most sites are never read
 * (the testing kit's sanitizer records one per `sleep()`).
 *
 * @param ownFrames As for {@linkcode creationSite}, counted from this function's caller.
 * @returns A function giving the site (computed once).
 */
export function deferredCreationSite(ownFrames?: number): () => string | undefined {
  let error: Error | null = new Error();
  let site: string | undefined;
  return () => {
    if (error !== null) [site, error] = [siteIn(error.stack, ownFrames), null];
    return site;
  };
}

/** The site in `stack`, captured by `creationSite` or `deferredCreationSite` (see their `ownFrames`). */
function siteIn(stack: string | undefined, ownFrames: number | undefined): string | undefined {
  const frames = (stack ?? "").split("\n").filter((line) => line.trim().startsWith("at "));
  // frames[0] is the function that captured the stack, frames[1] its caller, then ownFrames more of yieldio's.
  const outside = frames.slice(ownFrames === undefined ? 1 : ownFrames + 2).find((line) => !OWN_FRAME.test(line));
  return outside?.trim().replace(/^at /, "");
}
