/**
 * Scenarios 2–6: in-process micro-benchmarks. Each scenario is a list of
 * sides that do the same work — n dispatches, n round trips, n yields, n
 * schedule+cancel pairs, n items through a bounded queue — and report how
 * long it took.
 *
 * Every sample is its own process (this module is its entry point): a
 * warm-up run at n/10, then the measured run. `run.ts` alternates the sides,
 * one process each, for several rounds. Why a process per sample:
 * - In one shared process the figures depended on what ran before: type
 *   feedback from other scenarios made yieldio's call sites polymorphic, and
 *   each new EventLoop deoptimises the loop's hot methods ("dependent field
 *   type constness changed", "embedded weak objects cleared" under
 *   `--trace-deopt`); after about six loops in one process the yieldio sides
 *   settled 40–60 % slower while native ones did not. A program has one loop,
 *   so one warm-up loop plus the measured one is the representative case; the
 *   steady-state check (`--repeat`, reported separately) keeps the other in view.
 * - For the same reason every side below has its own function literals
 *   instead of sharing a helper: closures of one literal share their
 *   feedback, and a shared `schedule(tick)` turned megamorphic across sides.
 *
 * yieldio sides use the public API only (`callSoon`, `createFuture`,
 * `sleep`, `callLater`, `Queue`), driven both ways: blocking (`runForeverSync` /
 * `runSync`, Atomics.wait between timers) and host-driven (`runForever` /
 * `run`, setImmediate slices). The Python sides run `peers/micro_asyncio.py`,
 * which times itself, so interpreter start-up is not counted.
 *
 * @module
 */

import { EventLoop, type Future, getRunningLoop, inspect, Queue, run, runSync, sleep } from "../../mod.ts";
import {
  EFFECT_SPECIFIER,
  type EffectFiberModule,
  type EffectModule,
  type EffectQueueModule,
  importPeer,
} from "../peers/_npm.ts";

/** One contestant: does `n` operations and resolves to the elapsed ms. */
export interface Side {
  label: string;
  /** True for yieldio's own sides; ratios are taken against the first of these. */
  yieldio: boolean;
  /** Runs in another process (nothing to warm up here). */
  external?: boolean;
  run(n: number): Promise<number>;
}

/** A scenario: same n for every side. */
export interface MicroScenario {
  id: string;
  title: string;
  /** What one operation is, for the table ("callbacks", "round trips", ...). */
  unit: string;
  n: number;
  quickN: number;
  sides: Side[];
  notes: string[];
}

interface ImmediateHost {
  setImmediate(fn: () => void): unknown;
}
const { setImmediate } = globalThis as unknown as ImmediateHost;

/** Runs `peers/micro_asyncio.py <case> <n>` and returns the ms it reports. */
function asyncioSide(label: string, pyCase: string): Side {
  return {
    label,
    yieldio: false,
    external: true,
    async run(n) {
      const script = new URL("../peers/micro_asyncio.py", import.meta.url).pathname;
      const out = await new Deno.Command("python3", { args: [script, pyCase, String(n)] }).output();
      if (!out.success) throw new Error(`${script} ${pyCase} failed: ${new TextDecoder().decode(out.stderr)}`);
      return JSON.parse(new TextDecoder().decode(out.stdout)).ms;
    },
  };
}

// ---------------------------------------------------------------- 2. dispatch
//
// k chains whose callbacks re-schedule themselves until n callbacks ran in
// all: while at least k remain every callback re-schedules, after that the
// in-flight ones drain, so exactly n run. Written out once per side (see the
// module doc for why there is no shared helper).

