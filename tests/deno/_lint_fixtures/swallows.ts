/**
 * Lint fixture (read by tests/deno/lint_plugin.test.ts, excluded from the
 * project's own lint): catch clauses in generator functions that swallow a
 * cancel. Each one the rule must flag is marked
 * `// flagged: <rule>` on its line.
 */

import { type Coro, sleep } from "../../../mod.ts";

/** The crawler-style worker of issue 18: a cancel is logged and the loop goes on. */
export function* crawler(urls: string[], log: (x: unknown) => void): Coro<void> {
  for (const url of urls) {
    try {
      yield* sleep(10);
      log(url);
    } catch (e) { // flagged: no-swallowed-cancellation
      log(e);
    }
  }
}

/** No binding at all: nothing can be rethrown. */
export function* ignoreEverything(): Coro<void> {
  try {
    yield* sleep(10);
  } catch { // flagged: no-swallowed-cancellation
    // ignored
  }
}

/** Converting every error, cancel included, into another one. */
export function* wrapEverything(): Coro<void> {
  try {
    yield* sleep(10);
  } catch (e) { // flagged: no-swallowed-cancellation
    throw new Error("wrapped", { cause: e });
  }
}

/** A rethrow inside a nested function does not rethrow from the task. */
export function* rethrowLater(): Coro<void> {
  try {
    yield* sleep(10);
  } catch (e) { // flagged: no-swallowed-cancellation
    setTimeout(() => {
      throw e;
    });
  }
}

/** A method that is a generator, and a catch in the inner of two tries. */
export class Worker {
  *run(): Coro<void> {
    try {
      try {
        yield* sleep(1);
      } catch (inner) { // flagged: no-swallowed-cancellation
        console.log(inner);
      }
    } catch (outer) {
      throw outer;
    }
  }
}
