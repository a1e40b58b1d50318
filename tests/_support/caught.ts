/** A helper every test folder uses: catching what a coroutine throws, inside a task. */

import type { Coro } from "../../mod.ts";

/** Runs `body` to completion and returns what it threw, failing if it did not throw. */
export function* caught(body: Coro<unknown>): Coro<unknown> {
  try {
    yield* body;
  } catch (error) {
    return error;
  }
  throw new Error("expected the awaited body to throw, but it returned");
}