function dispatchSides(k: number): Side[] {
  return [
    {
      label: "yieldio callSoon · runForeverSync",
      yieldio: true,
      run(n) {
        const loop = new EventLoop();
        let left = n;
        const tick = (): void => {
          if (--left === 0) loop.stop();
          else if (left >= k) loop.callSoon(tick);
        };
        const start = performance.now();
        for (let i = 0; i < k; i++) loop.callSoon(tick);
        loop.runForeverSync();
        const ms = performance.now() - start;
        loop.close();
        return Promise.resolve(ms);
      },
    },
    {
      label: "yieldio callSoon · runForever (host-driven)",
      yieldio: true,
      async run(n) {
        const loop = new EventLoop();
        let left = n;
        const tick = (): void => {
          if (--left === 0) loop.stop();
          else if (left >= k) loop.callSoon(tick);
        };
        const start = performance.now();
        for (let i = 0; i < k; i++) loop.callSoon(tick);
        await loop.runForever();
        const ms = performance.now() - start;
        loop.close();
        return ms;
      },
    },
    {
      label: "queueMicrotask",
      yieldio: false,
      run: (n) =>
        new Promise((resolve) => {
          let left = n;
          const start = performance.now();
          const tick = (): void => {
            if (--left === 0) resolve(performance.now() - start);
            else if (left >= k) queueMicrotask(tick);
          };
          for (let i = 0; i < k; i++) queueMicrotask(tick);
        }),
    },
    {
      label: "setImmediate",
      yieldio: false,
      run: (n) =>
        new Promise((resolve) => {
          let left = n;
          const start = performance.now();
          const tick = (): void => {
            if (--left === 0) resolve(performance.now() - start);
            else if (left >= k) setImmediate(tick);
          };
          for (let i = 0; i < k; i++) setImmediate(tick);
        }),
    },
    {
      label: "MessageChannel",
      yieldio: false,
      run: (n) =>
        new Promise((resolve) => {
          const channel = new MessageChannel();
          let left = n;
          const start = performance.now();
          channel.port1.onmessage = () => {
            if (--left === 0) {
              resolve(performance.now() - start);
              channel.port1.close();
            } else if (left >= k) channel.port2.postMessage(null);
          };
          for (let i = 0; i < k; i++) channel.port2.postMessage(null);
        }),
    },
  ];
}

// ------------------------------------------------------------- 3. task switch

/**
 * Two yieldio tasks hand a counter back and forth: each creates a fresh
 * Future for its own inbox *before* completing the other's, then waits.
 */
function* pingPongYieldio(n: number) {
  const loop = getRunningLoop();
  const slots: { ping: Future<number> | null; pong: Future<number> | null } = { ping: null, pong: null };
  function* pong() {
    for (;;) {
      const inbox = slots.pong = loop.createFuture<number>();
      const v = yield* inbox;
      if (v < 0) return;
      (slots.ping as Future<number>).setResult(v + 1);
    }
  }
  function* ping() {
    let v = 0;
    for (let i = 0; i < n; i++) {
      const inbox = slots.ping = loop.createFuture<number>();
      (slots.pong as Future<number>).setResult(v);
      v = yield* inbox;
    }
    (slots.pong as Future<number>).setResult(-1);
    return v;
  }
  const b = loop.createTask(pong()); // first, so its inbox exists before ping sends
  const a = loop.createTask(ping());
  const v = yield* a;
  yield* b;
  if (v !== n) throw new Error(`ping-pong ended at ${v}, expected ${n}`);
}

/** The same through native promises: each side's resolver is its inbox. */
async function pingPongNative(n: number): Promise<void> {
  let pingInbox: ((v: number) => void) | null = null;
  let pongInbox: ((v: number) => void) | null = null;
  async function pong(): Promise<void> {
    for (;;) {
      const v = await new Promise<number>((resolve) => pongInbox = resolve);
      if (v < 0) return;
      (pingInbox as (v: number) => void)(v + 1);
    }
  }
  async function ping(): Promise<number> {
    let v = 0;
    for (let i = 0; i < n; i++) {
      const inbox = new Promise<number>((resolve) => pingInbox = resolve);
      (pongInbox as (v: number) => void)(v);
      v = await inbox;
    }
    (pongInbox as (v: number) => void)(-1);
    return v;
  }
  const b = pong();
  const v = await ping();
  await b;
  if (v !== n) throw new Error(`ping-pong ended at ${v}, expected ${n}`);
}

// ---------------------------------------------------------------- 4. sleep(0)

/** `inspectFirst`: one `inspect()` before the yields, which must leave the per-step cost as it was. */
function* yieldsYieldio(tasks: number, n: number, inspectFirst = false) {
  const loop = getRunningLoop();
  if (inspectFirst) inspect(loop);
  function* worker(count: number) {
    for (let i = 0; i < count; i++) yield* sleep(0);
  }
  const all = [];
  for (let t = 0; t < tasks; t++) all.push(loop.createTask(worker(n / tasks)));
  for (const task of all) yield* task;
}

