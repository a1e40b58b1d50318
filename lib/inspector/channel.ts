/**
 * Inspecting a loop that runs somewhere else — a Worker, another tab — over
 * a `BroadcastChannel`: the side with the loop publishes snapshots, the page
 * watches them. Snapshots are plain data, so they cross as they are (the
 * structured clone of JSON-ready objects), and the page renders them exactly
 * like a local loop's.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { inspect, type LoopSnapshot } from "../observe/inspect.ts";
import { type InspectorElement, newSection } from "./dom.ts";
import { COUNTING, type InspectableLoop } from "./attach.ts";
import { renderSnapshot } from "./render.ts";

/**
 * The `BroadcastChannel` name both sides use unless told otherwise.
 *
 * @example Publisher and watcher meet on it by default
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { DEFAULT_CHANNEL } from "yieldio/inspector";
 * assertEquals(DEFAULT_CHANNEL, "yieldio-inspector");
 * ```
 */
export const DEFAULT_CHANNEL = "yieldio-inspector";

/** A message on the channel. */
export interface SnapshotMessage {
  /** Always `"yieldio-snapshot"`. */
  kind: "yieldio-snapshot";
  /** Which loop it describes (the publisher's `source`). */
  source: string;
  /** `inspect(loop)`. */
  snapshot: LoopSnapshot;
}

/** Options for {@linkcode publishSnapshots}. */
export interface PublishOptions {
  /** The BroadcastChannel's name (default `yieldio-inspector`). */
  channel?: string;
  /** How often to publish, in ms (default 500). */
  intervalMs?: number;
  /** Names this loop on the watching page (default `loop`). */
  source?: string;
}

/** Options for {@linkcode watchSnapshots}. */
export interface WatchOptions {
  /** Where to render; default: a new `<section>` at the end of `document.body`. */
  element?: InspectorElement;
  /** The BroadcastChannel's name (default `yieldio-inspector`). */
  channel?: string;
}

/** Something to stop. */
export interface Closable {
  /** Stops publishing or watching and closes the channel. */
  close(): void;
}

/**
 * Publishes `inspect(loop)` on a `BroadcastChannel` now and every
 * `intervalMs`, for a page that {@linkcode watchSnapshots} — run it where
 * the loop is (a Worker, another tab). Its timer keeps a Deno or Node process
 * alive until `close()`.
 *
 * @param loop The loop to publish.
 * @param options Channel name, period, source name.
 * @returns A handle whose `close()` stops publishing.
 * @throws {TypeError} Where there is no `BroadcastChannel`.
 * @throws {RangeError} For a period that is not a positive finite number.
 *
 * @example A snapshot crosses a channel
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { EventLoop } from "yieldio";
 * import { publishSnapshots, type SnapshotMessage } from "yieldio/inspector";
 * const loop = new EventLoop({ clock: "virtual" });
 * const listener = new BroadcastChannel("doc-example");
 * const received = new Promise<SnapshotMessage>((resolve) => listener.onmessage = (e) => resolve(e.data));
 * const publisher = publishSnapshots(loop, { channel: "doc-example", source: "worker 1" });
 * const message = await received;
 * publisher.close();
 * listener.close();
 * assertEquals([message.kind, message.source, message.snapshot.time], ["yieldio-snapshot", "worker 1", 0]);
 * loop.close();
 * ```
 */
export function publishSnapshots(loop: InspectableLoop, options: PublishOptions = {}): Closable {
  const intervalMs = options.intervalMs ?? 500;
  if (typeof intervalMs !== "number" || !Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new RangeError(`publishSnapshots expects intervalMs as a positive number, got ${describeValue(intervalMs)}`);
  }
  const channel = openChannel(options.channel, "publishSnapshots");
  const source = options.source ?? "loop";
  const publish = (): void => {
    const message: SnapshotMessage = { kind: "yieldio-snapshot", source, snapshot: inspect(loop, COUNTING) };
    channel.postMessage(message);
  };
  const timer = setInterval(publish, intervalMs);
  publish();
  return {
    close() {
      clearInterval(timer);
      channel.close();
    },
  };
}

