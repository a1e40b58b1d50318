/**
 * The last-resort host adapter: `setTimeout` for everything. A chained
 * `setTimeout(0)` costs 1 ms in Node, about 2 ms in Deno and 4 ms in nested
 * browser chains, so this is only the default where neither `setImmediate` nor
 * `MessageChannel` exists.
 *
 * @module
 */

import { HostIdle, type MacrotaskPoster } from "./host_idle.ts";

/**
 * Waits with `setTimeout` alone; works in every JavaScript host.
 *
 * @example Driving a loop with setTimeout only
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { EventLoop, SetTimeoutIdle, sleep } from "yieldio";
 * const loop = new EventLoop({ idle: new SetTimeoutIdle() });
 * assertEquals(await loop.runUntilComplete(sleep(1, "woke")), "woke");
 * loop.close();
 * ```
 */
export class SetTimeoutIdle extends HostIdle {
  constructor() {
    super((onPost) => new TimeoutPoster(onPost));
  }
}

class TimeoutPoster implements MacrotaskPoster {
  #onPost: () => void;
  #pending: ReturnType<typeof setTimeout> | undefined = undefined;

  constructor(onPost: () => void) {
    this.#onPost = onPost;
  }

  post(): void {
    this.#pending = setTimeout(this.#run, 0);
  }

  close(): void {
    if (this.#pending !== undefined) clearTimeout(this.#pending);
    this.#pending = undefined;
  }

  #run = (): void => {
    this.#pending = undefined;
    this.#onPost();
  };
}
