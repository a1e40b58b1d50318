/**
 * Host adapters in every runtime: waitEvent and subscribe on a DOM
 * EventTarget and on an EventEmitter-shaped object (the same `on`/`off`
 * surface as Node's), fromAsyncIterable and asyncIterate. Each checks that
 * the listener is gone on every path, cancellation included.
 */

import { assertEquals, assertInstanceOf, assertStrictEquals } from "@std/assert";
import {
  CancelledError,
  createTask,
  fromPromise,
  getRunningLoop,
  Queue,
  QueueShutDown,
  run,
  sleep,
} from "../../mod.ts";
import { asyncIterate, fromAsyncIterable, StreamReader, subscribe, waitEvent } from "../../lib/io/mod.ts";
import { _openResources } from "../../lib/io/_resources.ts";
import { caught } from "../_support/caught.ts";
import { bytes, hasHostIo, text } from "./_helpers.ts";

/** An EventEmitter with Node's on/off/emit surface, counting its listeners. */
class Emitter {
  #listeners = new Map<string, ((...args: unknown[]) => void)[]>();
  on(type: string, fn: (...args: unknown[]) => void): this {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), fn]);
    return this;
  }
  off(type: string, fn: (...args: unknown[]) => void): this {
    this.#listeners.set(type, (this.#listeners.get(type) ?? []).filter((f) => f !== fn));
    return this;
  }
  emit(type: string, ...args: unknown[]): void {
    for (const fn of this.#listeners.get(type) ?? []) fn(...args);
  }
  count(type: string): number {
    return this.#listeners.get(type)?.length ?? 0;
  }
}

/** An EventTarget that counts its listeners. */
class CountingTarget extends EventTarget {
  listeners = 0;
  override addEventListener(...args: Parameters<EventTarget["addEventListener"]>): void {
    this.listeners++;
    super.addEventListener(...args);
  }
  override removeEventListener(...args: Parameters<EventTarget["removeEventListener"]>): void {
    this.listeners--;
    super.removeEventListener(...args);
  }
}

Deno.test("waitEvent on an EventTarget returns the event and removes its listener", async () => {
  const target = new CountingTarget();
  const [detail, during] = await run(function* () {
    const waiting = createTask(waitEvent<CustomEvent<string>>(target, "ready"));
    yield* sleep(0);
    const during = target.listeners;
    target.dispatchEvent(new CustomEvent("ready", { detail: "go" }));
    return [(yield* waiting).detail, during];
  });
  assertEquals([detail, during, target.listeners], ["go", 1, 0]);
});

Deno.test("waitEvent cancelled while it waits removes its listener and leaves nothing open", async () => {
  const target = new CountingTarget();
  const [error, left] = await run(function* () {
    const waiting = createTask(waitEvent(target, "never"));
    yield* sleep(0);
    waiting.cancel();
    return [yield* caught(waiting), _openResources(getRunningLoop())];
  });
  assertInstanceOf(error, CancelledError);
  assertEquals([left, target.listeners], [[], 0]);
});

Deno.test("waitEvent's filter skips the events it rejects", async () => {
  const emitter = new Emitter();
  const value = await run(function* () {
    const waiting = createTask(waitEvent<number>(emitter, "n", { filter: (n) => n > 2 }));
    yield* sleep(0);
    for (const n of [1, 2, 3, 4]) emitter.emit("n", n);
    return yield* waiting;
  });
  assertEquals([value, emitter.count("n")], [3, 0]);
});

Deno.test("waitEvent on an EventEmitter raises an error event's error and removes both listeners", async () => {
  const emitter = new Emitter();
  const boom = new Error("emitter failed");
  const error = await run(function* () {
    const waiting = createTask(waitEvent(emitter, "data"));
    yield* sleep(0);
    emitter.emit("error", boom);
    return yield* caught(waiting);
  });
  assertStrictEquals(error, boom);
  assertEquals([emitter.count("data"), emitter.count("error")], [0, 0]);
});

Deno.test("waitEvent refuses what is neither an EventTarget nor an EventEmitter, naming it", async () => {
  const error = await run(function* () {
    return yield* caught(waitEvent({} as EventTarget, "x"));
  });
  assertInstanceOf(error, TypeError);
  assertEquals(error.message, "waitEvent expects an EventTarget or an EventEmitter, got an object");
});

Deno.test("subscribe queues each event in order and close() removes the listener", async () => {
  const emitter = new Emitter();
  const [got, listening, after] = await run(function* () {
    const sub = subscribe<number>(emitter, "tick");
    const listening = emitter.count("tick");
    const reader = createTask(function* () {
      const got: number[] = [];
      yield* sub.forEach(function* (n) {
        got.push(n);
      });
      return got;
    }());
    for (let i = 0; i < 3; i++) {
      emitter.emit("tick", i);
      yield* sleep(1);
    }
    sub.close();
    return [yield* reader, listening, emitter.count("tick")];
  });
  assertEquals([got, listening, after], [[0, 1, 2], 1, 0]);
});

Deno.test("a full subscription drops the oldest event and counts it; get() after close raises QueueShutDown", async () => {
  const target = new CountingTarget();
  const [seen, dropped, error, text] = await run(function* () {
    const sub = subscribe<Event>(target, "x", { maxsize: 3 });
    for (let i = 0; i < 5; i++) target.dispatchEvent(new CustomEvent("x", { detail: i }));
    const printed = String(sub);
    sub.close();
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) seen.push(((yield* sub.get()) as CustomEvent<number>).detail);
    return [seen, sub.dropped, yield* caught(sub.get()), printed];
  });
  assertEquals([seen, dropped, target.listeners], [[2, 3, 4], 2, 0]);
  assertInstanceOf(error, QueueShutDown);
  assertEquals(text, '<Subscription to "x" events queued=3 dropped=2>');
});

