/**
 * Where user code created something — a task, a handle, a coroutine — for
 * debug-mode reports: the first stack frame outside yieldio. Capturing a
 * stack costs microseconds, so only debug mode (and the testing kit's
 * sanitizer) asks.
 *
 * Run from its sources, yieldio tells its own frames by path: anything under
 * its own `lib/` (anchored at this file's URL, so a user path that merely
 * contains `/lib/task/` is not mistaken for it). In a bundle every frame is in
 * one file, so callers say how many frames are theirs (`ownFrames`), and the
 * few entry points whose depth varies (`createTask` through `loop.createTask`
 * or a task group) are named by a pattern (`entries`); V8 stacks only.
 *
 * Never throws: a stack is user-influenced (`Error.prepareStackTrace` may
 * throw or return a non-string), and a creation site is only ever a detail
 * of a report, so an unreadable stack gives no site.
 *
 * @module
 */

/** yieldio's `lib/` as a URL prefix when it runs from its sources; null in a bundle (one file for all). */
const OWN_LIB: string | null = ownLib();

function ownLib(): string | null {
  // In a script bundle import.meta is an empty object; in a module bundle its url names the bundle.
  const url = (import.meta as { url?: unknown }).url;
  const self = "/lib/_creation_site.ts";
  return typeof url === "string" && url.endsWith(self) ? url.slice(0, url.length - self.length) + "/lib/" : null;
}

/**
 * @param ownFrames How many frames above this function's caller are still
 *   yieldio's, when the caller knows (a fixed call path): then the answer is
 *   right in a bundle too. Past them, frames under yieldio's `lib/` (from
 *   sources) are skipped too.
 * @param entries In a bundle, names of yieldio functions (`EventLoop.createTask`)
 *   that may come next on a path of varying depth; skipped while they lead.
 * @returns `file:line:column` (or the frame's text) of the first caller
 *   outside yieldio, if any.
 */
export function creationSite(ownFrames?: number, entries?: RegExp): string | undefined {
  return siteIn(stackOf(new Error()), ownFrames, entries);
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
    if (error !== null) [site, error] = [siteIn(stackOf(error), ownFrames, undefined), null];
    return site;
  };
}

/** `error.stack` when it is a string; reading it runs `Error.prepareStackTrace`, which may throw. */
function stackOf(error: Error): string | undefined {
  try {
    const stack: unknown = error.stack;
    return typeof stack === "string" ? stack : undefined;
  } catch {
    return undefined;
  }
}

/** The site in `stack`, captured by `creationSite` or `deferredCreationSite` (see their parameters). */
function siteIn(
  stack: string | undefined,
  ownFrames: number | undefined,
  entries: RegExp | undefined,
): string | undefined {
  const frames = (stack ?? "").split("\n").map((line) => line.trim()).filter((line) => line.startsWith("at "));
  // frames[0] is the function that captured the stack, frames[1] its caller, then ownFrames more of yieldio's.
  const outside = frames.slice(ownFrames === undefined ? 1 : ownFrames + 2).find((line) => !isOwn(line, entries));
  return outside?.replace(/^at /, "");
}

function isOwn(frame: string, entries: RegExp | undefined): boolean {
  if (OWN_LIB !== null) return frame.includes(OWN_LIB);
  return entries !== undefined && entries.test(frame.replace(/^at (?:async )?/, "").replace(/ \(.*\)$/, ""));
}
