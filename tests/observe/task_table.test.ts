/** formatTaskTable(): `ps` for a loop — id, name, state, waiting on, awaited by. */

import { assertEquals, assertThrows } from "@std/assert";
import { EventLoop, formatTaskTable, InvalidStateError, Lock, sleep, type Task } from "../../mod.ts";
import { co, SteppedLoop } from "./_helpers.ts";

Deno.test("formatTaskTable() lists each task's id, name, state, what it waits on and who awaits it", () => {
  const stepped = new SteppedLoop();
  const lock = new Lock();
  lock.acquire().next(); // held
  const tasks: Task<unknown>[] = [];
  tasks.push(stepped.task("worker", lock.acquire()));
  tasks.push(stepped.task(
    "boss",
    co(function* () {
      yield* tasks[0];
    }),
  ));
  tasks.push(stepped.task(
    "deputy",
    co(function* () {
      yield* tasks[0];
    }),
  ));
  tasks.push(stepped.task(
    "cleaner",
    co(function* () {
      try {
        yield* sleep(1000);
      } finally {
        yield* sleep(10);
      }
    }),
  ));
  stepped.step(1);
  tasks[3].cancel();
  stepped.step(1);
  stepped.task("late", sleep(0));
  assertEquals(
    formatTaskTable(stepped.loop),
    [
      "id  name     state                waiting on        awaited by",
      "1   worker   waiting              Lock#1            boss (2), deputy (3)",
      "2   boss     waiting              task worker",
      "3   deputy   waiting              task worker",
      "4   cleaner  waiting, cancelling  sleep until t=10",
      "5   late     ready",
    ].join("\n"),
  );
  stepped.close();
});

Deno.test("formatTaskTable() of an empty loop is its header; without a loop it needs one", () => {
  const loop = new EventLoop({ clock: "virtual" });
  assertEquals(formatTaskTable(loop), "id  name  state  waiting on  awaited by");
  loop.close();
  assertThrows(() => formatTaskTable(), InvalidStateError, "formatTaskTable() needs a running event loop");
});
