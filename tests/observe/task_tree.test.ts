/** formatTaskTree(): every pending task under the task that awaits it, with what it waits on. */

import { assertEquals, assertThrows } from "@std/assert";
import {
  CancelledError,
  createTask,
  currentTask,
  Event,
  EventLoop,
  formatTaskTree,
  fromPromise,
  gather,
  getRunningLoop,
  InvalidStateError,
  Lock,
  Queue,
  run,
  Semaphore,
  shield,
  sleep,
  type Task,
  taskGroup,
  wait,
} from "../../mod.ts";
import { awaitCycle, co, SteppedLoop } from "./_helpers.ts";

Deno.test("formatTaskTree() shows a taskGroup's two children under it, blocked on a Lock and a sleep", () => {
  const stepped = new SteppedLoop();
  const lock = new Lock();
  stepped.task(
    "main",
    co(function* () {
      yield* lock.acquire();
      yield* taskGroup(function* (tg) {
        tg.createTask(lock.acquire(), { name: "locker" });
        tg.createTask(sleep(1_000_000), { name: "sleeper" });
      });
    }),
  );
  stepped.step(2); // main starts the group and waits at its exit; then each child parks
  assertEquals(
    formatTaskTree(stepped.loop),
    [
      "main — waiting on taskGroup exit",
      "├── locker — waiting on Lock#1 (held by main)",
      "└── sleeper — waiting on sleep until t=1000000",
    ].join("\n"),
  );
  stepped.close();
});

Deno.test("a two-task cycle is reported once as a cycle, not recursed into", () => {
  const stepped = new SteppedLoop();
  awaitCycle(stepped);
  assertEquals(
    formatTaskTree(stepped.loop),
    ["t1 — waiting on task t2", "└── t2 — waiting on task t1", "    └── cycle: t1 → t2 → t1"].join("\n"),
  );
  // Cancelling either task would cancel the other, and so on forever (as in asyncio): close instead.
  stepped.loop.close();
  assertEquals(stepped.reports.map((r) => r.message), [
    "Task was destroyed but it is pending!",
    "Task was destroyed but it is pending!",
  ]);
});

Deno.test("a cycle below a root is cut where a task would repeat on the path", () => {
  const stepped = new SteppedLoop();
  const tasks: Task<void>[] = [];
  tasks.push(stepped.task(
    "root",
    co(function* () {
      yield* sleep(0);
      yield* tasks[1];
    }),
  ));
  tasks.push(stepped.task(
    "a",
    co(function* () {
      yield* sleep(0);
      yield* tasks[2];
    }),
  ));
  tasks.push(stepped.task(
    "b",
    co(function* () {
      yield* tasks[1];
    }),
  ));
  stepped.step(2);
  assertEquals(
    formatTaskTree(stepped.loop),
    [
      "root — waiting on task a",
      "└── a — waiting on task b",
      "    └── b — waiting on task a",
      "        └── cycle: a → b → a",
    ].join("\n"),
  );
  stepped.loop.close();
});

Deno.test("a task awaited by several tasks appears under each of them", () => {
  const stepped = new SteppedLoop();
  const shared = stepped.task("shared", sleep(100));
  stepped.task(
    "x",
    co(function* () {
      yield* shared;
    }),
  );
  stepped.task(
    "y",
    co(function* () {
      yield* shared;
    }),
  );
  stepped.step(1);
  assertEquals(
    formatTaskTree(stepped.loop),
    [
      "x — waiting on task shared",
      "└── shared — waiting on sleep until t=100",
      "y — waiting on task shared",
      "└── shared — waiting on sleep until t=100",
    ].join("\n"),
  );
  stepped.close();
});

Deno.test("gather puts its children under the task that called it", async () => {
  const trees: string[] = [];
  await run(function* () {
    currentTask()!.setName("main");
    const inner = createTask(sleep(30), { name: "inner" });
    const probe = createTask(
      (function* () {
        yield* sleep(5);
        trees.push(formatTaskTree());
      })(),
      { name: "probe" },
    );
    yield* gather([createTask(sleep(10), { name: "g1" }), createTask(sleep(20), { name: "g2" }), probe]);
    yield* inner;
  }, { clock: "virtual" });
  assertEquals(trees, [
    [
      "main — waiting on gather of 3",
      "├── probe — running",
      "├── g1 — waiting on sleep until t=10",
      "└── g2 — waiting on sleep until t=20",
      "inner — waiting on sleep until t=30",
    ].join("\n"),
  ]);
});

