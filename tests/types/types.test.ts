/**
 * Types flow through `yield*` (DESIGN.md, "Rules that are easy to get
 * wrong"). This file is checked by `deno check` (and by `deno test`, which
 * type-checks first): every annotated `const` below must compile, and every
 * line under `// @ts-expect-error` must NOT — if one starts compiling, the
 * directive itself becomes an error. The runtime tests run the same code so
 * the file is a real test everywhere.
 */

import { assertEquals, assertThrows } from "@std/assert";
import {
  asCompleted,
  type Coro,
  createTask,
  ensureFuture,
  EventLoop,
  FIRST_COMPLETED,
  fromPromise,
  type Future,
  gather,
  getRunningLoop,
  run,
  runSync,
  shield,
  sleep,
  type Task,
  taskGroup,
  timeout,
  wait,
  waitFor,
} from "../../mod.ts";
import { blockingRefusal } from "../../lib/loop/idle/atomics.ts";

/** A generator function annotated Coro<T>: its return value is the T. */
function* greet(name: string): Coro<string> {
  yield* sleep(1);
  return `hello ${name}`;
}

/** Every await form, each result assigned to its exact type. */
function* main(): Coro<[number, undefined, string, string, boolean, number, string, string]> {
  const n: number = yield* sleep(5, 1);
  const u: undefined = yield* sleep(5);
  const task: Task<string> = createTask(greet("task"));
  const s: string = yield* task;
  const viaResult: string = task.result();
  const fut: Future<boolean> = getRunningLoop().createFuture<boolean>();
  getRunningLoop().callSoon(() => fut.setResult(true));
  const b: boolean = yield* fut;
  const wrapped: Future<number> = ensureFuture(Promise.resolve(7));
  const w: number = yield* wrapped;
  const fp: string = yield* fromPromise(Promise.resolve("promised"));
  const sub: string = yield* greet("sub");
  void viaResult;
  return [n, u, s, sub, b, w, fp, fp.toUpperCase()];
}

/**
 * What must not compile. Never called: it exists to be type-checked, and the
 * runtime test below only checks that it is there.
 */
function* mustNotCompile(loop: EventLoop): Coro<void> {
  // @ts-expect-error sleep(5, 1) gives a number, not a string
  const wrongSleep: string = yield* sleep(5, 1);
  // @ts-expect-error sleep(5) gives undefined
  const wrongVoid: number = yield* sleep(5);
  // @ts-expect-error yield* of a Task<string> gives a string
  const wrongTask: number = yield* createTask(greet("x"));
  // @ts-expect-error yield* of a Future<boolean> gives a boolean
  const wrongFut: string = yield* loop.createFuture<boolean>();
  // @ts-expect-error a Task<string>'s result() is a string
  const wrongResult: number = createTask(greet("y")).result();
  // @ts-expect-error sleep takes a number of ms, not a string
  yield* sleep("5");
  // @ts-expect-error createTask takes a coroutine, not a number
  createTask(42);
  // @ts-expect-error createTask takes a coroutine, not the generator function itself
  createTask(greet);
  // @ts-expect-error createTask takes a coroutine, not a promise
  createTask(Promise.resolve(1));
  // @ts-expect-error fromPromise takes a promise or a function returning one
  yield* fromPromise(42);
  void [wrongSleep, wrongVoid, wrongTask, wrongFut, wrongResult];
}

function* badReturn(): Coro<string> {
  yield* sleep(1);
  // @ts-expect-error a generator annotated Coro<string> cannot return a number
  return 1;
}

async function runResultTypes(): Promise<void> {
  // One loop per thread: each run() is awaited before the next starts.
  const p: Promise<[number, undefined, string, string, boolean, number, string, string]> = run(main, {
    clock: "virtual",
  });
  assertEquals(await p, [1, undefined, "hello task", "hello sub", true, 7, "promised", "PROMISED"]);
  // @ts-expect-error run() returns a promise of main's return type
  const wrong: Promise<number> = run(main, { clock: "virtual" });
  await wrong; // (it runs fine: only its annotation is wrong)
  const byCoro: Promise<string> = run(greet("run"), { clock: "virtual" });
  assertEquals(await byCoro, "hello run");

  const loop = new EventLoop({ clock: "virtual" });
  try {
    const task: Task<string> = loop.createTask(greet("loop"));
    const r: string = await loop.runUntilComplete(task);
    // @ts-expect-error runUntilComplete(task) gives the task's T
    const wrongR: number = await loop.runUntilComplete(loop.createTask(greet("again")));
    const awaited: string = await task;
    assertEquals([r, awaited, wrongR], ["hello loop", "hello loop", "hello again"]);
  } finally {
    loop.close();
  }
}

