/**
 * TaskGroup.cancel() (asyncio 3.15, CPython main's taskgroups.py): the
 * children and the body are cancelled and the block exits without raising
 * CancelledError; before entry it cancels on entry; it is idempotent and a
 * no-op after exit; child and body errors still come out as an
 * ExceptionGroup; a cancel of the parent from outside still propagates,
 * also when it arrives while the cancelled group waits for its children
 * (gh-155433); an eager child that cancels the group in its first step is
 * cancelled too (gh-155418).
 *
 * Every case runs twice: with lazy tasks and with every task eager (a task
 * factory that passes `eager: true`, as CPython's TestTaskGroupEager sets
 * `eager_task_factory`). Where the two differ, both orders are written out.
 */

import { assertEquals, assertInstanceOf, assertThrows } from "@std/assert";
import {
  type Coro,
  currentTask,
  ExceptionGroup,
  getRunningLoop,
  InvalidStateError,
  sleep,
  TaskGroup,
  taskGroup,
} from "../../mod.ts";
import { caught } from "../task/_helpers.ts";
import { now, runIn, TASK_MODES } from "./_helpers.ts";

/** Sleeps `ms`, logging a cancellation with the time; `cleanupMs` of sleep in its finally. */
function* child(ms: number, name: string, log: unknown[], cleanupMs = 0): Coro<string> {
  try {
    yield* sleep(ms);
    log.push([`${name} done`, now()]);
    return name;
  } catch (e) {
    log.push([`${name} ${(e as Error).name}`, now()]);
    throw e;
  } finally {
    if (cleanupMs > 0) yield* sleep(cleanupMs);
  }
}

/** The body's wait, logging how it ends. */
function* bodyWait(ms: number, log: unknown[]): Coro<void> {
  try {
    yield* sleep(ms);
    log.push(["body done", now()]);
  } catch (e) {
    log.push([`body ${(e as Error).name}`, now()]);
    throw e;
  }
}

function messages(group: unknown): unknown[] {
  assertInstanceOf(group, ExceptionGroup);
  return group.exceptions.map((e) => e instanceof ExceptionGroup ? messages(e) : (e as Error).message);
}

