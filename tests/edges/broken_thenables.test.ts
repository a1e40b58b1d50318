/**
 * Thenables that break the rules — a `then` that throws, a `then` getter
 * that throws, both callbacks called, one called twice — given to
 * fromPromise, ensureFuture and gather. Each settles once, as `await` would
 * settle it, and the host wait it took is given back: the loop's ref count
 * returns to zero, so virtual time still advances and a deadlock is still
 * detected on the same loop.
 */

import { assert, assertEquals, assertInstanceOf, assertRejects, assertStrictEquals, assertThrows } from "@std/assert";
import {
  type Coro,
  DeadlockError,
  ensureFuture,
  EventLoop,
  fromPromise,
  gather,
  InvalidStateError,
  sleep,
} from "../../mod.ts";

const oops = new Error("then broke");

interface Case {
  name: string;
  /** A thenable (typed loosely: these `then`s do not keep PromiseLike's contract, which is the point). */
  make(): unknown;
  /** What awaiting it gives: its value, or what it throws. */
  settles: { value: unknown } | { error: unknown };
}

const CASES: Case[] = [
  {
    name: "a then that throws before settling",
    make: () => ({
      then(): never {
        throw oops;
      },
    }),
    settles: { error: oops },
  },
  {
    name: "a then that resolves, then throws",
    make: () => ({
      then(resolve: (value: unknown) => void): never {
        resolve("first");
        throw oops;
      },
    }),
    settles: { value: "first" },
  },
  {
    name: "a then that calls both callbacks",
    make: () => ({
      then(resolve: (value: unknown) => void, reject: (error: unknown) => void): void {
        resolve("first");
        reject(oops);
      },
    }),
    settles: { value: "first" },
  },
  {
    name: "a then that rejects, then resolves",
    make: () => ({
      then(resolve: (value: unknown) => void, reject: (error: unknown) => void): void {
        reject(oops);
        resolve("second");
      },
    }),
    settles: { error: oops },
  },
  {
    name: "a then that resolves twice, later, from the host",
    make: () => ({
      then(resolve: (value: unknown) => void): void {
        setTimeout(() => {
          resolve("first");
          resolve("second");
        }, 1);
      },
    }),
    settles: { value: "first" },
  },
];

/** The ways in: each gives what awaiting the thenable gives. */
const ENTRIES: [string, (thenable: PromiseLike<unknown>) => Coro<unknown>][] = [
  ["fromPromise(thenable)", (thenable) => fromPromise(thenable)],
  ["fromPromise(() => thenable)", (thenable) => fromPromise(() => thenable)],
  ["ensureFuture(thenable)", function* (thenable) {
    return yield* ensureFuture(thenable);
  }],
  ["gather([thenable])", function* (thenable) {
    const [value] = yield* gather([thenable]);
    return value;
  }],
];

/** The loop owes no host wake-up any more: unref() has nothing to release, time moves, a deadlock is seen. */
async function assertHostWaitReleased(loop: EventLoop, what: string): Promise<void> {
  assertThrows(() => loop.unref(), InvalidStateError, "unref() was called more often than ref()", what);
  const before = loop.time();
  assertEquals(await loop.runUntilComplete(sleep(100, "after")), "after", what);
  assertEquals(loop.time(), before + 100, `${what}: virtual time advances`);
  await assertRejects(() => loop.runUntilComplete(loop.createFuture()), DeadlockError);
}

for (const [entry, awaitIt] of ENTRIES) {
  Deno.test(`${entry}: a broken thenable settles once, and the host wait it took is released`, async () => {
    const loop = new EventLoop({ clock: "virtual" });
    try {
      for (const { name, make, settles } of CASES) {
        const outcome = await loop.runUntilComplete(loop.createTask((function* () {
          try {
            return { value: yield* awaitIt(make() as PromiseLike<unknown>) };
          } catch (error) {
            return { error };
          }
        })()));
        if ("value" in settles) assertEquals(outcome, settles, name);
        else assertStrictEquals((outcome as { error?: unknown }).error, settles.error, name);
        await assertHostWaitReleased(loop, `${entry}, ${name}`);
      }
    } finally {
      loop.close();
    }
  });
}

Deno.test("a thenable whose then getter throws is refused with a TypeError, and no host wait is taken", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  const hostile = {
    get then(): never {
      throw oops;
    },
  };
  try {
    for (const [entry, awaitIt] of ENTRIES) {
      const error = await loop.runUntilComplete(loop.createTask((function* () {
        try {
          yield* awaitIt(hostile as PromiseLike<unknown>);
        } catch (error) {
          return error;
        }
      })()));
      assertInstanceOf(error, TypeError, entry);
      assert(error.message.includes("got an object, which threw when inspected"), `${entry}: ${error.message}`);
      assertStrictEquals(error.cause, oops, entry);
      await assertHostWaitReleased(loop, entry);
    }
  } finally {
    loop.close();
  }
});