Deno.test("types flow through yield*, run() and runUntilComplete() (checked by deno check; run here)", async () => {
  await runResultTypes();
  assertEquals(typeof mustNotCompile, "function");
  assertEquals(typeof badReturn, "function");
});

Deno.test("runSync() returns main's type where the thread may block", () => {
  if (blockingRefusal() === null) {
    const s: string = runSync(greet("sync"), { clock: "virtual" });
    assertEquals(s, "hello sync");
  } else {
    assertThrows(() => runSync(greet("sync"), { clock: "virtual" }));
  }
});

/** The combinators keep each awaitable's type: gather per position, the others as T. */
function* combinators(): Coro<[string, number, string | Error, number | Error, boolean, string, number, string]> {
  const task: Task<string> = createTask(greet("g"));
  const [s, n]: [string, number] = yield* gather([task, sleep(1, 2)]);
  const settled: [string | Error, number | Error] = yield* gather([greet("h"), sleep(1, 3)], {
    returnExceptions: true,
  });
  const fromSet: number[] = yield* gather(new Set([sleep(1, 4), sleep(2, 5)]));
  const viaWaitFor: boolean = yield* waitFor(sleep(1, true), 10);
  const viaTimeout: string = yield* timeout(10, function* () {
    return yield* greet("t");
  });
  const viaGroup: number = yield* taskGroup(function* (tg) {
    const child: Task<number> = tg.createTask(sleep(1, 6));
    return yield* child;
  });
  const shielded: Future<string> = shield(createTask(greet("s")));
  const { done, pending }: { done: Set<Task<number>>; pending: Set<Task<number>> } = yield* wait(
    [createTask(sleep(1, 7))],
    { returnWhen: FIRST_COMPLETED },
  );
  let first = 0;
  for (const next of asCompleted([sleep(2, 8), sleep(1, 9)])) {
    const value: number = yield* next;
    first ||= value;
  }
  void [fromSet, done, pending];
  return [s, n, settled[0], settled[1], viaWaitFor, yield* shielded, viaGroup + first, `${viaTimeout}`];
}

/** Combinator misuse that must not compile. Never called. */
function* combinatorsMustNotCompile(): Coro<void> {
  const task: Task<string> = createTask(greet("x"));
  // @ts-expect-error gather keeps positions: [string, number], not [number, number]
  const wrongTuple: [number, number] = yield* gather([task, sleep(1, 2)]);
  // @ts-expect-error with returnExceptions each position may be an Error
  const notSettled: [string, number] = yield* gather([task, sleep(1, 2)], { returnExceptions: true });
  // @ts-expect-error waitFor gives the awaitable's type
  const wrongWaitFor: number = yield* waitFor(task, 10);
  // @ts-expect-error waitFor takes a number of ms or null, not a string
  yield* waitFor(task, "10");
  // @ts-expect-error timeout gives the body's return type
  const wrongTimeout: string = yield* timeout(10, function* () {
    yield* sleep(1);
    return 1;
  });
  // @ts-expect-error wait takes futures and tasks, not coroutines
  yield* wait([greet("c")]);
  // @ts-expect-error returnWhen is one of the three constants
  yield* wait([task], { returnWhen: "FIRST" });
  yield* taskGroup(function* (tg) {
    yield* sleep(1);
    // @ts-expect-error a group's createTask takes a coroutine, not a number
    tg.createTask(42);
  });
  void [wrongTuple, notSettled, wrongWaitFor, wrongTimeout];
}

Deno.test("types flow through gather (per position), waitFor, timeout, taskGroup, shield, wait and asCompleted", async () => {
  const values = await run(combinators, { clock: "virtual" });
  assertEquals(values, ["hello g", 2, "hello h", 3, true, "hello s", 15, "hello t"]);
  assertEquals(typeof combinatorsMustNotCompile, "function");
});
