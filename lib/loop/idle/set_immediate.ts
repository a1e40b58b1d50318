/**
 * Ready-now through `setImmediate` (Node, Deno ≥ 2.4): it runs in the host's
 * check phase, right after an I/O poll, so every hop lets timers and I/O in —
 * one timer and one I/O completion per 5 ms slice in the fairness harness,
 * where `MessageChannel` starved both for a full second
 * (`research/idle-wait.md` §0.1).
 *
 * @module
 */

import { HostIdle, type MacrotaskPoster } from "./host_idle.ts";

type Immediate = unknown;
interface ImmediateHost {
  setImmediate(fn: () => void): Immediate;
  clearImmediate(handle: Immediate): void;
}

/**
 * Whether this runtime has a global `setImmediate`, decided without reading
 * it: Deno defines it as a lazy getter that loads its Node layer (tens of ms
 * on a first loop), so the adapter reads it only when it first posts, which
 * a program whose slices never run over may never do.
 *
 * @returns Whether `setImmediate` is there (a function, or Deno's lazy getter).
 */
export function hasSetImmediate(): boolean {
  const own = Object.getOwnPropertyDescriptor(globalThis, "setImmediate");
  if (own?.get !== undefined) return true;
  return typeof (globalThis as Partial<ImmediateHost>).setImmediate === "function";
}

/**
 * The default idle adapter in Node and Deno: `setImmediate` for ready work,
 * `setTimeout` for deadlines.
 *
 * @example Driving a loop with an explicit adapter
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { EventLoop, SetImmediateIdle, sleep } from "yieldio";
 * const loop = new EventLoop({ idle: new SetImmediateIdle() }); // Deno and Node have setImmediate
 * assertEquals(await loop.runUntilComplete(sleep(1, "woke")), "woke");
 * loop.close();
 * ```
 */
export class SetImmediateIdle extends HostIdle {
  /** @throws {TypeError} When this runtime has no `setImmediate`. */
  constructor() {
    if (!hasSetImmediate()) {
      throw new TypeError(
        "SetImmediateIdle needs a global setImmediate (Node, Deno >= 2.4); use MessageChannelIdle in browsers",
      );
    }
    super((onPost) => new ImmediatePoster(onPost));
  }
}

class ImmediatePoster implements MacrotaskPoster {
  #host = globalThis as unknown as ImmediateHost;
  #onPost: () => void;
  #pending: Immediate | undefined = undefined;

  constructor(onPost: () => void) {
    this.#onPost = onPost;
  }

  post(): void {
    this.#pending = this.#host.setImmediate(this.#run);
  }

  close(): void {
    if (this.#pending !== undefined) this.#host.clearImmediate(this.#pending);
    this.#pending = undefined;
  }

  #run = (): void => {
    this.#pending = undefined;
    this.#onPost();
  };
}
