/**
 * Context variables (Python's contextvars): ports of CPython's context cases
 * from test_tasks.py (test_context_1 … test_context_6, test_get_context) and
 * of test_context.py's ContextVar, Token and Context cases that apply, then
 * what yieldio adds: callbacks run in a copy of the context they were
 * scheduled in, eager tasks, and a value that survives every `yield*`.
 */

import { assert, assertEquals, assertThrows } from "@std/assert";
import {
  Context,
  ContextVar,
  copyContext,
  createTask,
  type EventLoop,
  gather,
  getRunningLoop,
  InvalidStateError,
  LookupError,
  run,
  sleep,
  Token,
} from "../../mod.ts";
import { untyped } from "../task/_helpers.ts";

Deno.test("test_context_1: a task sees its creator's value at creation, and what it sets stays its own", async () => {
  const cvar = new ContextVar("cvar", { default: "nope" });
  const seen: string[] = [];
  await run(function* () {
    seen.push(cvar.get());
    const subtask = createTask((function* () {
      yield* sleep(10);
      seen.push(`sub: ${cvar.get()}`);
      cvar.set("something else");
    })());
    cvar.set("yes");
    seen.push(cvar.get());
    yield* subtask;
    seen.push(cvar.get());
  }, { clock: "virtual" });
  assertEquals(seen, ["nope", "yes", "sub: nope", "yes"]);
  assertEquals(cvar.get(), "nope");
});

Deno.test("test_context_2: a done-callback runs in a copy of the task's context: its sets do not leak", async () => {
  const cvar = new ContextVar("cvar", { default: "nope" });
  const seen: string[] = [];
  await run(function* () {
    const loop = getRunningLoop();
    for (let j = 0; j < 2; j++) {
      const fut = loop.createFuture<void>();
      fut.addDoneCallback(() => {
        seen.push(`callback sees ${cvar.get()}`);
        cvar.set("something else"); // must not pollute main's context
      });
      cvar.set(`yes${j}`);
      loop.callSoon(() => fut.setResult());
      yield* fut;
      assertEquals(cvar.get(), `yes${j}`);
      for (let i = 0; i < 3; i++) {
        cvar.set(`yes${i}-${j}`);
        yield* sleep(1);
        assertEquals(cvar.get(), `yes${i}-${j}`);
      }
    }
  }, { clock: "virtual" });
  assertEquals(seen, ["callback sees nope", "callback sees yes2-0"]); // what was current at each add
  assertEquals(cvar.get(), "nope");
});

Deno.test("test_context_3: 100 tasks in parallel, each setting the variable, each reads back its own", async () => {
  const cvar = new ContextVar("cvar", { default: -1 });
  let state = 7;
  const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const mismatches: string[] = [];
  function* sub(num: number) {
    for (let i = 0; i < 10; i++) {
      cvar.set(num + i);
      yield* sleep(1 + Math.floor(random() * 50));
      if (cvar.get() !== num + i) mismatches.push(`${num + i} read ${cvar.get()}`);
    }
  }
  await run(function* () {
    yield* gather(Array.from({ length: 100 }, () => createTask(sub(Math.floor(random() * 11)))));
  }, { clock: "virtual" });
  assertEquals(mismatches, []);
  assertEquals(cvar.get(), -1);
});

for (const how of ["createTask", "loop.createTask"] as const) {
  Deno.test(`test_context_${how === "createTask" ? 5 : 6}: ${how}(coro, { context }) runs in that context`, async () => {
    const cvar = new ContextVar<number>("cvar");
    const got = await run(function* () {
      function* coro(value: number) {
        yield* sleep(0);
        cvar.set(value);
      }
      const make = (value: number, context: Context) =>
        how === "createTask"
          ? createTask(coro(value), { context })
          : getRunningLoop().createTask(coro(value), { context });
      const ctx = copyContext();
      const seen: (number | undefined)[] = [ctx.get(cvar)];
      yield* make(1, ctx);
      seen.push(ctx.get(cvar));
      yield* make(2, ctx);
      seen.push(ctx.get(cvar));
      return seen;
    }, { clock: "virtual" });
    assertEquals(got, [undefined, 1, 2]);
  });
}

Deno.test("test_get_context: a task's getContext() is the context it was given", async () => {
  const context = copyContext();
  const same = await run(function* () {
    const task = createTask(sleep(1), { context });
    yield* task;
    return task.getContext() === context;
  }, { clock: "virtual" });
  assertEquals(same, true);
});

Deno.test("a task's own context, once asked for, is the one its steps run in", async () => {
  const cvar = new ContextVar<string>("cvar", { default: "unset" });
  const seen = await run(function* () {
    const task = createTask((function* () {
      yield* sleep(5);
      return cvar.get();
    })());
    yield* sleep(1);
    task.getContext().run(() => cvar.set("set from outside, between its steps"));
    return [yield* task, task.getContext().get(cvar), cvar.get()];
  }, { clock: "virtual" });
  assertEquals(seen, ["set from outside, between its steps", "set from outside, between its steps", "unset"]);
});

