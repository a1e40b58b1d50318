/**
 * Debug mode's stall watchdog: on a real clock, with a deadline armed (so the
 * deadlock detector cannot call it stuck), tasks blocked on each other for
 * `stallMs` are printed once as a probable deadlock, and the program goes on.
 * Real time, by its nature: a stall is a stretch of host time.
 */

import { assertEquals, assertRejects } from "@std/assert";
import { Queue, run, sleep, taskGroup, timeout, TimeoutError } from "../../mod.ts";
import { captureConsoleAsync } from "../loop/_support.ts";

/** Two workers on a queue nobody fills or shuts down, under a deadline: the forgotten `queue.shutdown()`. */
function* forgotShutdown(deadlineMs: number) {
  const queue = new Queue<number>();
  yield* timeout(deadlineMs, function* () {
    yield* taskGroup(function* (tg) {
      for (let i = 0; i < 2; i++) {
        tg.createTask(
          (function* () {
            for (;;) yield* queue.get();
          })(),
          { name: `worker-${i}` },
        );
      }
      yield* sleep(5);
    });
  });
}

Deno.test("a stall under a deadline is printed once, naming every task and what it waits on; the program goes on", async () => {
  const warnings = await captureConsoleAsync("warn", async () => {
    await assertRejects(() => run(forgotShutdown(400), { debug: true, stallMs: 60 }), TimeoutError);
  });
  const stalls = warnings.map((args) => String(args[0])).filter((text) => text.includes("probable deadlock"));
  assertEquals(stalls.length, 1, stalls.join("\n---\n"));
  const [headline, ...tasks] = stalls[0].split("\n");
  assertEquals(headline.startsWith("yieldio: no task has made progress for 60 ms (t="), true, headline);
  assertEquals(tasks, [
    "main — waiting on taskGroup exit",
    "worker-0 — waiting on Queue#1.get",
    "worker-1 — waiting on Queue#1.get",
  ]);
});

Deno.test("no stall is reported outside debug mode, nor while tasks sleep", async () => {
  const quiet = await captureConsoleAsync("warn", async () => {
    await assertRejects(() => run(forgotShutdown(200), { stallMs: 30 }), TimeoutError);
    await run(function* () {
      yield* sleep(200); // a task waiting on a timer makes progress by the clock
    }, { debug: true, stallMs: 30 });
  });
  assertEquals(quiet.filter((args) => String(args[0]).includes("probable deadlock")), []);
});

Deno.test("stallMs must be a positive number", async () => {
  await assertRejects(() => run(sleep(1), { stallMs: 0 }), TypeError, "stallMs expects a positive number of ms, got 0");
});
