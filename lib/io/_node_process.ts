/**
 * The Node back end for subprocesses: `node:child_process`'s `spawn`,
 * imported on first use. Its pipes are Node streams, fed into StreamReaders
 * from `data` events (paused for flow control) and written with
 * `write(chunk, callback)`, as the Node socket back end does.
 *
 * @module
 */

import type { ChildProcess } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import type { EventLoop } from "../task/event_loop.ts";
import type { Coro } from "../task/yield_protocol.ts";
import { CommandNotFoundError, ConnectionResetError } from "./errors.ts";
import type { _Child, _Spawn } from "./_child.ts";
import { _nodeModule } from "./_host.ts";
import { _hostFuture, _settle } from "./_host_future.ts";
import { StreamReader } from "./stream_reader.ts";
import { StreamWriter } from "./stream_writer.ts";

const MODES = { pipe: "pipe", inherit: "inherit", null: "ignore" } as const;

function translate(error: unknown): unknown {
  const code = (error as { code?: string })?.code;
  return code === "EPIPE" || code === "ECONNRESET" || code === "ERR_STREAM_DESTROYED"
    ? new ConnectionResetError("the child process closed its end of the pipe", { cause: error })
    : error;
}

function reader(stream: Readable, limit: number | undefined): StreamReader {
  const out = new StreamReader({ limit });
  stream.pause();
  stream.on("data", (chunk: Uint8Array) => out._feedData(chunk));
  stream.on("end", () => out._feedEof());
  stream.on("error", (error) => out._setException(translate(error)));
  out._setSource({ pause: () => stream.pause(), resume: () => stream.resume(), cancel: () => stream.destroy() }, true);
  return out;
}

function writer(stream: Writable): StreamWriter {
  // A write to a pipe whose reader exited fails through the callback and an `error` event; the event must be handled.
  stream.on("error", () => {});
  return new StreamWriter({
    write(chunk, done) {
      stream.write(chunk, (error) => done(error ?? null));
    },
    close(done) {
      if (stream.destroyed) return done(null);
      stream.once("close", () => done(null));
      stream.end();
    },
    abort() {
      stream.destroy();
    },
    translate,
  }, { extraInfo: {} });
}

/** @internal Starts a child with Node; a missing command raises `CommandNotFoundError`. */
export function* _nodeSpawn(loop: EventLoop, spec: _Spawn): Coro<_Child> {
  const { spawn } = yield* _nodeModule("child_process");
  const child: ChildProcess = spawn(spec.command, [...spec.args], {
    cwd: spec.cwd,
    env: spec.env === undefined ? undefined : { ...spec.env },
    stdio: [MODES[spec.stdin], MODES[spec.stdout], MODES[spec.stderr]],
  });
  // Attached at once: when a child exits, Node drains (and discards) every pipe that has no listener yet.
  const stdin = child.stdin === null ? null : writer(child.stdin);
  const stdout = child.stdout === null ? null : reader(child.stdout, spec.limit);
  const stderr = child.stderr === null ? null : reader(child.stderr, spec.limit);
  let exit: [number | null, string | null] | null = null;
  let onExit: ((code: number | null, signal: string | null) => void) | null = null;
  child.once("exit", (code, signal) => {
    exit = [code, signal];
    onExit?.(code, signal);
  });
  const started = _hostFuture<unknown>(loop);
  child.once("spawn", () => _settle(started, null));
  child.once("error", (error) => _settle(started, error));
  let failure: unknown;
  try {
    failure = yield* started;
  } catch (error) {
    child.kill("SIGKILL"); // cancelled while starting: nobody will ever own this child
    throw error;
  }
  if (failure !== null) {
    const code = (failure as { code?: string }).code;
    if (code === "ENOENT") throw new CommandNotFoundError(spec.command, { cause: failure });
    throw failure;
  }
  return {
    pid: child.pid as number,
    stdin,
    stdout,
    stderr,
    kill(signal) {
      child.kill(signal as NodeJS.Signals);
    },
    onExit(fn) {
      if (exit !== null) fn(...exit);
      else onExit = fn;
    },
  };
}