Deno.test("subscribe's maxsize must be a positive integer", async () => {
  const error = await run(function* () {
    try {
      subscribe(new EventTarget(), "x", { maxsize: 0 });
    } catch (e) {
      return e;
    }
    yield* sleep(0);
  });
  assertInstanceOf(error, RangeError);
  assertEquals(error.message, "subscribe's maxsize must be a positive integer, got 0 (a number)");
});

Deno.test("plain async code reads a subscription with for await until it closes", async () => {
  const emitter = new Emitter();
  const got = await run(function* () {
    const sub = subscribe<string>(emitter, "msg");
    emitter.emit("msg", "a");
    emitter.emit("msg", "b");
    sub.close();
    return yield* fromPromise((async () => {
      const out: string[] = [];
      for await (const m of sub) out.push(m);
      return out;
    })());
  });
  assertEquals(got, ["a", "b"]);
});

Deno.test("fromAsyncIterable steps through an async generator to its end", async () => {
  async function* numbers() {
    yield 1;
    await Promise.resolve();
    yield 2;
  }
  const got = await run(function* () {
    const it = fromAsyncIterable(numbers());
    const out: unknown[] = [];
    for (let step = yield* it.next(); !step.done; step = yield* it.next()) out.push(step.value);
    out.push((yield* it.next()).done);
    return out;
  });
  assertEquals(got, [1, 2, true]);
});

Deno.test("cancelling a step of fromAsyncIterable calls the iterator's return()", async () => {
  const log: string[] = [];
  const iterable: AsyncIterable<number> = {
    [Symbol.asyncIterator]: () => ({
      next: () => new Promise<IteratorResult<number>>(() => {}),
      return: () => {
        log.push("return() called");
        return Promise.resolve({ done: true, value: undefined });
      },
    }),
  };
  const error = await run(function* () {
    const it = fromAsyncIterable(iterable);
    const step = createTask(it.next());
    yield* sleep(0);
    step.cancel();
    const error = yield* caught(step);
    log.push(`after: done=${(yield* it.next()).done}`);
    return error;
  });
  assertInstanceOf(error, CancelledError);
  assertEquals(log, ["return() called", "after: done=true"]);
});

Deno.test("cancelling a forEach over a ReadableStream cancels the stream with the CancelledError", async () => {
  let reason: unknown = null;
  const stream = new ReadableStream<number>({
    pull: (controller) =>
      new Promise((resolve) =>
        setTimeout(() => {
          if (reason === null) controller.enqueue(1);
          resolve();
        }, 2)
      ),
    cancel: (why) => void (reason = why),
  });
  const count = await run(function* () {
    let count = 0;
    const consumer = createTask(
      fromAsyncIterable(stream).forEach(function* (_tick) {
        count++;
        yield* sleep(0);
      }),
    );
    yield* sleep(20);
    consumer.cancel();
    yield* caught(consumer);
    yield* sleep(0);
    return count;
  });
  assertInstanceOf(reason, CancelledError);
  assertEquals(count > 0, true);
});

Deno.test("fromAsyncIterable refuses a plain iterable, naming it", async () => {
  const error = await run(function* () {
    try {
      fromAsyncIterable([1, 2] as unknown as AsyncIterable<number>);
    } catch (e) {
      return e;
    }
    yield* sleep(0);
  });
  assertInstanceOf(error, TypeError);
  assertEquals(
    error.message,
    "fromAsyncIterable expects an AsyncIterable or a ReadableStream, got an array of length 2",
  );
});

Deno.test("asyncIterate lets plain async code drain a Queue that a task fills, and a StreamReader's lines", async () => {
  const [items, lines] = await run(function* () {
    const queue = new Queue<number>(1);
    createTask(function* () {
      for (let i = 0; i < 4; i++) yield* queue.put(i);
      queue.shutdown();
    }());
    const reader = new StreamReader();
    reader._feedData(bytes("x\ny\n"));
    reader._feedEof();
    return yield* fromPromise((async () => {
      const items: number[] = [];
      for await (const n of asyncIterate(queue)) items.push(n);
      const lines: string[] = [];
      for await (const line of asyncIterate<Uint8Array>(reader)) lines.push(text(line));
      return [items, lines] as const;
    })());
  });
  assertEquals([items, lines], [[0, 1, 2, 3], ["x\n", "y\n"]]);
});

// Deno and Node: a real node:events EventEmitter (imported lazily, so browser bundles never load it).
(hasHostIo ? Deno.test : () => {})("waitEvent and subscribe work on a real Node EventEmitter", async () => {
  const { EventEmitter } = await import("node:events");
  const emitter = new EventEmitter();
  const [value, queued] = await run(function* () {
    const waiting = createTask(waitEvent<string>(emitter, "ready"));
    const sub = subscribe<number>(emitter, "n");
    yield* sleep(0);
    emitter.emit("ready", "go", "ignored second argument");
    for (const n of [1, 2]) emitter.emit("n", n);
    sub.close();
    return [yield* waiting, [yield* sub.get(), yield* sub.get()]];
  });
  assertEquals([value, queued], ["go", [1, 2]]);
  assertEquals([emitter.listenerCount("ready"), emitter.listenerCount("n"), emitter.listenerCount("error")], [0, 0, 0]);
});
