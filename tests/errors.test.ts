/**
 * The helpers of lib/errors.ts: `rethrowCancellation`, the first line of a
 * catch-all that must not swallow a cancel.
 */

import { assertEquals, assertStrictEquals, assertThrows } from "@std/assert";
import { CancelledError, createTask, rethrowCancellation, run, sleep } from "../mod.ts";

Deno.test("rethrowCancellation() throws a CancelledError (or a subclass) itself, and returns for anything else", () => {
  class Shutdown extends CancelledError {}
  for (const cancel of [new CancelledError("stop"), new Shutdown("bye")]) {
    assertStrictEquals(assertThrows(() => rethrowCancellation(cancel), CancelledError), cancel);
  }
  const returned = [new Error("x"), new DOMException("aborted", "AbortError"), "CancelledError", undefined, null].map(
    (value) => rethrowCancellation(value),
  );
  assertEquals(returned, [undefined, undefined, undefined, undefined, undefined]);
});

Deno.test("a catch-all that starts with rethrowCancellation() logs failures and still lets cancel() end the task", async () => {
  const out = await run(function* () {
    const log: unknown[] = [];
    const worker = createTask((function* () {
      for (let job = 1;; job++) {
        try {
          yield* sleep(10);
          throw new Error(`job ${job} failed`);
        } catch (e) {
          rethrowCancellation(e);
          log.push((e as Error).message);
        }
      }
    })());
    yield* sleep(25);
    worker.cancel("stop");
    yield* sleep(0);
    return [log, worker.cancelled()];
  }, { clock: "virtual" });
  assertEquals(out, [["job 1 failed", "job 2 failed"], true]);
});
