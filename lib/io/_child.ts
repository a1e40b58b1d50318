/**
 * What a subprocess back end (`_deno_process.ts`, `_node_process.ts`) hands
 * the portable `Process`: the pid, the pipes as streams, a way to signal,
 * and one report of how the child exited.
 *
 * @module
 */

import type { StdioMode } from "./process.ts";
import type { StreamReader } from "./stream_reader.ts";
import type { StreamWriter } from "./stream_writer.ts";

/** @internal What to start. */
export interface _Spawn {
  command: string;
  args: readonly string[];
  cwd: string | undefined;
  env: Readonly<Record<string, string>> | undefined;
  stdin: StdioMode;
  stdout: StdioMode;
  stderr: StdioMode;
  limit: number | undefined;
}

/** @internal A started child. */
export interface _Child {
  pid: number;
  stdin: StreamWriter | null;
  stdout: StreamReader | null;
  stderr: StreamReader | null;
  /** Sends a signal by name; the caller checks that the child still runs. */
  kill(signal: string): void;
  /** Calls `fn` once with the exit code, or null and the name of the signal that ended the child. */
  onExit(fn: (code: number | null, signal: string | null) => void): void;
}

/** @internal A pipe error that only means the other end is gone: EPIPE, a reset. */
export function _isBrokenPipe(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  const name = (error as { name?: unknown })?.name;
  return code === "EPIPE" || code === "ECONNRESET" || name === "BrokenPipe" || name === "ConnectionResetError";
}
