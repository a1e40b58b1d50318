/**
 * Scenario 7: how quickly an idle loop wakes up, per idle adapter, in the
 * runtime that runs this script. Deno runs it as is; Node and Chromium (a page
 * and a worker, see `idle_chromium.ts`) run esbuild bundles of it. Prints one
 * JSON object with raw-sample distributions in ms (`--quick` in Deno and
 * Node, `?quick` in a browser: fewer samples).
 *
 * Two measurements per adapter (research/idle-wait.md §8.5 items 1–2):
 * - **timer lateness**: a task-like chain of `loop.callLater(d, cb)` — each
 *   armed from the previous callback, as `while (true) yield* sleep(d)`
 *   would — recording `loop.time() − handle.when()` when it runs.
 * - **ready-now wake**: the loop is idle with nothing scheduled; a host
 *   `setTimeout` callback (standing in for a fetch completion or a DOM event)
 *   reads the clock and calls `loop.callSoonThreadsafe(cb)`; the sample is the
 *   time until `cb` runs. The bare primitive doing the same hop (host callback
 *   → setImmediate / port message / setTimeout(0)) is measured beside it.
 *
 * `AtomicsIdle` blocks the thread, so no host callback can run while it
 * waits: only its timer lateness is measurable on one thread. Waking it from
 * another thread waits for cross-thread `callSoonThreadsafe` (issue: threads).
 *
 * @module
 */

import {
  AtomicsIdle,
  EventLoop,
  type IdleAdapter,
  MessageChannelIdle,
  SetImmediateIdle,
  SetTimeoutIdle,
} from "../../mod.ts";
import { type Distribution, distribution } from "../_stats.ts";

interface ImmediateHost {
  setImmediate(fn: () => void): unknown;
}
const host = globalThis as unknown as Partial<ImmediateHost> & {
  Deno?: { version: { deno: string; v8: string }; args: string[] };
  process?: { versions: { node: string; v8: string }; argv: string[] };
  location?: { search: string };
  navigator?: { userAgent: string };
  document?: unknown;
};

const quick = host.Deno?.args.includes("--quick") ?? host.process?.argv.includes("--quick") ??
  new URLSearchParams(host.location?.search).has("quick");
const LATENESS_DELAYS_MS = [1, 10];
const LATENESS_SAMPLES = quick ? 20 : 200;
const WAKE_SAMPLES = quick ? 30 : 300;
/** Gap between ready-now samples, so the loop is truly idle (and the host timer fresh) each time. */
const WAKE_GAP_MS = 2;

/** Runs `loop` with the driver its adapter needs. */
async function drive(loop: EventLoop, idle: IdleAdapter): Promise<void> {
  if (idle.kind === "blocking") loop.runForeverSync();
  else await loop.runForever();
}

async function timerLateness(makeIdle: () => IdleAdapter, delayMs: number, samples: number): Promise<number[]> {
  const idle = makeIdle();
  const loop = new EventLoop({ idle });
  const out: number[] = [];
  const arm = (): void => {
    const handle = loop.callLater(delayMs, () => {
      out.push(loop.time() - handle.when());
      if (out.length < samples) arm();
      else loop.stop();
    });
  };
  arm();
  await drive(loop, idle);
  loop.close();
  return out;
}

async function readyNowWake(makeIdle: () => IdleAdapter, samples: number): Promise<number[]> {
  const loop = new EventLoop({ idle: makeIdle() });
  const out: number[] = [];
  let t0 = 0;
  const onLoop = (): void => {
    out.push(performance.now() - t0);
    if (out.length < samples) setTimeout(fromHost, WAKE_GAP_MS);
    else loop.stop();
  };
  const fromHost = (): void => {
    t0 = performance.now();
    loop.callSoonThreadsafe(onLoop);
  };
  setTimeout(fromHost, WAKE_GAP_MS);
  await loop.runForever();
  loop.close();
  return out;
}

/** The bare primitive's hop from a host timer callback, for comparison. */
function bareWake(hop: (fn: () => void) => void, samples: number): Promise<number[]> {
  return new Promise((resolve) => {
    const out: number[] = [];
    let t0 = 0;
    const landed = (): void => {
      out.push(performance.now() - t0);
      if (out.length < samples) setTimeout(fromHost, WAKE_GAP_MS);
      else resolve(out);
    };
    const fromHost = (): void => {
      t0 = performance.now();
      hop(landed);
    };
    setTimeout(fromHost, WAKE_GAP_MS);
  });
}

