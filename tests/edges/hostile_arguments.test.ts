/**
 * Argument checks outside the loop and task core, given a value that throws
 * when looked at (a revoked Proxy, a getter that throws): each answers with
 * a TypeError that names the caller and the value — never the value's own
 * error — and leaves the loop able to run another task. (The combinators,
 * sync primitives and the Channel are in the hostile-values table and
 * channel.test.ts.)
 */

import { assertEquals, assertInstanceOf, assertStringIncludes, assertThrows } from "@std/assert";
import {
  captureCallGraph,
  EventLoop,
  futureAddToAwaitedBy,
  futureDiscardFromAwaitedBy,
  run,
  sleep,
} from "../../mod.ts";
import { setDefaultWorkerPool, toThread, workerFunction } from "../../lib/threads/mod.ts";
import { exploreSeeds } from "../../lib/testing/mod.ts";
import { jobs } from "../threads/_env.ts";

// deno-lint-ignore no-explicit-any
type Loose = any;

function revokedProxy(): Loose {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

const REVOKED = "an object that throws when inspected (a revoked Proxy?)";

Deno.test("futureAddToAwaitedBy and futureDiscardFromAwaitedBy name a revoked Proxy in their TypeError", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  const future = loop.createFuture();
  for (const link of [futureAddToAwaitedBy, futureDiscardFromAwaitedBy]) {
    assertThrows(() => link(revokedProxy(), future), TypeError, `expects a Future to await, got ${REVOKED}`);
    assertThrows(
      () => link(future, revokedProxy()),
      TypeError,
      `expects the waiter to be a Future or Task, got ${REVOKED}`,
    );
  }
  assertEquals(await loop.runUntilComplete(sleep(1, "still runs")), "still runs");
  loop.close();
});

Deno.test("captureCallGraph names a revoked Proxy in its TypeError", () => {
  assertThrows(
    () => captureCallGraph(revokedProxy()),
    TypeError,
    `captureCallGraph expects a Future or Task, got ${REVOKED}`,
  );
});

Deno.test("setDefaultWorkerPool, workerFunction and toThread name a hostile argument in their TypeError", async () => {
  const after = await run(function* () {
    assertThrows(() => setDefaultWorkerPool(revokedProxy()), TypeError, `expects a WorkerPool, got ${REVOKED}`);
    assertThrows(() => workerFunction(revokedProxy(), "add"), TypeError, `module's absolute URL, such as`);
    const reference = assertThrows(() => toThread(revokedProxy()), TypeError);
    assertStringIncludes(reference.message, `submit() expects a function reference made by workerFunction`);
    assertStringIncludes(reference.message, `got ${REVOKED}, which threw when inspected`);
    assertInstanceOf(reference.cause, TypeError);
    const argument = assertThrows(() => toThread(jobs.add, revokedProxy(), 2), TypeError);
    assertStringIncludes(argument.message, `argument 0, ${REVOKED}, cannot`);
    return yield* toThread(jobs.add, 1, 2);
  });
  assertEquals(after, 3);
});

Deno.test("exploreSeeds names seeds whose Symbol.iterator getter throws in its TypeError", async () => {
  const cause = new Error("no iterator for you");
  const seeds = {
    get [Symbol.iterator](): never {
      throw cause;
    },
  };
  try {
    await exploreSeeds(function* () {}, { seeds: seeds as Loose });
    throw new Error("exploreSeeds accepted them");
  } catch (error) {
    assertInstanceOf(error, TypeError);
    assertEquals(
      error.message,
      "exploreSeeds(): seeds expects a count or an iterable of integers, got an object, which threw when inspected",
    );
    assertEquals(error.cause, cause);
  }
});
