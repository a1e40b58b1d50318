/**
 * Pins mod.ts's public runtime surface: the sorted list of exported names.
 * Adding or removing an export is a deliberate change to this list (and to
 * the README's API reference), never a side effect. Type-only exports
 * (`Coro`, `Awaitable`, `ExceptionContext`, option interfaces…) have no
 * runtime name; the type-level test covers them.
 */

import { assertEquals } from "@std/assert";
import * as mod from "../mod.ts";
import * as testing from "../lib/testing/mod.ts";
import * as threads from "../lib/threads/mod.ts";

const EXPECTED = [
  "ALL_COMPLETED",
  "AtomicsIdle",
  "Barrier",
  "BaseEventLoop",
  "BoundedSemaphore",
  "BrokenBarrierError",
  "CancelledError",
  "CannotBlockError",
  "Condition",
  "Context",
  "ContextVar",
  "DeadlockError",
  "Event",
  "EventLoop",
  "ExceptionGroup",
  "FIRST_COMPLETED",
  "FIRST_EXCEPTION",
  "Future",
  "Handle",
  "InvalidStateError",
  "LifoQueue",
  "Lock",
  "LookupError",
  "MessageChannelIdle",
  "PerformanceClock",
  "PriorityQueue",
  "Queue",
  "QueueEmpty",
  "QueueFull",
  "QueueShutDown",
  "Runner",
  "Semaphore",
  "SetImmediateIdle",
  "SetTimeoutIdle",
  "Task",
  "TaskGroup",
  "Timeout",
  "TimeoutError",
  "TimerHandle",
  "Token",
  "VirtualClock",
  "allTasks",
  "asCompleted",
  "captureCallGraph",
  "copyContext",
  "createTask",
  "currentTask",
  "defaultExceptionHandler",
  "eagerTaskFactory",
  "ensureFuture",
  "formatCallGraph",
  "formatTaskTable",
  "formatTaskTree",
  "fromPromise",
  "futureAddToAwaitedBy",
  "futureDiscardFromAwaitedBy",
  "gather",
  "getRunningLoop",
  "inspect",
  "printCallGraph",
  "rethrowCancellation",
  "run",
  "runSync",
  "shield",
  "sleep",
  "staggeredRace",
  "taskGroup",
  "timeout",
  "timeoutAt",
  "wait",
  "waitFor",
];

/** wait()'s returnWhen values: strings naming themselves, as in asyncio (the only non-callable exports). */
const CONSTANTS = ["ALL_COMPLETED", "FIRST_COMPLETED", "FIRST_EXCEPTION"];

Deno.test("mod.ts exports exactly the pinned list of runtime names", () => {
  assertEquals(Object.keys(mod).sort(), EXPECTED);
});

Deno.test("every runtime export of mod.ts is a function or a class (no stray values)", () => {
  const notCallable = Object.entries(mod).filter(([name, value]) =>
    typeof value !== "function" && !CONSTANTS.includes(name)
  ).map(([name]) => name);
  assertEquals(notCallable, []);
});

Deno.test("wait()'s returnWhen constants are the strings of their own names", () => {
  const values = Object.fromEntries(CONSTANTS.map((name) => [name, (mod as Record<string, unknown>)[name]]));
  assertEquals(values, Object.fromEntries(CONSTANTS.map((name) => [name, name])));
});

Deno.test("every exported error class extends Error and names itself", () => {
  const errors = [
    mod.BrokenBarrierError,
    mod.CancelledError,
    mod.CannotBlockError,
    mod.InvalidStateError,
    mod.LookupError,
    mod.QueueEmpty,
    mod.QueueFull,
    mod.QueueShutDown,
    mod.TimeoutError,
  ];
  for (const ErrorClass of errors) {
    const error = new ErrorClass("message", { cause: "why" });
    assertEquals([error instanceof Error, error.name, error.message, error.cause], [
      true,
      ErrorClass.name,
      "message",
      "why",
    ]);
  }
  const deadlock = new mod.DeadlockError([], "");
  assertEquals([deadlock instanceof Error, deadlock.name], [true, "DeadlockError"]);
  const group = new mod.ExceptionGroup("two failures", [new Error("a"), "b"], { cause: "why" });
  assertEquals(
    [group instanceof AggregateError, group.name, group.message, group.exceptions, group.cause],
    [true, "ExceptionGroup", "two failures", [new Error("a"), "b"], "why"],
  );
});

/** The testing kit's entry (deno.json's "./testing"), pinned the same way; none of it is in mod.ts. */
const TESTING_EXPECTED = [
  "CheckpointError",
  "SanitizerError",
  "SeededError",
  "Sequencer",
  "TimeLimitError",
  "assertCheckpoints",
  "assertNoCheckpoints",
  "exploreSeeds",
  "runTest",
  "seedSettings",
  "seedSettingsFromQuery",
  "seedsToExplore",
  "waitAllTasksBlocked",
];

Deno.test("lib/testing/mod.ts exports exactly the pinned list, and mod.ts none of it", () => {
  assertEquals(Object.keys(testing).sort(), TESTING_EXPECTED);
  assertEquals(Object.keys(mod).filter((name) => TESTING_EXPECTED.includes(name)), []);
});

/** The threads entry (deno.json's "./threads"): workers and channels, out of the core bundle. */
const THREADS_EXPECTED = [
  "Channel",
  "WorkerPool",
  "defaultWorkerPool",
  "jobSignal",
  "setDefaultWorkerPool",
  "toThread",
  "workerFunction",
];

Deno.test("lib/threads/mod.ts exports exactly the pinned list, and mod.ts none of it", () => {
  assertEquals(Object.keys(threads).sort(), THREADS_EXPECTED);
  assertEquals(Object.keys(mod).filter((name) => THREADS_EXPECTED.includes(name)), []);
});
