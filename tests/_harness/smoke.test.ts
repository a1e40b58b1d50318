// The harness's own canary: if these fail everywhere, suspect the harness
// (bundling, the Deno.test shim, the runner) before the library.
import { assertEquals, assertRejects } from "@std/assert";
import { run, sleep } from "../../mod.ts";

Deno.test("harness: run() returns the coroutine's value", async () => {
  // deno-lint-ignore require-yield
  const main = function* () {
    return 1;
  };
  assertEquals(await run(main), 1);
});

Deno.test({
  name: "harness: a virtual-clock sleep resumes with its value",
  fn: async () => {
    const value = await run(function* () {
      return yield* sleep(1000, "late");
    }, { clock: "virtual" });
    assertEquals(value, "late");
  },
});

Deno.test("harness: a coroutine's error rejects run()", async () => {
  await assertRejects(
    () =>
      run(function* () {
        yield* sleep(0);
        throw new RangeError("boom");
      }),
    RangeError,
    "boom",
  );
});
