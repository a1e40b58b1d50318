/** A helper shared by the testing kit's tests. */

import type { Coro } from "../../mod.ts";

/** What a coroutine throws (or the string "returned"): lets a test assert on an error inside a task. */
export function* caught(coro: Coro<unknown>): Coro<unknown> {
  try {
    yield* coro;
    return "returned";
  } catch (e) {
    return e;
  }
}