Deno.test("shield and wait are named in the tree too, with their child below", async () => {
  const trees: string[] = [];
  await run(function* () {
    currentTask()!.setName("main");
    const loop = getRunningLoop();
    const snap = () => loop.callLater(1, () => trees.push(formatTaskTree()));
    const inner = createTask(sleep(10), { name: "inner" });
    snap();
    yield* shield(inner);
    const w = createTask(sleep(10), { name: "w" });
    snap();
    yield* wait([w]);
  }, { clock: "virtual" });
  assertEquals(trees, [
    "main — waiting on shield of task inner\n└── inner — waiting on sleep until t=10",
    "main — waiting on wait(1, ALL_COMPLETED)\n└── w — waiting on sleep until t=20",
  ]);
});

Deno.test("the tree says what each primitive's waiter waits for: Lock#n (no holder: taken outside a task), Event#n, Semaphore#n, Queue#n.get/put", () => {
  const stepped = new SteppedLoop();
  const lock = new Lock(), event = new Event(), sem = new Semaphore(0), full = new Queue<number>(1);
  const empty = new Queue<number>();
  full.putNowait(1);
  lock.acquire().next(); // held, without a loop
  stepped.task("l", lock.acquire());
  stepped.task("e", event.wait());
  stepped.task("s", sem.acquire());
  stepped.task("g", empty.get());
  stepped.task("p", full.put(2));
  stepped.step(1);
  assertEquals(
    formatTaskTree(stepped.loop),
    [
      "l — waiting on Lock#1",
      "e — waiting on Event#1",
      "s — waiting on Semaphore#1",
      "g — waiting on Queue#1.get",
      "p — waiting on Queue#2.put",
    ].join("\n"),
  );
  stepped.close();
});

Deno.test("ready, running and cancelling tasks say so; a promise in flight is a Promise", async () => {
  let tree = "";
  await run(function* () {
    currentTask()!.setName("main");
    let release = (): void => {};
    const promise = new Promise<void>((resolve) => release = resolve);
    createTask(fromPromise(promise), { name: "host" });
    const stubborn = createTask(
      (function* () {
        try {
          yield* sleep(1000);
        } finally {
          yield* sleep(5); // cleanup that takes a while
        }
      })(),
      { name: "stubborn" },
    );
    createTask(sleep(0), { name: "fresh" });
    yield* sleep(0);
    stubborn.cancel();
    yield* sleep(0);
    createTask(sleep(0), { name: "new" });
    tree = formatTaskTree();
    release();
    try {
      yield* stubborn;
    } catch (error) {
      if (!(error instanceof CancelledError)) throw error;
    }
  }, { clock: "virtual" });
  assertEquals(
    tree,
    [
      "main — running",
      "host — waiting on a Promise",
      "stubborn — waiting on sleep until t=5 (cancelling)",
      "new — ready",
    ].join("\n"),
  );
});

Deno.test("formatTaskTree() of a loop with no pending task is empty; without a loop it needs one", () => {
  const loop = new EventLoop({ clock: "virtual" });
  assertEquals(formatTaskTree(loop), "");
  loop.close();
  assertThrows(() => formatTaskTree(), InvalidStateError, "formatTaskTree() needs a running event loop");
});

Deno.test("a lock's waiters name its holder, and the holder moves with the lock", () => {
  const stepped = new SteppedLoop();
  const lock = new Lock();
  const holdUntil = (release: { now: boolean }) =>
    co(function* () {
      yield* lock.acquire();
      while (!release.now) yield* sleep(10);
      lock.release();
    });
  const a = { now: false }, b = { now: false };
  stepped.task("a", holdUntil(a));
  stepped.task("b", holdUntil(b));
  stepped.task("c", lock.acquire());
  stepped.step(1);
  assertEquals(formatTaskTree(stepped.loop).split("\n").slice(1), [
    "b — waiting on Lock#1 (held by a)",
    "c — waiting on Lock#1 (held by a)",
  ]);
  a.now = true;
  stepped.step(3); // a's sleep ends, it releases; b is woken and takes the lock
  assertEquals(formatTaskTree(stepped.loop).split("\n"), [
    "b — waiting on sleep until t=20",
    "c — waiting on Lock#1 (held by b)",
  ]);
  b.now = true;
  stepped.step(3);
  assertEquals(formatTaskTree(stepped.loop), "");
  assertEquals(lock.locked(), true); // c holds it; nobody waits, so nothing names it
  lock.release();
  stepped.close();
});
