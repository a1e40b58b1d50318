/**
 * What moves, rather than copies, when arguments go to a worker: message
 * ports, passed bare or inside a channel end (`Channel.pair()`), at the top
 * level of the argument list. A port that is copied (a queued job's
 * arguments) must be listed again from the copy.
 *
 * @module
 */

/** The `kind` of a channel end; plain data, so copies of yieldio in other bundles agree. */
export const CHANNEL_END_KIND = "yieldio.channel-end";

/** Where opened ends' ports are kept: global, so the bootstrap and every bundled copy of yieldio share it. */
const OPENED = Symbol.for("yieldio.opened-ports");

/** Records that `port`'s end was opened: when its job settles, the worker leaves it open (`worker_main.ts`). */
export function markOpened(port: MessagePort): void {
  ((globalThis as { [OPENED]?: WeakSet<MessagePort> })[OPENED] ??= new WeakSet()).add(port);
}

/** @returns The ports among `args` (top level), to transfer with them. */
export function transferablesIn(args: readonly unknown[]): Transferable[] {
  const found: Transferable[] = [];
  if (typeof MessagePort !== "function") return found;
  for (const arg of args) {
    if (arg instanceof MessagePort) found.push(arg);
    else if ((arg as { kind?: unknown } | null)?.kind === CHANNEL_END_KIND) {
      const port = (arg as { port?: unknown }).port;
      if (port instanceof MessagePort) found.push(port);
    }
  }
  return found;
}
