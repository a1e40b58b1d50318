/**
 * Ready-now through a `MessageChannel` post: the browser's zero-delay
 * macrotask (no 4 ms clamp; Chromium kept 60 fps with 5 ms slices). Not the
 * default in Node or Deno, where a self-posting port runs up to 1000 messages
 * per wake-up and starves timers and I/O (`research/idle-wait.md` §2).
 *
 * @module
 */

import { HostIdle, type MacrotaskPoster } from "./host_idle.ts";

/**
 * @returns Whether this runtime has `MessageChannel`.
 */
export function hasMessageChannel(): boolean {
  return typeof MessageChannel === "function";
}

/**
 * The default idle adapter in browsers and workers: `MessageChannel` for
 * ready work, `setTimeout` for deadlines. In a browser, a fired deadline timer
 * resumes through one port message, so the next timer is armed from a message
 * task and never hits the nested-timer 4 ms clamp — on a visible page and in a
 * worker (measured in Chromium: a 1 ms `sleep` chain in a worker ran 3.2 ms
 * late at p50 without the hop, 0.2 ms with it). A hidden page keeps the
 * browser's throttling; Deno and Node have no clamp to dodge, and there the
 * hop only added latency (1.2 ms at p50 in Deno).
 *
 * @example Driving a loop with an explicit adapter
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { EventLoop, MessageChannelIdle, sleep } from "yieldio";
 * const loop = new EventLoop({ idle: new MessageChannelIdle() });
 * assertEquals(await loop.runUntilComplete(sleep(1, "woke")), "woke");
 * loop.close(); // closes the port, so Node and Deno can exit
 * ```
 */
export class MessageChannelIdle extends HostIdle {
  /** @throws {TypeError} When this runtime has no `MessageChannel`. */
  constructor() {
    if (!hasMessageChannel()) {
      throw new TypeError("MessageChannelIdle needs MessageChannel; use SetTimeoutIdle instead");
    }
    super((onPost) => new PortPoster(onPost), hopsAfterTimer);
  }
}

/** Node and Deno (≥ 2.8) ports can be unref'd; browsers have no such notion. */
interface RefCountedPort {
  ref?(): void;
  unref?(): void;
}

class PortPoster implements MacrotaskPoster {
  #channel = new MessageChannel();
  #port: RefCountedPort = this.#channel.port1 as RefCountedPort;
  #onPost: () => void;

  constructor(onPost: () => void) {
    this.#onPost = onPost;
    this.#channel.port1.onmessage = this.#run;
    // A listening port keeps Node and Deno alive; hold that only while a
    // message is in flight (an unref'd port's message is never delivered).
    this.#port.unref?.();
  }

  post(): void {
    this.#port.ref?.();
    this.#channel.port2.postMessage(null);
  }

  #run = (): void => {
    this.#port.unref?.();
    this.#onPost();
  };

  close(): void {
    // close(), not `onmessage = null`: Deno keeps a port alive after the latter.
    this.#channel.port1.close();
    this.#channel.port2.close();
  }
}

/** True on a visible page and in a browser worker (`importScripts` exists only there); false anywhere else. */
function hopsAfterTimer(): boolean {
  const scope = globalThis as { document?: { visibilityState?: string }; importScripts?: unknown };
  if (scope.document !== undefined) return scope.document.visibilityState === "visible";
  return typeof scope.importScripts === "function";
}
