/**
 * yieldio/inspector: a live view of a running loop in a page — one row per
 * task with what it waits on and who awaits it, the await tree, timers and
 * tokio-console-style warnings — and, for a virtual-clock loop, Step and
 * Play/Pause. It can also watch a loop in a Worker or another tab through a
 * `BroadcastChannel`. No dependencies; a second entry, kept out of the core
 * bundle (it takes the loop by what it offers, so it bundles no copy of yieldio).
 *
 * @example Render a loop's snapshot
 * ```ts
 * import { assertStringIncludes } from "@std/assert";
 * import { EventLoop, Lock } from "yieldio";
 * import { attachInspector } from "yieldio/inspector";
 * const loop = new EventLoop({ clock: "virtual" });
 * const lock = new Lock();
 * lock.acquire().next(); // held
 * loop.createTask(lock.acquire(), { name: "blocked" });
 * loop.runOnce();
 * const element = { innerHTML: "", addEventListener() {}, removeEventListener() {} };
 * const inspector = attachInspector(loop, { element, intervalMs: 0 });
 * assertStringIncludes(element.innerHTML, "blocked — waiting on Lock#1");
 * inspector.close();
 * lock.release();
 * loop.runOnce();
 * loop.close();
 * ```
 *
 * @module
 */

export type { InspectorClick, InspectorElement } from "./dom.ts";
export { attachInspector, type InspectableLoop, type Inspector, type InspectorOptions } from "./attach.ts";
export {
  type Closable,
  DEFAULT_CHANNEL,
  type PublishOptions,
  publishSnapshots,
  type SnapshotMessage,
  type WatchOptions,
  watchSnapshots,
} from "./channel.ts";
export { type RenderOptions, renderSnapshot } from "./render.ts";