function bareTimerLateness(delayMs: number, samples: number): Promise<number[]> {
  return new Promise((resolve) => {
    const out: number[] = [];
    const arm = (): void => {
      const due = performance.now() + delayMs;
      setTimeout(() => {
        out.push(performance.now() - due);
        if (out.length < samples) arm();
        else resolve(out);
      }, delayMs);
    };
    arm();
  });
}

function portHop(): { hop: (fn: () => void) => void; close: () => void } {
  const channel = new MessageChannel();
  let next = (): void => {};
  channel.port1.onmessage = () => next();
  return {
    hop(fn) {
      next = fn;
      channel.port2.postMessage(null);
    },
    close: () => channel.port1.close(),
  };
}

/** One adapter's (or bare primitive's) results. */
export interface IdleRow {
  adapter: string;
  lateness: Record<string, Distribution>;
  wake: Distribution | null;
  note?: string;
}

/** The adapter's kind, or why it cannot be built here (a browser's main thread may not block): its error's first clause. */
function probe(make: () => IdleAdapter): IdleAdapter["kind"] | { unavailable: string } {
  try {
    const idle = make();
    idle.close();
    return idle.kind;
  } catch (error) {
    return { unavailable: (error as Error).message.split(/[;:]/)[0] };
  }
}

const adapters: { name: string; make: () => IdleAdapter }[] = [
  { name: "SetImmediateIdle", make: () => new SetImmediateIdle() },
  { name: "MessageChannelIdle", make: () => new MessageChannelIdle() },
  { name: "SetTimeoutIdle", make: () => new SetTimeoutIdle() },
  { name: "AtomicsIdle", make: () => new AtomicsIdle() },
];

const rows: IdleRow[] = [];
for (const { name, make } of adapters) {
  const kind = probe(make);
  if (typeof kind === "object") {
    rows.push({ adapter: name, lateness: {}, wake: null, note: `not available here: ${kind.unavailable}` });
    continue;
  }
  const lateness: Record<string, Distribution> = {};
  for (const d of LATENESS_DELAYS_MS) {
    lateness[`${d}`] = distribution(await timerLateness(make, d, d >= 10 ? LATENESS_SAMPLES / 4 : LATENESS_SAMPLES));
  }
  const blocking = kind === "blocking";
  rows.push({
    adapter: name,
    lateness,
    wake: blocking ? null : distribution(await readyNowWake(make, WAKE_SAMPLES)),
    note: blocking
      ? "blocks the thread: no host callback runs while it waits; cross-thread wake-ups: scenario 8"
      : undefined,
  });
}

// Bare primitives: the floor each adapter sits on.
const bareLateness: Record<string, Distribution> = {};
for (const d of LATENESS_DELAYS_MS) {
  bareLateness[`${d}`] = distribution(await bareTimerLateness(d, d >= 10 ? LATENESS_SAMPLES / 4 : LATENESS_SAMPLES));
}
rows.push({
  adapter: "bare setTimeout(0) hop / setTimeout(d) chain",
  lateness: bareLateness,
  wake: distribution(await bareWake((fn) => setTimeout(fn, 0), WAKE_SAMPLES)),
});
if (typeof host.setImmediate === "function") {
  const setImmediate = host.setImmediate;
  rows.push({
    adapter: "bare setImmediate hop",
    lateness: {},
    wake: distribution(await bareWake(setImmediate, WAKE_SAMPLES)),
  });
}
{
  const port = portHop();
  rows.push({
    adapter: "bare MessageChannel hop",
    lateness: {},
    wake: distribution(await bareWake(port.hop, WAKE_SAMPLES)),
  });
  port.close();
}

function runtimeName(): string {
  if (host.Deno !== undefined) return `Deno ${host.Deno.version.deno} (V8 ${host.Deno.version.v8})`;
  if (host.process !== undefined) return `Node ${host.process.versions.node} (V8 ${host.process.versions.v8})`;
  const version = /Chrome\/([\d.]+)/.exec(host.navigator?.userAgent ?? "")?.[1] ?? "?";
  return `Chromium ${version}, ${host.document === undefined ? "dedicated worker" : "page main thread"}`;
}

const runtime = runtimeName();
console.log(JSON.stringify({ runtime, latenessSamples: LATENESS_SAMPLES, wakeSamples: WAKE_SAMPLES, rows }));
