/**
 * captureCallGraph / formatCallGraph / printCallGraph: the cases of CPython's
 * Lib/test/test_asyncio/test_graph.py, in yieldio's terms. Who awaits whom
 * must match CPython exactly; call stacks exist only for the running task (a
 * suspended generator cannot be looked into), so the other tasks' stacks,
 * which CPython fills from `cr_await`, are empty here.
 */

import { assert, assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import {
  captureCallGraph,
  type Coro,
  createTask,
  EventLoop,
  formatCallGraph,
  formatTaskTree,
  futureAddToAwaitedBy,
  type FutureCallGraph,
  futureDiscardFromAwaitedBy,
  gather,
  getRunningLoop,
  InvalidStateError,
  run,
  shield,
  sleep,
  Task,
  taskGroup,
  timeout,
  wait,
} from "../../mod.ts";
import { awaitCycle, co, SteppedLoop } from "./_helpers.ts";

type Walked = [string, string[], Walked[]];

/** CPython's `walk`: the future as T<name> (T<anon> for a default name; run()'s main task is named main here) or F, frame names, sorted awaiters. */
function walk(graph: FutureCallGraph, names?: string[]): Walked {
  const future = graph.future;
  const label = future instanceof Task ? (future.getName().includes("-") ? "T<anon>" : `T<${future.getName()}>`) : "F";
  // A frame prints as `name (location)`; a bundler may suffix a clashing name with digits.
  let frames = graph.callStack.map((frame) => frame.split(" ")[0].replace(/\d+$/, ""));
  if (names !== undefined) frames = frames.filter((name) => names.includes(name));
  const awaitedBy = graph.awaitedBy.map((g) => walk(g, names)).sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  return [label, frames, awaitedBy];
}

/** Runs `main` on a virtual loop in a task of its own (an anonymous "test" task, as in CPython's suite). */
function runTest(main: () => Coro<void>): Promise<void> {
  return run(main, { clock: "virtual" });
}

let captured: FutureCallGraph | null = null;
function captureTestStack(): void {
  captured = captureCallGraph();
}

Deno.test("test_stack_tgroup: a child awaited by its group's parent and by two siblings", async () => {
  function leaf(): void {
    captureTestStack();
  }
  function* four(): Coro<void> {
    yield* sleep(0);
    leaf();
  }
  function* three(): Coro<void> {
    yield* four();
  }
  function* two(): Coro<void> {
    yield* three();
  }
  function* one(task: Task<void>): Coro<void> {
    yield* task;
  }
  await runTest(function* () {
    yield* taskGroup(function* (tg) {
      const task = tg.createTask(two(), { name: "c2_root" });
      tg.createTask(one(task), { name: "sub_main_1" });
      tg.createTask(one(task), { name: "sub_main_2" });
    });
  });
  assertEquals(walk(captured!, ["captureTestStack", "leaf", "four", "three", "two"]), [
    "T<c2_root>",
    ["captureTestStack", "leaf", "four", "three", "two"],
    [
      ["T<main>", [], []],
      ["T<sub_main_1>", [], [["T<main>", [], []]]],
      ["T<sub_main_2>", [], [["T<main>", [], []]]],
    ],
  ]);
});

Deno.test("test_stack_gather: a gathered coroutine's task is awaited by the task that gathers", async () => {
  function* deep(): Coro<void> {
    yield* sleep(0);
    captureTestStack();
  }
  function* first(): Coro<void> {
    yield* sleep(0);
    yield* deep();
  }
  function* second(): Coro<void> {
    yield* sleep(0);
  }
  await runTest(function* () {
    yield* gather([first(), second()]);
  });
  assertEquals(walk(captured!, ["captureTestStack", "deep", "first"]), [
    "T<anon>",
    ["captureTestStack", "deep", "first"],
    [["T<main>", [], []]],
  ]);
});

Deno.test("test_stack_shield: the shielded task is awaited by the task that shields it", async () => {
  function* deep(): Coro<void> {
    yield* sleep(0);
    captureTestStack();
  }
  function* first(): Coro<void> {
    yield* sleep(0);
    yield* deep();
  }
  await runTest(function* () {
    yield* shield(first());
  });
  assertEquals(walk(captured!, ["captureTestStack", "deep", "first"]), [
    "T<anon>",
    ["captureTestStack", "deep", "first"],
    [["T<main>", [], []]],
  ]);
});

Deno.test("test_stack_timeout: a timeout runs in its task and adds no edge of its own", async () => {
  function* inner(): Coro<void> {
    yield* sleep(0);
    captureTestStack();
  }
  function* first(): Coro<void> {
    yield* timeout(1000, function* () {
      yield* sleep(0);
      yield* inner();
    });
  }
  await runTest(function* () {
    yield* shield(first());
  });
  assertEquals(walk(captured!, ["captureTestStack", "inner", "first"]), [
    "T<anon>",
    ["captureTestStack", "inner", "first"],
    [["T<main>", [], []]],
  ]);
});

Deno.test("test_stack_wait: tasks passed to wait() are awaited by the waiting task", async () => {
  function* inner(): Coro<void> {
    yield* sleep(0);
    captureTestStack();
  }
  function* first(): Coro<void> {
    yield* timeout(1000, function* () {
      yield* sleep(0);
      yield* inner();
    });
  }
  function* second(): Coro<void> {
    for (let i = 0; i < 3; i++) yield* sleep(0);
  }
  await runTest(function* () {
    const t1 = createTask(first()), t2 = createTask(second());
    for (;;) {
      const { pending } = yield* wait([t1, t2]);
      if (pending.size === 0) break;
    }
  });
  assertEquals(walk(captured!, ["captureTestStack", "inner", "first"]), [
    "T<anon>",
    ["captureTestStack", "inner", "first"],
    [["T<main>", [], []]],
  ]);
});

Deno.test("test_stack_task: a task awaited with yield* is awaited by the awaiting task", async () => {
  function* inner(): Coro<void> {
    yield* sleep(0);
    captureTestStack();
  }
  function* first(): Coro<void> {
    yield* inner();
  }
  function* second(): Coro<void> {
    yield* createTask(first(), { name: "there there" });
  }
  await runTest(function* () {
    yield* second();
  });
  assertEquals(walk(captured!, ["captureTestStack", "inner", "first"]), [
    "T<there there>",
    ["captureTestStack", "inner", "first"],
    [["T<main>", [], []]],
  ]);
});

Deno.test("test_stack_future: a plain future awaited by two tasks of a group", async () => {
  let text = "";
  function* a2(fut: unknown): Coro<void> {
    yield* fut as Coro<void>;
  }
  function* a1(fut: unknown): Coro<void> {
    yield* a2(fut);
  }
  function* b1(fut: unknown): Coro<void> {
    yield* fut as Coro<void>;
  }
  await runTest(function* () {
    const fut = getRunningLoop().createFuture<void>();
    yield* taskGroup(function* (g) {
      g.createTask(a1(fut), { name: "task A" });
      g.createTask(b1(fut), { name: "task B" });
      for (let i = 0; i < 5; i++) yield* sleep(0);
      captured = captureCallGraph(fut);
      text = formatCallGraph(fut);
      fut.setResult();
    });
  });
  assertEquals(walk(captured!), [
    "F",
    [],
    [
      ["T<task A>", [], [["T<main>", [], []]]],
      ["T<task B>", [], [["T<main>", [], []]]],
    ],
  ]);
  assert(text.startsWith("* <Future pending>"), text);
});

Deno.test("formatCallGraph lays the graph out as CPython does, with what each task waits on", async () => {
  const text = await run(function* () {
    const child = createTask(sleep(50), { name: "child" });
    const parent = createTask(
      (function* () {
        yield* child;
      })(),
      { name: "parent" },
    );
    yield* sleep(1);
    const text = formatCallGraph(child);
    yield* parent;
    return text;
  }, { clock: "virtual" });
  assertEquals(
    text,
    [
      "* Task(name='child', id=2)",
      "  + Waiting on: sleep until t=50",
      "  + Awaited by:",
      "    * Task(name='parent', id=3)",
      "      + Waiting on: task child",
    ].join("\n"),
  );
});

Deno.test("limit keeps the innermost frames when positive, the outermost when negative, none at 0", async () => {
  const stacks: string[][] = [];
  function* outer(): Coro<void> {
    yield* middle();
  }
  function* middle(): Coro<void> {
    yield* sleep(0);
    innermost();
  }
  function innermost(): void {
    for (const limit of [null, 1, -1, 0]) {
      stacks.push(captureCallGraph(undefined, { limit })!.callStack.map((f) => f.split(" ")[0]));
    }
  }
  await run(outer, { clock: "virtual" });
  const [all, first, last, none] = stacks;
  assertEquals([all.slice(0, 3), first, last, none], [["innermost", "middle", "outer"], ["innermost"], ["outer"], []]);
});

Deno.test("debug mode's DevTools async-stack wrapper adds no frame to the call stack", async () => {
  const stacks: string[][] = [];
  function* outer(): Coro<void> {
    yield* sleep(0);
    stacks.push(captureCallGraph()!.callStack.map((f) => f.split(" ")[0]));
  }
  await run(outer, { clock: "virtual" });
  await run(outer, { clock: "virtual", debug: true });
  assertEquals(stacks[0][0], "outer");
  assertEquals(stacks[1], stacks[0]);
});

Deno.test("a cycle of awaits ends the graph where a task would repeat", () => {
  const stepped = new SteppedLoop();
  const tasks = awaitCycle(stepped);
  assertEquals(walk(captureCallGraph(tasks[0])!), ["T<t1>", [], [["T<t2>", [], [["T<t1>", [], []]]]]]);
  assertStringIncludes(formatCallGraph(tasks[0]), "        * Task(name='t1', id=1) (cycle)");
  stepped.loop.close();
});

Deno.test("futureAddToAwaitedBy links any two futures; discard removes the link; the tree follows plain futures", () => {
  const stepped = new SteppedLoop();
  const loop = stepped.loop;
  const gate = loop.createFuture<void>();
  const worker = stepped.task("worker", sleep(100));
  const boss = stepped.task(
    "boss",
    co(function* () {
      yield* gate;
    }),
  );
  stepped.step(1);
  futureAddToAwaitedBy(worker, gate); // the boss awaits the gate, which awaits the worker
  futureAddToAwaitedBy(worker, gate); // once is enough
  assertEquals(walk(captureCallGraph(worker)!), ["T<worker>", [], [["F", [], [["T<boss>", [], []]]]]]);
  assertEquals(
    formatTaskTree(loop),
    "boss — waiting on <Future pending>\n└── worker — waiting on sleep until t=100",
  );
  futureDiscardFromAwaitedBy(worker, gate);
  futureDiscardFromAwaitedBy(worker, gate); // a no-op now
  assertEquals(captureCallGraph(worker)!.awaitedBy, []);
  assertEquals(boss.done(), false);
  stepped.close();
});

Deno.test("bad arguments: a non-future, a fractional limit, no loop and no future", () => {
  assertThrows(() => captureCallGraph(42 as never), TypeError, "captureCallGraph expects a Future or Task, got 42");
  assertThrows(() => futureAddToAwaitedBy({} as never, {} as never), TypeError, "expects a Future to await");
  const loop = new EventLoop({ clock: "virtual" });
  const fut = loop.createFuture();
  assertThrows(() => futureDiscardFromAwaitedBy(fut, "x" as never), TypeError, "waiter to be a Future or Task");
  assertThrows(() => captureCallGraph(fut, { limit: 1.5 }), TypeError, "limit as an integer");
  assertThrows(() => captureCallGraph(), InvalidStateError, "needs a future to describe");
  assertEquals(captureCallGraph(fut), { future: fut, callStack: [], waitingOn: null, awaitedBy: [] });
  loop.close();
});

Deno.test("outside a task (a plain callback) there is no graph to capture", async () => {
  const seen: unknown[] = [];
  await run(function* () {
    getRunningLoop().callSoon(() => seen.push(captureCallGraph(), formatCallGraph()));
    yield* sleep(0);
  }, { clock: "virtual" });
  assertEquals(seen, [null, ""]);
});
