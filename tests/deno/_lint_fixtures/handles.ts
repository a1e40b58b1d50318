/**
 * Lint fixture (read by tests/deno/lint_plugin.test.ts, excluded from the
 * project's own lint): catch clauses the rule must accept.
 */

import { CancelledError, type Coro, createTask, currentTask, rethrowCancellation, sleep } from "../../../mod.ts";

export function* rethrowsWithTheHelper(log: (x: unknown) => void): Coro<void> {
  try {
    yield* sleep(10);
  } catch (e) {
    rethrowCancellation(e);
    log(e);
  }
}

export function* testsForCancelledError(log: (x: unknown) => void): Coro<void> {
  try {
    yield* sleep(10);
  } catch (e) {
    if (e instanceof CancelledError) log("cancelled");
    else log(e);
    throw e;
  }
}

export function* rethrowsWhatItDoesNotHandle(log: (x: unknown) => void): Coro<void> {
  try {
    yield* sleep(10);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    log(e);
  }
}

export function* comparesTheName(log: (x: unknown) => void): Coro<void> {
  try {
    yield* sleep(10);
  } catch (e) {
    if ((e as Error).name === "CancelledError") return;
    log(e);
  }
}

export function* refusesTheCancelOnPurpose(): Coro<void> {
  try {
    yield* sleep(10);
  } catch {
    currentTask()!.uncancel();
  }
}

/** No yield in the try block: no cancel can be thrown in there. */
export function* catchesAroundPlainCode(text: string): Coro<unknown> {
  yield* sleep(1);
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Not a generator: cancellation never reaches a plain function's catch. */
export function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** A catch in a callback inside a generator belongs to the callback. */
export function* callbackInside(texts: string[]): Coro<unknown[]> {
  yield* sleep(1);
  return texts.map((text) => {
    try {
      return JSON.parse(text);
    } catch {
      return null;
    }
  });
}

/** Generator functions whose coroutines are kept and driven: not flagged by no-generator-callback. */
function* visit(url: string): Coro<string> {
  yield* sleep(10);
  return url;
}

export function* crawlAll(urls: string[]): Coro<string[]> {
  const pages: string[] = [];
  for (const url of urls) pages.push(yield* visit(url));
  const coros = urls.map(function* (url) {
    return yield* visit(url);
  });
  for (const coro of coros) pages.push(yield* coro);
  urls.forEach((url) => createTask(visit(url)));
  return pages;
}
