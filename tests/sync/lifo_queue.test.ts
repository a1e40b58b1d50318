/**
 * LifoQueue (asyncio's queues.py / test_queues.py LifoQueueTests): the most
 * recent item first, with the Queue behaviour it inherits.
 */

import { assertEquals, assertThrows } from "@std/assert";
import { createTask, LifoQueue, QueueEmpty, sleep } from "../../mod.ts";
import { caught, Log, runVirtual } from "./_helpers.ts";

Deno.test("LifoQueue hands out the most recently added item first", () => {
  const q = new LifoQueue<number>();
  for (const n of [1, 3, 2]) q.putNowait(n);
  assertEquals([q.getNowait(), q.getNowait(), q.getNowait()], [2, 3, 1]);
  assertThrows(() => q.getNowait(), QueueEmpty, "getNowait() on <LifoQueue maxsize=0 qsize=0 tasks=3>");
});

Deno.test("a waiting getter of a LifoQueue gets the newest item; a bounded one blocks put() while full", async () => {
  const log = await runVirtual(function* () {
    const log = new Log();
    const q = new LifoQueue<string>(2);
    const g = createTask(q.get());
    yield* sleep(10);
    q.putNowait("a");
    q.putNowait("b"); // both put before the getter runs: it takes the newest
    log.add(`getter got ${yield* g}`);
    q.putNowait("c");
    const blocked = createTask((function* () {
      yield* q.put("d");
      log.add("put d");
    })());
    yield* sleep(10);
    log.add(`${q}`);
    log.add(`got ${q.getNowait()}`);
    yield* blocked;
    log.add(`got ${q.getNowait()}, then ${q.getNowait()}`);
    return log.entries;
  });
  assertEquals(log, [
    ["getter got b", 10],
    ["<LifoQueue maxsize=2 qsize=2 putters=1 tasks=3>", 20],
    ["got c", 20],
    ["put d", 20],
    ["got d, then a", 20],
  ]);
});

Deno.test("a LifoQueue shuts down like a Queue: items left are still handed out, then get() raises", async () => {
  const out = await runVirtual(function* () {
    const q = new LifoQueue<number>();
    q.putNowait(1);
    q.putNowait(2);
    q.shutdown();
    const got = [yield* q.get(), yield* q.get()];
    const error = yield* caught(q.get());
    return [got, (error as Error).name];
  });
  assertEquals(out, [[2, 1], "QueueShutDown"]);
});
