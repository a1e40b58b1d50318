/**
 * What moves, rather than copies, when arguments go to a worker: message
 * ports, passed bare or inside a channel end (`Channel.pair()`), at the top
 * level of the argument list. A port that is copied (a queued job's
 * arguments) must be listed again from the copy.
 *
 * @module
 */

import { isInstance } from "../_is_instance.ts";

/** The `kind` of a channel end; plain data, so copies of yieldio in other bundles agree. */
export const CHANNEL_END_KIND = "yieldio.channel-end";

/** Where opened ends' ports are kept: global, so the bootstrap and every bundled copy of yieldio share it. */
const OPENED = Symbol.for("yieldio.opened-ports");

/** Records that `port`'s end was opened: when its job settles, the worker leaves it open (`worker_main.ts`). */
export function markOpened(port: MessagePort): void {
  ((globalThis as { [OPENED]?: WeakSet<MessagePort> })[OPENED] ??= new WeakSet()).add(port);
}

/** Whether `port`'s end was opened on this thread, by any copy of yieldio (see {@linkcode markOpened}). */
export function isOpened(port: MessagePort): boolean {
  return (globalThis as { [OPENED]?: WeakSet<MessagePort> })[OPENED]?.has(port) === true;
}

/** @returns The ports among `args` (top level), to transfer with them. */
export function transferablesIn(args: readonly unknown[]): Transferable[] {
  const found: Transferable[] = [];
  if (typeof MessagePort !== "function") return found;
  for (const arg of args) {
    const port = portOf(arg);
    if (port !== null) found.push(port);
  }
  return found;
}

/** The port `arg` is or carries (a channel end); null for anything else, or a value that throws when inspected. */
function portOf(arg: unknown): MessagePort | null {
  if (isInstance(arg, MessagePort)) return arg;
  try {
    if ((arg as { kind?: unknown } | null)?.kind !== CHANNEL_END_KIND) return null;
    const port = (arg as { port?: unknown }).port;
    return isInstance(port, MessagePort) ? port : null;
  } catch {
    return null; // structuredClone then refuses it, and the error names it
  }
}
