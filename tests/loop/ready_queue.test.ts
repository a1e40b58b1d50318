import { assert, assertEquals, assertStrictEquals } from "@std/assert";
import { type ReadyFn, ReadyQueue } from "../../lib/loop/ready_queue.ts";
import { collectGarbage, seededRandom } from "./_support.ts";

const f = (_: unknown) => {};
const g = (_: unknown) => {};

/** Pops every pair, returning their arguments. */
function drain(queue: ReadyQueue): unknown[] {
  const args: unknown[] = [];
  while (queue.length > 0) {
    queue.pop();
    args.push(queue.poppedArg);
  }
  return args;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

Deno.test("ReadyQueue pops pairs in the order they were pushed, function with its own argument", () => {
  const queue = new ReadyQueue();
  queue.push(f, "first");
  queue.push(g, "second");
  queue.push(f, "third");
  const popped: [ReadyFn, unknown][] = [];
  while (queue.length > 0) {
    const fn = queue.pop();
    popped.push([fn, queue.poppedArg]);
  }
  assertEquals(popped, [[f, "first"], [g, "second"], [f, "third"]]);
});

Deno.test("ReadyQueue.length counts the pairs waiting", () => {
  const queue = new ReadyQueue();
  assertEquals(queue.length, 0);
  queue.push(f, 1);
  queue.push(f, 2);
  assertEquals(queue.length, 2);
  queue.pop();
  assertEquals(queue.length, 1);
  queue.pop();
  assertEquals(queue.length, 0);
});

Deno.test("ReadyQueue keeps FIFO order while it grows far past its initial capacity", () => {
  const queue = new ReadyQueue();
  for (let i = 0; i < 1000; i++) queue.push(f, i);
  assertEquals(queue.length, 1000);
  assertEquals(drain(queue), range(0, 1000));
});

Deno.test("ReadyQueue keeps FIFO order when its head wraps around the ring many times", () => {
  const queue = new ReadyQueue();
  const popped: unknown[] = [];
  let next = 0;
  for (; next < 20; next++) queue.push(f, next);
  for (let round = 0; round < 500; round++) {
    queue.push(f, next++);
    queue.pop();
    popped.push(queue.poppedArg);
  }
  assertEquals(queue.length, 20);
  popped.push(...drain(queue));
  assertEquals(popped, range(0, next));
});

Deno.test("ReadyQueue keeps FIFO order when it grows while its head is in the middle of the ring", () => {
  const queue = new ReadyQueue();
  const popped: unknown[] = [];
  let next = 0;
  for (; next < 30; next++) queue.push(f, next);
  for (let i = 0; i < 25; i++) {
    queue.pop();
    popped.push(queue.poppedArg);
  }
  // 5 left near the end of the ring; 200 more wrap around and force two growths.
  for (let i = 0; i < 200; i++) queue.push(f, next++);
  popped.push(...drain(queue));
  assertEquals(popped, range(0, next));
});

Deno.test("ReadyQueue matches an array model under a seeded random mix of pushes and pops", () => {
  const random = seededRandom(20240601);
  const queue = new ReadyQueue();
  const model: number[] = [];
  for (let step = 0; step < 20_000; step++) {
    // Drift upwards so the ring grows several times while wrapping.
    if (model.length === 0 || random() < 0.55) {
      queue.push(step % 2 === 0 ? f : g, step);
      model.push(step);
    } else {
      const fn = queue.pop();
      const expected = model.shift() as number;
      assertStrictEquals(queue.poppedArg, expected);
      assertStrictEquals(fn, expected % 2 === 0 ? f : g);
    }
    assertEquals(queue.length, model.length);
  }
  assertEquals(drain(queue), model);
});

Deno.test("ReadyQueue.clear drops every pair and the queue works normally afterwards", () => {
  const queue = new ReadyQueue();
  for (let i = 0; i < 100; i++) queue.push(f, i);
  queue.pop();
  queue.clear();
  assertEquals(queue.length, 0);
  assertStrictEquals(queue.poppedArg, undefined);
  queue.push(g, "after");
  assertStrictEquals(queue.pop(), g);
  assertEquals(queue.poppedArg, "after");
});

Deno.test("ReadyQueue drops its references to popped work so it can be collected", async () => {
  const queue = new ReadyQueue();
  const refs = fillWithGarbage(queue);
  while (queue.length > 0) queue.pop();
  queue.poppedArg = undefined; // the loop clears it after each batch
  await collectGarbage();
  assertEquals(refs.map((ref) => ref.deref() === undefined), [true, true, true, true, true, true]);
});

/** Pushes three pairs whose functions and arguments are reachable only from the queue. */
function fillWithGarbage(queue: ReadyQueue): WeakRef<object>[] {
  const refs: WeakRef<object>[] = [];
  for (let i = 0; i < 3; i++) {
    const arg = { payload: new Array(100).fill(i) };
    const fn = (_: unknown) => {};
    refs.push(new WeakRef(fn), new WeakRef(arg));
    queue.push(fn, arg);
  }
  assert(queue.length === 3);
  return refs;
}
