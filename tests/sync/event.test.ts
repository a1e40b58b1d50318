/**
 * Event (asyncio's locks.py / test_locks.py EventTests): set() wakes every
 * waiter, woken waiters stay woken through clear(), a set event does not make
 * wait() yield — on virtual time, with exact event order.
 */

import { assert, assertEquals, assertFalse, assertInstanceOf } from "@std/assert";
import { CancelledError, type Coro, createTask, Event, sleep } from "../../mod.ts";
import { caught, Log, runVirtual } from "./_helpers.ts";

function* waiter(event: Event, name: string, log: Log): Coro<boolean> {
  const value: true = yield* event.wait();
  log.add(`${name} woke`);
  return value;
}

Deno.test("Event.set() wakes every waiter; a task that calls wait() on the set event meanwhile returns first: [3, 1, 2]", async () => {
  const log = await runVirtual(function* () {
    const log = new Log();
    const event = new Event();
    const t1 = createTask(waiter(event, "1", log));
    const t2 = createTask(waiter(event, "2", log));
    yield* sleep(10);
    log.add(`${event}`);
    const t3 = createTask(waiter(event, "3", log)); // its first step is queued before the wake-ups
    event.set();
    log.add(`${event}`);
    for (const task of [t1, t2, t3]) assertEquals(yield* task, true);
    return log.entries;
  });
  assertEquals(log, [
    ["<Event unset waiters=2>", 10],
    ["<Event set waiters=2>", 10],
    ["3 woke", 10],
    ["1 woke", 10],
    ["2 woke", 10],
  ]);
});

Deno.test("Event.wait() on a set event returns on the first step, without yielding or needing a loop", () => {
  const event = new Event();
  event.set();
  assertEquals(event.wait().next(), { done: true, value: true });
});

Deno.test("a waiter woken by set() stays woken when clear() follows before it runs", async () => {
  const log = await runVirtual(function* () {
    const log = new Log();
    const event = new Event();
    const task = createTask(waiter(event, "waiter", log));
    yield* sleep(10);
    event.set();
    event.clear();
    log.add(`isSet() ${event.isSet()}`);
    event.set();
    event.set(); // setting a set event wakes no one twice
    log.add(`${event}`);
    yield* task;
    log.add(`${event}`);
    return log.entries;
  });
  assertEquals(log, [
    ["isSet() false", 10],
    ["<Event set waiters=1>", 10],
    ["waiter woke", 10],
    ["<Event set>", 10],
  ]);
});

Deno.test("after clear(), wait() waits again until the next set()", async () => {
  const log = await runVirtual(function* () {
    const log = new Log();
    const event = new Event();
    event.set();
    yield* event.wait();
    log.add("passed the set event");
    event.clear();
    const task = createTask(waiter(event, "waiter", log));
    yield* sleep(20);
    event.set();
    yield* task;
    return log.entries;
  });
  assertEquals(log, [["passed the set event", 0], ["waiter woke", 20]]);
});

Deno.test("a waiter cancelled while waiting leaves the event; the others still wake on set()", async () => {
  const log = await runVirtual(function* () {
    const log = new Log();
    const event = new Event();
    const a = createTask(waiter(event, "a", log));
    const b = createTask(waiter(event, "b", log));
    yield* sleep(10);
    a.cancel();
    log.add(`${event}`);
    assertInstanceOf(yield* caught(a), CancelledError);
    yield* sleep(10);
    event.set();
    yield* b;
    return log.entries;
  });
  assertEquals(log, [["<Event unset waiters=1>", 10], ["b woke", 20]]);
});

Deno.test("a waiter woken by set() and cancelled in the same iteration raises CancelledError; the other waiters still wake", async () => {
  const log = await runVirtual(function* () {
    const log = new Log();
    const event = new Event();
    const a = createTask(waiter(event, "a", log));
    const b = createTask(waiter(event, "b", log));
    yield* sleep(10);
    event.set();
    a.cancel();
    log.add(`a: ${((yield* caught(a)) as Error).name}`);
    yield* b;
    log.add(`${event}`);
    return log.entries;
  });
  assertEquals(log, [["b woke", 10], ["a: CancelledError", 10], ["<Event set>", 10]]);
});

Deno.test("isSet() follows set() and clear()", () => {
  const event = new Event();
  assertFalse(event.isSet());
  event.set();
  assert(event.isSet());
  event.clear();
  assertFalse(event.isSet());
  assertEquals(String(event), "<Event unset>");
});