/**
 * Renders the snapshots that arrive on a `BroadcastChannel` (see
 * {@linkcode publishSnapshots}): the latest of each source, newest source
 * last.
 *
 * @param options Element and channel name.
 * @returns A handle whose `close()` stops watching.
 * @throws {TypeError} Without `element` where there is no `document`, or where there is no `BroadcastChannel`.
 *
 * @example Watching what a publisher sends
 * ```ts
 * import { assertStringIncludes } from "@std/assert";
 * import { EventLoop } from "yieldio";
 * import { publishSnapshots, watchSnapshots } from "yieldio/inspector";
 * const element = { innerHTML: "", addEventListener() {}, removeEventListener() {} };
 * const watcher = watchSnapshots({ element, channel: "doc-watch" });
 * const loop = new EventLoop({ clock: "virtual" });
 * const publisher = publishSnapshots(loop, { channel: "doc-watch", source: "worker" });
 * await new Promise((resolve) => setTimeout(resolve, 50));
 * publisher.close();
 * watcher.close();
 * assertStringIncludes(element.innerHTML, "worker");
 * loop.close();
 * ```
 */
export function watchSnapshots(options: WatchOptions = {}): Closable {
  const element = options.element ?? newSection();
  if (element === null) {
    throw new TypeError("watchSnapshots needs options.element where there is no document (a worker, Deno, Node)");
  }
  const channel = openChannel(options.channel, "watchSnapshots");
  let latest = new Map<string, LoopSnapshot>();
  channel.onmessage = (event: { data: unknown }) => {
    // Anyone on the origin may post here: a message that is not a well-formed snapshot is dropped, never thrown.
    const message = event.data as Partial<SnapshotMessage> | null;
    if (
      typeof message !== "object" || message === null || message.kind !== "yieldio-snapshot" ||
      typeof message.source !== "string" || !_isSnapshot(message.snapshot)
    ) {
      return;
    }
    const next = new Map(latest);
    next.delete(message.source);
    next.set(message.source, message.snapshot);
    let html: string;
    try {
      html = [...next].map(([name, snapshot]) =>
        renderSnapshot(snapshot, { title: `yieldio inspector — ${name}`, note: `via BroadcastChannel` })
      ).join("\n");
    } catch {
      return; // a shape the checks let through and the renderer cannot draw: keep what is shown
    }
    latest = next;
    element.innerHTML = html;
  };
  element.innerHTML = `<p>Waiting for snapshots on the BroadcastChannel…</p>`;
  return { close: () => channel.close() };
}

/** @internal Whether `value` has the shape of a {@linkcode LoopSnapshot}: every field the page reads, of its type. */
export function _isSnapshot(value: unknown): value is LoopSnapshot {
  const s = value as Partial<Record<keyof LoopSnapshot, unknown>> | null;
  return typeof s === "object" && s !== null &&
    [s.time, s.iteration, s.ready, s.timerCount, s.refs].every(isNumber) && typeof s.virtual === "boolean" &&
    (s.state === "running" || s.state === "idle" || s.state === "closed") &&
    isArrayOf(s.timers, (t) => isNumber(t.when) && typeof t.what === "string") &&
    isArrayOf(s.warnings, (w) => typeof w.kind === "string" && typeof w.message === "string") &&
    isArrayOf(s.tasks, (t) =>
      [t.id, t.cancelling, t.steps, t.busyMs].every(isNumber) && typeof t.name === "string" &&
      (t.state === "running" || t.state === "ready" || t.state === "waiting") &&
      (t.waitingOn === null || typeof t.waitingOn === "string") && isArrayOf(t.awaitedBy, isNumber));
}

function isNumber(value: unknown): boolean {
  return typeof value === "number";
}

/** An array whose every element passes `check`: holes count as missing elements (every() would skip them). */
function isArrayOf(value: unknown, check: (item: Record<string, unknown>) => boolean): boolean {
  return Array.isArray(value) &&
    Array.from(value).every((item) => item !== null && item !== undefined && check(item));
}

interface Channel {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((event: { data: unknown }) => void) | null;
}

function openChannel(name: string | undefined, caller: string): Channel {
  const Broadcast = (globalThis as { BroadcastChannel?: new (name: string) => Channel }).BroadcastChannel;
  if (Broadcast === undefined) throw new TypeError(`${caller} needs a BroadcastChannel, which this runtime lacks`);
  return new Broadcast(name ?? DEFAULT_CHANNEL);
}
