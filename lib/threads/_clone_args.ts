/**
 * A job's arguments on their way to a worker: copied when the job is
 * submitted (as if sent then, even when it waits in the queue), and, when they
 * cannot be sent, an error that names the argument at fault.
 *
 * Structured clone refuses functions and symbols, and ports it is not told to
 * transfer; it copies class instances as plain objects, without complaint.
 * Only top-level ports and channel ends are transferred (`_transfer.ts`), so a
 * nested one is the usual mistake and gets its own hint.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { transferablesIn } from "./_transfer.ts";
import type { WorkerFunction } from "./worker_function.ts";

/**
 * @returns A copy of `args` that owns their transferred ports (`args` no
 *   longer does), and the ports to transfer with that copy.
 * @throws {TypeError} When an argument cannot be sent.
 */
export function cloneArgs(fn: WorkerFunction, args: unknown[]): { args: unknown[]; transfer: Transferable[] } {
  let copy: unknown[];
  try {
    copy = structuredClone(args, { transfer: transferablesIn(args) });
  } catch (error) {
    throw cloneError(fn, args, error);
  }
  // A port can only be transferred, never copied: the copy's ports must be listed again when it is posted.
  return { args: copy, transfer: transferablesIn(copy) };
}

/** @returns Why `args` cannot be sent, naming the first argument that cannot. */
export function cloneError(fn: WorkerFunction, args: readonly unknown[], error: unknown): TypeError {
  const detail = error instanceof Error ? error.message : String(error);
  const at = faultyArgument(args);
  const which = at === -1 ? "they" : `argument ${at}, ${describeValue(args[at])},`;
  const hint = /transfer/i.test(detail)
    ? "channel ends and MessagePorts must be top-level arguments, where they are transferred"
    : "it must be structured-cloneable: no functions or symbols; class instances arrive as plain objects";
  return new TypeError(
    `the arguments of ${fn.name}() cannot be sent to a worker: ${which} cannot (${hint}): ${detail}`,
    {
      cause: error,
    },
  );
}

/** @returns The index of the first argument that cannot be cloned on its own, or -1. */
function faultyArgument(args: readonly unknown[]): number {
  for (let i = 0; i < args.length; i++) {
    // Top-level ports and ends are transferred, not cloned; cloning them here would fail, or detach them.
    if (transferablesIn([args[i]]).length > 0) continue;
    try {
      structuredClone(args[i]);
    } catch {
      return i;
    }
  }
  return -1;
}
