/** detectDeadlock: a real-clock, host-driven loop that opted in reports a deadlock instead of idling forever. */

import { assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import { DeadlockError, fromPromise, getRunningLoop, run } from "../../mod.ts";

Deno.test("a real-clock run with detectDeadlock rejects with DeadlockError when nothing can ever happen", async () => {
  const error = await assertRejects(
    () =>
      run(function* () {
        yield* getRunningLoop().createFuture(); // nobody will ever set it
      }, { detectDeadlock: true }),
    DeadlockError,
  );
  assertEquals(error.tasks.length, 1);
  assertStringIncludes(error.message, "— waiting on <Future pending>");
});

Deno.test("with detectDeadlock, a host promise in flight (a ref) is not a deadlock", async () => {
  const value = await run(function* () {
    return yield* fromPromise(new Promise<string>((resolve) => setTimeout(() => resolve("host answered"), 5)));
  }, { detectDeadlock: true });
  assertEquals(value, "host answered");
});
