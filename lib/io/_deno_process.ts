/**
 * The Deno back end for subprocesses: `Deno.Command(...).spawn()`, whose
 * pipes are Web Streams wrapped as the portable StreamReader/StreamWriter.
 * `env` replaces the whole environment (`clearEnv`), as in asyncio.
 *
 * @module
 */

import { CommandNotFoundError, ConnectionResetError } from "./errors.ts";
import type { _Child, _Spawn } from "./_child.ts";
import { StreamReader } from "./stream_reader.ts";
import { StreamWriter } from "./stream_writer.ts";
import { _pumpStream, _webSink } from "./web_streams.ts";

const MODES = { pipe: "piped", inherit: "inherit", null: "null" } as const;

function translate(error: unknown): unknown {
  if (error instanceof Deno.errors.BrokenPipe || error instanceof Deno.errors.ConnectionReset) {
    return new ConnectionResetError("the child process closed its end of the pipe", { cause: error });
  }
  return error;
}

function reader(stream: ReadableStream<Uint8Array>, limit: number | undefined): StreamReader {
  const out = new StreamReader({ limit });
  _pumpStream(stream, out, translate, () => {});
  return out;
}

/** @internal Starts a child with Deno; a missing command raises `CommandNotFoundError`. */
export function _denoSpawn(spec: _Spawn): _Child {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(spec.command, {
      args: [...spec.args],
      cwd: spec.cwd,
      env: spec.env === undefined ? undefined : { ...spec.env },
      clearEnv: spec.env !== undefined,
      stdin: MODES[spec.stdin],
      stdout: MODES[spec.stdout],
      stderr: MODES[spec.stderr],
    }).spawn();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new CommandNotFoundError(spec.command, { cause: error });
    throw error;
  }
  return {
    pid: child.pid,
    stdin: spec.stdin === "pipe" ? new StreamWriter(_webSink(child.stdin, translate), { extraInfo: {} }) : null,
    stdout: spec.stdout === "pipe" ? reader(child.stdout, spec.limit) : null,
    stderr: spec.stderr === "pipe" ? reader(child.stderr, spec.limit) : null,
    kill(signal) {
      child.kill(signal as Deno.Signal);
    },
    onExit(fn) {
      child.status.then((status) => fn(status.signal === null ? status.code : null, status.signal));
    },
  };
}