for (const mode of TASK_MODES) {
  Deno.test(`cancel() cancels the children and the body; the block exits quietly, cancelling() as on entry (${mode})`, async () => {
    const out = await runIn(mode, function* () {
      const log: unknown[] = [];
      const value = yield* taskGroup(function* (tg) {
        const a = tg.createTask(child(100, "a", log));
        const b = tg.createTask(child(200, "b", log));
        yield* sleep(10);
        tg.cancel();
        yield* bodyWait(1000, log);
        return [a, b];
      });
      log.push(["after the block", now(), value, currentTask()!.cancelling()]);
      yield* sleep(5); // no cancel is left pending on the parent
      log.push(["parent still runs", now()]);
      return log;
    });
    assertEquals(out, [
      ["a CancelledError", 10],
      ["b CancelledError", 10],
      ["body CancelledError", 10],
      ["after the block", 10, undefined, 0],
      ["parent still runs", 15],
    ]);
  });

  Deno.test(`a child's cancel() interrupts the body wherever it waits (${mode})`, async () => {
    const out = await runIn(mode, function* () {
      const log: unknown[] = [];
      yield* taskGroup(function* (tg) {
        tg.createTask(child(300, "slow", log));
        tg.createTask((function* () {
          yield* sleep(50);
          log.push(["found it", now()]);
          tg.cancel();
        })());
        yield* bodyWait(1000, log);
      });
      log.push(["after the block", now()]);
      return log;
    });
    assertEquals(out, [["found it", 50], ["slow CancelledError", 50], ["body CancelledError", 50], [
      "after the block",
      50,
    ]]);
  });

  Deno.test(`cancel() twice, or after the block exited, does nothing more (${mode})`, async () => {
    const out = await runIn(mode, function* () {
      const log: unknown[] = [];
      let kept: TaskGroup | null = null;
      yield* taskGroup(function* (tg) {
        kept = tg;
        tg.createTask(child(100, "a", log));
        yield* sleep(10);
        tg.cancel();
        tg.cancel();
        yield* bodyWait(1000, log);
      });
      kept!.cancel();
      const parent = currentTask()!;
      log.push([String(kept), parent.cancelling()]);
      yield* sleep(5);
      log.push(["parent still runs", now()]);
      return log;
    });
    assertEquals(out, [
      ["a CancelledError", 10],
      ["body CancelledError", 10],
      ["<TaskGroup cancelling>", 0],
      ["parent still runs", 15],
    ]);
  });

  Deno.test(`cancel() before entry cancels the group as it is entered: the body at its first wait (${mode})`, async () => {
    const out = await runIn(mode, function* () {
      const log: unknown[] = [];
      const group = new TaskGroup();
      group.cancel();
      log.push(String(group));
      yield* group.enter(function* () {
        log.push(["body started", now()]);
        yield* bodyWait(100, log);
      });
      log.push(["after the block", now(), currentTask()!.cancelling()]);
      return log;
    });
    assertEquals(out, ["<TaskGroup>", ["body started", 0], ["body CancelledError", 0], ["after the block", 0, 0]]);
  });

  Deno.test(`a body that never waits after cancel() keeps its value, and leaves no cancel on the parent (${mode})`, async () => {
    const out = await runIn(mode, function* () {
      const group = new TaskGroup();
      group.cancel();
      const value = yield* group.enter(function* () {
        return "finished without waiting";
      });
      yield* sleep(5);
      return [value, now(), currentTask()!.cancelling()];
    });
    assertEquals(out, ["finished without waiting", 5, 0]);
  });

  Deno.test(`createTask() after cancel() is refused: the group is shutting down (${mode})`, async () => {
    await runIn(mode, function* () {
      yield* taskGroup(function* (tg) {
        tg.cancel();
        assertThrows(() => tg.createTask(sleep(1)), InvalidStateError, "is shutting down");
        yield* caught(sleep(1));
      });
    });
  });

  Deno.test(`cancel() while exit waits for the children ends the block quietly with the body's value (${mode})`, async () => {
    const out = await runIn(mode, function* () {
      const log: unknown[] = [];
      const value = yield* taskGroup(function* (tg) {
        tg.createTask(child(100, "a", log));
        tg.createTask((function* () {
          yield* sleep(20);
          tg.cancel();
        })());
        return "body's value";
      });
      return [value, now(), currentTask()!.cancelling(), log];
    });
    assertEquals(out, ["body's value", 20, 0, [["a CancelledError", 20]]]);
  });

  Deno.test(`errors still win: a child failing in its cleanup after cancel() comes out as an ExceptionGroup (${mode})`, async () => {
    const out = await runIn(mode, function* () {
      const log: unknown[] = [];
      const error = yield* caught(taskGroup(function* (tg) {
        tg.createTask((function* () {
          try {
            yield* sleep(100);
          } catch {
            yield* sleep(5);
            throw new RangeError("cleanup failed");
          }
        })());
        yield* sleep(10);
        tg.cancel();
        yield* bodyWait(1000, log);
      }));
      return [messages(error), now(), currentTask()!.cancelling(), log];
    });
    assertEquals(out, [["cleanup failed"], 15, 0, [["body CancelledError", 10]]]);
  });

  Deno.test(`a body that raises its own error after cancel(): the group carries it (${mode})`, async () => {
    const out = await runIn(mode, function* () {
      const log: unknown[] = [];
      const error = yield* caught(taskGroup(function* (tg) {
        tg.createTask(child(100, "a", log));
        tg.cancel();
        try {
          yield* sleep(1000);
        } catch {
          throw new TypeError("body gave up");
        }
      }));
      return [messages(error), now(), log];
    });
    // A lazy child cancelled before its first step never runs; an eager one has started.
    assertEquals(out, [["body gave up"], 0, mode === "eager" ? [["a CancelledError", 0]] : []]);
  });

  Deno.test(`a cancel from outside while the body waits still propagates after cancel(), with its message (${mode})`, async () => {
    const out = await runIn(mode, function* () {
      const log: unknown[] = [];
      const outer = getRunningLoop().createTask((function* () {
        yield* taskGroup(function* (tg) {
          tg.createTask(child(100, "a", log, 50));
          yield* sleep(10);
          currentTask()!.cancel("from outside");
          tg.cancel();
          yield* bodyWait(1000, log);
        });
        log.push(["after the block: never", now()]);
      })());
      const error = yield* caught(outer);
      return [(error as Error).name, (error as Error).message, now(), outer.cancelled(), log];
    });
    assertEquals(out, ["CancelledError", "from outside", 60, true, [["a CancelledError", 10], [
      "body CancelledError",
      10,
    ]]]);
  });

  Deno.test(`a cancel from outside while the cancelled group waits for its children is kept (gh-155433) (${mode})`, async () => {
    const out = await runIn(mode, function* () {
      const log: unknown[] = [];
      const body = getRunningLoop().createTask((function* () {
        yield* taskGroup(function* (tg) {
          tg.createTask(child(1000, "a", log, 100)); // its finally sleeps 100 ms
          yield; // a lazy child takes its first step
          tg.cancel();
        });
        log.push(["after the block: never", now()]);
      })());
      yield* sleep(10);
      body.cancel("message");
      const error = yield* caught(body);
      return [(error as Error).message, now(), body.cancelled(), log];
    });
    assertEquals(out, ["message", 100, true, [["a CancelledError", 0]]]);
  });

  Deno.test(`an eager child that cancels the group in its first step is cancelled too; no hang (gh-155418) (${mode})`, async () => {
    const out = await runIn(mode, function* () {
      const log: unknown[] = [];
      yield* taskGroup(function* (tg) {
        tg.createTask(
          (function* () {
            tg.cancel();
            log.push(["child cancelled the group", now()]);
            yield* bodyWait(10_000, log);
          })(),
          { eager: true },
        );
        log.push(["createTask returned", now()]);
      });
      log.push(["group exited", now()]);
      return log;
    });
    assertEquals(out, [
      ["child cancelled the group", 0],
      ["createTask returned", 0],
      ["body CancelledError", 0],
      ["group exited", 0],
    ]);
  });

  Deno.test(`cancel() of an inner group leaves the outer group and its body running (${mode})`, async () => {
    const out = await runIn(mode, function* () {
      const log: unknown[] = [];
      yield* taskGroup(function* (outerGroup) {
        outerGroup.createTask(child(50, "outer child", log));
        yield* taskGroup(function* (inner) {
          inner.createTask(child(100, "inner child", log));
          yield* sleep(10);
          inner.cancel();
          yield* bodyWait(1000, log);
        });
        log.push(["outer body goes on", now()]);
        yield* sleep(5);
      });
      log.push(["after both", now()]);
      return log;
    });
    assertEquals(out, [
      ["inner child CancelledError", 10],
      ["body CancelledError", 10],
      ["outer body goes on", 10],
      ["outer child done", 50],
      ["after both", 50],
    ]);
  });

  Deno.test(`cancel() of an outer group reaches a group nested in its body; both exit quietly (${mode})`, async () => {
    const out = await runIn(mode, function* () {
      const log: unknown[] = [];
      yield* taskGroup(function* (outerGroup) {
        outerGroup.createTask((function* () {
          yield* sleep(10);
          outerGroup.cancel();
        })());
        yield* taskGroup(function* (inner) {
          inner.createTask(child(100, "inner child", log));
          yield* bodyWait(1000, log);
        });
        log.push(["outer body after the inner block: never", now()]);
      });
      log.push(["after both", now(), currentTask()!.cancelling()]);
      return log;
    });
    assertEquals(out, [["body CancelledError", 10], ["inner child CancelledError", 10], ["after both", 10, 0]]);
  });
}