async function yieldsSetImmediate(tasks: number, n: number): Promise<void> {
  async function worker(count: number): Promise<void> {
    for (let i = 0; i < count; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const all = [];
  for (let t = 0; t < tasks; t++) all.push(worker(n / tasks));
  await Promise.all(all);
}

async function yieldsMicrotask(tasks: number, n: number): Promise<void> {
  async function worker(count: number): Promise<void> {
    for (let i = 0; i < count; i++) await Promise.resolve();
  }
  const all = [];
  for (let t = 0; t < tasks; t++) all.push(worker(n / tasks));
  await Promise.all(all);
}

// ------------------------------------------------------------- 5. timer churn

/** Timers scheduled and cancelled per loop iteration (the rest of a task's step). */
const CHURN_CHUNK = 1000;

function noop(): void {}

/** `waitFor`'s pattern: arm a timeout, the operation wins, cancel the timeout. */
function* churnYieldio(n: number) {
  const loop = getRunningLoop();
  for (let done = 0; done < n;) {
    for (let i = 0; i < CHURN_CHUNK && done < n; i++, done++) {
      const handle = loop.callLater(1000, noop);
      handle.cancel();
    }
    yield* sleep(0); // an iteration between chunks: the loop drops cancelled timers
  }
}

async function churnNative(n: number): Promise<void> {
  for (let done = 0; done < n;) {
    for (let i = 0; i < CHURN_CHUNK && done < n; i++, done++) {
      const handle = setTimeout(noop, 1000);
      clearTimeout(handle);
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

// ----------------------------------------------------- 6. bounded queue

/** The bound of every side's queue; peers/micro_asyncio.py uses the same. */
const QUEUE_MAXSIZE = 64;

/** One producer puts 0..n-1 into a bounded Queue, one consumer gets them all. */
function* queueYieldio(n: number) {
  const loop = getRunningLoop();
  const q = new Queue<number>(QUEUE_MAXSIZE);
  const consumer = loop.createTask((function* () {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += yield* q.get();
    return sum;
  })());
  const producer = loop.createTask((function* () {
    for (let i = 0; i < n; i++) yield* q.put(i);
  })());
  yield* producer;
  const sum = yield* consumer;
  if (sum !== n * (n - 1) / 2) throw new Error(`the consumer summed ${sum}, expected ${n * (n - 1) / 2}`);
}

/**
 * The native baseline: a bounded channel written the obvious way — an array
 * of items, and arrays of the resolvers of blocked getters and putters.
 */
class NativeChannel<T> {
  readonly #items: T[] = [];
  readonly #getters: (() => void)[] = [];
  readonly #putters: (() => void)[] = [];
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  async put(item: T): Promise<void> {
    while (this.#items.length >= this.#capacity) await new Promise<void>((resolve) => this.#putters.push(resolve));
    this.#items.push(item);
    this.#getters.shift()?.();
  }

  async get(): Promise<T> {
    while (this.#items.length === 0) await new Promise<void>((resolve) => this.#getters.push(resolve));
    const item = this.#items.shift() as T;
    this.#putters.shift()?.();
    return item;
  }
}

async function queueNative(n: number): Promise<void> {
  const channel = new NativeChannel<number>(QUEUE_MAXSIZE);
  const consumer = (async () => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += await channel.get();
    return sum;
  })();
  const producer = (async () => {
    for (let i = 0; i < n; i++) await channel.put(i);
  })();
  await producer;
  const sum = await consumer;
  if (sum !== n * (n - 1) / 2) throw new Error(`the consumer summed ${sum}, expected ${n * (n - 1) / 2}`);
}

/** Effect 3's modules, imported once per process (by the first Effect side that runs), outside any timing. */
let effect: Promise<{ Effect: EffectModule; Fiber: EffectFiberModule; Queue: EffectQueueModule }> | null = null;

/**
 * Effect 3's bounded queue as its docs write a producer and a consumer: a
 * forked producer fiber offering, the main fiber taking, under
 * `Effect.runPromise`. Times itself, after the import.
 */
async function queueEffect(n: number): Promise<number> {
  const { Effect, Fiber, Queue } = await (effect ??= importPeer(EFFECT_SPECIFIER));
  const program = Effect.gen(function* () {
    const queue = yield* Queue.bounded<number>(QUEUE_MAXSIZE);
    const producer = yield* Effect.fork(Effect.gen(function* () {
      for (let i = 0; i < n; i++) yield* Queue.offer(queue, i);
    }));
    let sum = 0;
    for (let i = 0; i < n; i++) sum += yield* Queue.take(queue);
    yield* Fiber.join(producer);
    return sum;
  });
  const start = performance.now();
  const sum = await Effect.runPromise(program);
  const ms = performance.now() - start;
  if (sum !== n * (n - 1) / 2) throw new Error(`the consumer summed ${sum}, expected ${n * (n - 1) / 2}`);
  return ms;
}

function timed(body: () => void): Promise<number> {
  const start = performance.now();
  body();
  return Promise.resolve(performance.now() - start);
}

async function timedAsync(body: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await body();
  return performance.now() - start;
}

/**
 * @param python Whether `python3` is available for the asyncio sides.
 * @returns Scenarios 2–6.
 */
export function microScenarios(python: boolean): MicroScenario[] {
  const py = (side: Side): Side[] => python ? [side] : [];
  return [
    {
      id: "dispatch",
      title: "2. callSoon dispatch rate — one chain (each callback schedules the next)",
      unit: "callbacks",
      n: 1_000_000,
      quickN: 100_000,
      sides: [...dispatchSides(1), ...py(asyncioSide("asyncio call_soon", "dispatch1"))],
      notes: [
        "One callback in flight: every dispatch is a full loop iteration (yieldio) or host turn.",
        "queueMicrotask never lets timers or I/O run in between; setImmediate and MessageChannel are macrotask hops.",
      ],
    },
    {
      id: "dispatch-fanout",
      title: "2b. callSoon dispatch rate — 1000 chains in flight",
      unit: "callbacks",
      n: 1_000_000,
      quickN: 100_000,
      sides: [...dispatchSides(1000), ...py(asyncioSide("asyncio call_soon", "dispatch1000"))],
      notes: [
        "1000 callbacks per iteration: the per-callback cost of the ready queue, without the per-iteration cost.",
      ],
    },
    {
      id: "switch",
      title: "3. Task switch — two tasks hand a counter through fresh Futures",
      unit: "round trips",
      n: 200_000,
      quickN: 20_000,
      sides: [
        { label: "yieldio Futures · runSync", yieldio: true, run: (n) => timed(() => runSync(pingPongYieldio(n))) },
        { label: "yieldio Futures · run", yieldio: true, run: (n) => timedAsync(() => run(pingPongYieldio(n))) },
        { label: "native async/await", yieldio: false, run: (n) => timedAsync(() => pingPongNative(n)) },
        ...py(asyncioSide("asyncio Futures", "switch")),
      ],
      notes: ["A round trip is two switches and two fresh futures (or promises)."],
    },
    ...[1, 100].map((tasks): MicroScenario => ({
      id: `sleep0-${tasks}`,
      title: `4. sleep(0) yields — ${tasks === 1 ? "one task" : `${tasks} tasks`}`,
      unit: "yields",
      n: 1_000_000,
      quickN: 100_000,
      sides: [
        {
          label: "yieldio sleep(0) · runSync",
          yieldio: true,
          run: (n) => timed(() => runSync(yieldsYieldio(tasks, n))),
        },
        { label: "yieldio sleep(0) · run", yieldio: true, run: (n) => timedAsync(() => run(yieldsYieldio(tasks, n))) },
        {
          label: "yieldio sleep(0) · runSync, after one inspect()",
          yieldio: true,
          run: (n) => timed(() => runSync(yieldsYieldio(tasks, n, true))),
        },
        {
          label: "native await setImmediate",
          yieldio: false,
          run: (n) => timedAsync(() => yieldsSetImmediate(tasks, n)),
        },
        { label: "native await (microtask)", yieldio: false, run: (n) => timedAsync(() => yieldsMicrotask(tasks, n)) },
        ...py(asyncioSide("asyncio.sleep(0)", `sleep0-${tasks}`)),
      ],
      notes: [
        "sleep(0) gives up one loop iteration, like asyncio.sleep(0). The closest native equivalent is a macrotask hop " +
        "(setImmediate); a microtask `await` is cheaper but lets no timer or I/O run. setTimeout(0) is not run: " +
        "about 2 ms per hop in Deno (from the design research, idle-wait.md §9, kept outside this repository).",
        'The "after one inspect()" side takes one snapshot before the yields: a loop that was inspected once must ' +
        "step as fast as one never inspected (its ratio to the runSync side is the price; 1.00 is the goal).",
      ],
    })),
    {
      id: "timers",
      title: "5. Timer churn — schedule a 1 s timer and cancel it (the waitFor pattern)",
      unit: "pairs",
      n: 1_000_000,
      quickN: 100_000,
      sides: [
        {
          label: "yieldio callLater+cancel · runSync",
          yieldio: true,
          run: (n) => timed(() => runSync(churnYieldio(n))),
        },
        {
          label: "yieldio callLater+cancel · run",
          yieldio: true,
          run: (n) => timedAsync(() => run(churnYieldio(n))),
        },
        { label: "setTimeout+clearTimeout", yieldio: false, run: (n) => timedAsync(() => churnNative(n)) },
        ...py(asyncioSide("asyncio call_later+cancel", "timers")),
      ],
      notes: [
        `In chunks of ${CHURN_CHUNK} pairs per loop iteration (native: per setImmediate turn), so cancelled ` +
        "timers are dropped as they would be in a running program.",
      ],
    },
    {
      id: "queue",
      title: `6. Bounded Queue producer/consumer throughput — one producer, one consumer, maxsize ${QUEUE_MAXSIZE}`,
      unit: "items",
      n: 1_000_000,
      quickN: 100_000,
      sides: [
        { label: "yieldio Queue · runSync", yieldio: true, run: (n) => timed(() => runSync(queueYieldio(n))) },
        { label: "yieldio Queue · run", yieldio: true, run: (n) => timedAsync(() => run(queueYieldio(n))) },
        {
          label: "native promise channel (async/await)",
          yieldio: false,
          run: (n) => timedAsync(() => queueNative(n)),
        },
        { label: "Effect 3 Queue.bounded", yieldio: false, run: queueEffect },
        ...py(asyncioSide("asyncio.Queue", "queue")),
      ],
      notes: [
        "Each item is one put() and one get(); the producer blocks whenever the queue is full and the consumer " +
        "whenever it is empty, so the two tasks hand over in batches of up to maxsize items.",
        "The native side is the obvious promise-based bounded channel (an item array and arrays of blocked " +
        "resolvers), resumed through microtasks: it lets no timer or I/O run between hand-overs.",
        "Effection 4 has no side: its `createQueue()` is unbounded, so its producer would never wait.",
      ],
    },
  ];
}

declare const gc: (() => void) | undefined;

/**
 * One sample, as its own process: an unrecorded warm-up at n/10 (skipped for
 * `--quick` and for sides that run in another process), a GC, then the
 * measured run. With `repeat` > 1 the measured run is repeated in the same
 * process and every time is returned (the steady-state check).
 */
async function sample(
  id: string,
  sideIndex: number,
  quick: boolean,
  python: boolean,
  repeat: number,
): Promise<number[]> {
  const scenario = microScenarios(python).find((s) => s.id === id);
  const side = scenario?.sides[sideIndex];
  if (scenario === undefined || side === undefined) throw new Error(`no side ${sideIndex} in micro scenario ${id}`);
  const n = quick ? scenario.quickN : scenario.n;
  if (!quick && !side.external) await side.run(n / 10);
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    if (typeof gc === "function") gc();
    times.push(await side.run(n));
  }
  return times;
}

if (import.meta.main) {
  // usage: micro.ts <scenario id> <side index> [--quick] [--python] [--repeat=N]
  const [id, sideIndex] = Deno.args;
  const repeat = Number(Deno.args.find((a) => a.startsWith("--repeat="))?.slice("--repeat=".length) ?? 1);
  const flag = (name: string) => Deno.args.includes(name);
  console.log(JSON.stringify(await sample(id, Number(sideIndex), flag("--quick"), flag("--python"), repeat)));
}