Deno.test("callSoon, callLater and callAt run in a copy of the context they were scheduled in", async () => {
  const cvar = new ContextVar<string>("cvar", { default: "root" });
  const seen: string[] = [];
  await run(function* () {
    const loop = getRunningLoop();
    cvar.set("at callSoon");
    loop.callSoon(() => {
      seen.push(`soon: ${cvar.get()}`);
      cvar.set("leaked?");
    });
    cvar.set("at callLater");
    loop.callLater(2, () => seen.push(`later: ${cvar.get()}`));
    cvar.set("at callAt");
    loop.callAt(3, () => seen.push(`at: ${cvar.get()}`));
    cvar.set("main");
    yield* sleep(5);
    seen.push(`main: ${cvar.get()}`);
  }, { clock: "virtual" });
  assertEquals(seen, ["soon: at callSoon", "later: at callLater", "at: at callAt", "main: main"]);
});

Deno.test("each callback has a context of its own: a token set in one is refused in the next, its value unseen", async () => {
  const cvar = new ContextVar<string>("cvar", { default: "root" });
  const seen: string[] = [];
  let fromFirst: Token<string> | null = null;
  await run(function* () {
    const loop = getRunningLoop();
    loop.callSoon(() => {
      const inner = cvar.set("inner");
      cvar.reset(inner); // made and used in the same call
      fromFirst = cvar.set("first");
      seen.push(`first: ${cvar.get()}`);
    });
    const fut = loop.createFuture<number>();
    fut.addDoneCallback(() => {
      seen.push(`done: ${cvar.get()}`);
      try {
        cvar.reset(fromFirst as unknown as Token<string>);
      } catch (error) {
        seen.push(`${(error as Error).name}: ${(error as Error).message}`);
      }
    });
    loop.callSoon(() => fut.setResult(1));
    yield* sleep(1);
    seen.push(`main: ${cvar.get()}`);
  }, { clock: "virtual" });
  assertEquals(seen, [
    "first: first",
    "done: root",
    'RangeError: <ContextVar name=cvar default="root" (a string)>: this token was made in another context; reset it where it was set',
    "main: root",
  ]);
});

Deno.test("a callback that throws after a set() leaves its value to nobody: the next callback and its task see their own", async () => {
  const cvar = new ContextVar<string>("cvar", { default: "root" });
  const seen: string[] = [];
  const errors: string[] = [];
  await run(function* () {
    const loop = getRunningLoop();
    loop.setExceptionHandler((_loop, context) => errors.push((context.exception as Error).message));
    loop.callSoon(() => {
      cvar.set("thrower");
      throw new Error("boom");
    });
    const fut = loop.createFuture<string>();
    loop.callSoon(() => {
      seen.push(`next: ${cvar.get()}`);
      createTask((function* () {
        fut.setResult(`its task: ${cvar.get()}`);
        yield* sleep(0);
      })());
    });
    seen.push(yield* fut);
    seen.push(`main: ${cvar.get()}`);
  }, { clock: "virtual" });
  assertEquals(seen, ["next: root", "its task: root", "main: root"]);
  assertEquals(errors, ["boom"]);
});

Deno.test("the loop's own code after a callback that threw runs in the driver's context, not the callback's", async () => {
  const cvar = new ContextVar<string>("cvar", { default: "root" });
  const seen: string[] = [];
  await run(function* () {
    const loop = getRunningLoop();
    loop.setExceptionHandler(() => {});
    loop.addInstrument({ beforeIdleWait: () => void seen.push(`idle: ${cvar.get()}`) });
    loop.callSoon(() => {
      cvar.set("thrower");
      throw new Error("boom");
    });
    yield* sleep(5);
  }, { clock: "virtual" });
  assertEquals(seen, ["idle: root"]);
});

Deno.test("addDoneCallback(fn, { context }) runs fn in that context, and its sets stay there", async () => {
  const cvar = new ContextVar<string>("cvar", { default: "none" });
  const context = new Context();
  const seen = await run(function* () {
    const fut = getRunningLoop().createFuture<number>();
    fut.addDoneCallback(() => cvar.set(`done with ${fut.result()}`), { context });
    fut.setResult(7);
    yield* sleep(0);
    return [context.get(cvar), cvar.get()];
  }, { clock: "virtual" });
  assertEquals(seen, ["done with 7", "none"]);
});

Deno.test("an eager task starts in a copy of its creator's context, mid-step, and the creator keeps its own", async () => {
  const cvar = new ContextVar<string>("cvar", { default: "none" });
  const seen = await run(function* () {
    cvar.set("creator");
    const child = createTask(
      (function* () {
        const inherited = cvar.get();
        cvar.set("child");
        yield* sleep(1);
        return `${inherited} → ${cvar.get()}`;
      })(),
      { eager: true },
    );
    const afterEager = cvar.get();
    return [afterEager, yield* child, cvar.get()];
  }, { clock: "virtual" });
  assertEquals(seen, ["creator", "creator → child", "creator"]);
});

