/**
 * PriorityQueue (asyncio's queues.py / test_queues.py PriorityQueueTests):
 * smallest first, Python's order for numbers, strings and arrays of them
 * (like tuples), a compare function, errors that leave the heap intact, and
 * the Queue behaviour it inherits.
 */

import { assertEquals, assertThrows } from "@std/assert";
import { createTask, PriorityQueue, QueueShutDown, sleep } from "../../mod.ts";
import { caught, Log, runVirtual, untyped } from "./_helpers.ts";

function drain<T>(q: PriorityQueue<T>): T[] {
  const out: T[] = [];
  while (!q.empty()) out.push(q.getNowait());
  return out;
}

/** A small seeded generator (mulberry32), so the heap test is the same on every run. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Deno.test("PriorityQueue hands out the smallest item first", () => {
  const q = new PriorityQueue<number>();
  for (const n of [1, 3, 2]) q.putNowait(n);
  assertEquals(drain(q), [1, 2, 3]);
});

Deno.test("the default order compares numbers, bigints and strings as Python does", () => {
  const numbers = new PriorityQueue<number | bigint>();
  for (const n of [3, -1.5, 10n, 2n, 0, Infinity, -Infinity]) numbers.putNowait(n);
  assertEquals(drain(numbers), [-Infinity, -1.5, 0, 2n, 3, 10n, Infinity]);
  const strings = new PriorityQueue<string>();
  for (const s of ["pear", "apple", "Zebra", "app", ""]) strings.putNowait(s);
  assertEquals(drain(strings), ["", "Zebra", "app", "apple", "pear"]);
});

Deno.test("arrays compare element by element like Python tuples, a shorter prefix first", () => {
  const q = new PriorityQueue<unknown[]>();
  const items = [[2, "b"], [1, "z"], [2, "a"], [1], [1, "z", 0], [0, [1, 2]], [0, [1, 1]]];
  for (const item of items) q.putNowait(item);
  assertEquals(drain(q), [[0, [1, 1]], [0, [1, 2]], [1], [1, "z"], [1, "z", 0], [2, "a"], [2, "b"]]);
});

Deno.test("comparing values of different kinds is a TypeError from the put, and the queue is left as it was", () => {
  const q = new PriorityQueue<unknown>();
  q.putNowait(1);
  q.putNowait(5);
  assertThrows(() => q.putNowait("one"), TypeError, 'PriorityQueue cannot order "one" (a string) and 1 (a number)');
  assertThrows(() => q.putNowait({ priority: 0 }), TypeError, "pass a compare function");
  assertEquals(String(q), "<PriorityQueue maxsize=0 qsize=2 tasks=2>");
  assertEquals(drain(q), [1, 5]);
});

Deno.test("tied priorities fall through to the next element, as in Python; a get that must compare the rest raises and keeps the heap", () => {
  const q = new PriorityQueue<[number, unknown]>();
  q.putNowait([0, "root"]);
  q.putNowait([1, { job: "a" }]); // compared with the root only: 1 > 0
  q.putNowait([1, "b"]); // likewise
  // Taking the root sinks the last leaf: the two [1, ...] entries must be compared, which Python cannot either.
  assertThrows(() => q.getNowait(), TypeError, "cannot order");
  assertEquals(q.qsize(), 3);
  const withTieBreak = new PriorityQueue<[number, number, { job: string }]>();
  withTieBreak.putNowait([1, 0, { job: "a" }]);
  withTieBreak.putNowait([1, 1, { job: "b" }]);
  assertEquals(drain(withTieBreak).map(([, , item]) => item.job), ["a", "b"]);
});

Deno.test("a compare function replaces the default order", () => {
  const q = new PriorityQueue<{ name: string; due: number }>(0, (a, b) => a.due - b.due);
  for (const [name, due] of [["c", 30], ["a", 10], ["b", 20]] as const) q.putNowait({ name, due });
  assertEquals(drain(q).map((item) => item.name), ["a", "b", "c"]);
  const reversed = new PriorityQueue<number>(0, (a, b) => b - a);
  for (const n of [1, 3, 2]) reversed.putNowait(n);
  assertEquals(drain(reversed), [3, 2, 1]);
});

Deno.test("the heap returns every item in sorted order under random puts and gets (seeded)", () => {
  const random = prng(20240607);
  const q = new PriorityQueue<number>();
  const shadow: number[] = [];
  const out: number[] = [];
  const expected: number[] = [];
  for (let step = 0; step < 3000; step++) {
    if (random() < 0.55 || shadow.length === 0) {
      const n = Math.floor(random() * 1000);
      q.putNowait(n);
      shadow.push(n);
    } else {
      shadow.sort((a, b) => a - b);
      expected.push(shadow.shift() as number);
      out.push(q.getNowait());
    }
  }
  assertEquals(out, expected);
  assertEquals(drain(q), shadow.sort((a, b) => a - b));
});

Deno.test("a bounded PriorityQueue blocks put() while full and hands waiting getters the smallest item", async () => {
  const log = await runVirtual(function* () {
    const log = new Log();
    const q = new PriorityQueue<number>(2);
    q.putNowait(5);
    q.putNowait(1);
    const blocked = createTask((function* () {
      yield* q.put(0);
      log.add("put 0");
    })());
    yield* sleep(10);
    log.add(`got ${yield* q.get()}`);
    yield* blocked;
    log.add(`got ${yield* q.get()}`);
    log.add(`got ${yield* q.get()}`);
    q.shutdown();
    log.add(((yield* caught(q.get())) as Error).name);
    return log.entries;
  });
  assertEquals(log, [["got 1", 10], ["put 0", 10], ["got 0", 10], ["got 5", 10], [QueueShutDown.name, 10]]);
});

Deno.test("new PriorityQueue() refuses a compare that is not a function, and a bad maxsize", () => {
  assertThrows(
    () => new PriorityQueue(0, untyped("desc")),
    TypeError,
    'expects a compare function or nothing, got "desc" (a string)',
  );
  assertThrows(() => new PriorityQueue(NaN), RangeError, "new PriorityQueue() got NaN for maxsize");
});