Deno.test("after each yield* a task sees its own values, whatever ran in between", async () => {
  const cvar = new ContextVar<number>("cvar");
  const wrong: string[] = [];
  function* worker(id: number) {
    for (let round = 0; round < 20; round++) {
      cvar.set(id * 100 + round);
      yield* sleep(id % 3); // 0 ms gives up one iteration; the others interleave at timers
      if (cvar.get() !== id * 100 + round) wrong.push(`worker ${id} round ${round}: ${cvar.get()}`);
    }
  }
  await run(function* () {
    yield* gather([1, 2, 3, 4, 5, 6].map((id) => worker(id)));
  }, { clock: "virtual" });
  assertEquals(wrong, []);
});

// ------------------------------------------------------- test_context.py

Deno.test("ContextVar: a name is required; get() with no value is a LookupError, or the fallback, or the default", () => {
  assertThrows(() => new ContextVar(untyped(1)), TypeError, "expects a name (a string), got 1 (a number)");
  const plain = new ContextVar<number>("plain");
  assertThrows(() => plain.get(), LookupError, "<ContextVar name=plain> has no value");
  assertEquals(plain.get(5), 5);
  const withDefault = new ContextVar("withDefault", { default: "d" });
  assertEquals([withDefault.get(), withDefault.get("fallback first")], ["d", "fallback first"]);
  assertEquals(String(withDefault), '<ContextVar name=withDefault default="d" (a string)>');
  assertEquals(plain.name, "plain");
});

Deno.test("test_context_getset: set() returns a token with the old value; reset() restores it, once", () => {
  copyContext().run(() => {
    const c = new ContextVar<number>("c");
    const t0 = c.set(42);
    assertEquals([c.get(), t0.var === c, t0.oldValue === Token.MISSING], [42, true, true]);
    const t1 = c.set(43);
    assertEquals([c.get(), t1.oldValue], [43, 42]);
    c.reset(t1);
    assertEquals(c.get(), 42);
    assertThrows(() => c.reset(t1), InvalidStateError, "already used");
    c.reset(t0);
    assertThrows(() => c.get(), LookupError);
  });
});

Deno.test("test_context_getset: a token of another variable, or of another context, is refused", () => {
  const c = new ContextVar<number>("c"), d = new ContextVar<number>("d");
  const token = copyContext().run(() => c.set(1));
  copyContext().run(() => {
    assertThrows(() => c.reset(token), RangeError, "made in another context");
    assertThrows(() => d.reset(untyped(token)), TypeError, "a token its own set() returned");
    assertThrows(() => c.reset(untyped({})), TypeError);
  });
});

Deno.test("test_context_run: run() passes arguments and results, keeps sets, restores the outer context", () => {
  const c = new ContextVar<string>("c", { default: "outer" });
  const ctx = new Context();
  assertEquals(ctx.size, 0);
  const out = ctx.run(
    (a: number, b: number) => {
      c.set("inner");
      return a + b;
    },
    2,
    3,
  );
  assertEquals([out, c.get(), ctx.get(c), ctx.has(c), ctx.size], [5, "outer", "inner", true, 1]);
  assertEquals([...ctx.keys()], [c]);
  assertEquals([...ctx.values()], ["inner"]);
  assertEquals([...ctx], [[c, "inner"]]);
  const error = assertThrows(() =>
    ctx.run(() => {
      throw new Error("from inside");
    })
  );
  assertEquals((error as Error).message, "from inside");
  assertEquals(c.get(), "outer");
});

Deno.test("test_context_run: a context cannot be entered while it runs; a copy can, and is independent", () => {
  const c = new ContextVar<number>("c", { default: 0 });
  const ctx = copyContext();
  ctx.run(() => {
    c.set(1);
    assertThrows(() => ctx.run(() => {}), InvalidStateError, "being run already");
    const copy = ctx.copy();
    copy.run(() => c.set(2));
    assertEquals([c.get(), copy.get(c)], [1, 2]);
  });
  assertThrows(() => ctx.run(untyped("not a function")), TypeError, "expects a function");
});

Deno.test("the options that take a context refuse anything else, naming it", async () => {
  await run(function* () {
    yield* sleep(0);
    assertThrows(
      () => createTask(sleep(1), { context: untyped({}) }),
      TypeError,
      "the context option expects a Context",
    );
    assertThrows(
      () => getRunningLoop().createFuture().addDoneCallback(() => {}, { context: untyped(1) }),
      TypeError,
      "expects a Context, got 1 (a number)",
    );
  }, { clock: "virtual" });
});

Deno.test("programs that never set a variable share one empty context: nothing to copy per task", async () => {
  const loop: EventLoop[] = [];
  const sizes = await run(function* () {
    loop.push(getRunningLoop());
    const task = createTask(sleep(1));
    yield* task;
    return [copyContext().size, task.getContext().size];
  }, { clock: "virtual" });
  assertEquals(sizes, [0, 0]);
  assert(loop[0].isClosed());
});
