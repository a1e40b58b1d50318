/**
 * createSubprocessExec / createSubprocessShell and the Process they return
 * (asyncio's `create_subprocess_exec`, `create_subprocess_shell` and
 * `asyncio.subprocess.Process`), on `Deno.Command` or `node:child_process`.
 *
 * Cancelling `wait()` or `communicate()` leaves the child running, as in
 * asyncio: a cancel stops the waiting, not the process, so the common
 * `waitFor(proc.wait(), ms)` followed by `proc.kill()` keeps control of it.
 * A cancelled `communicate()` has read what it read; the rest stays in the
 * pipes. A child is an open resource of its loop until it exits, so the
 * testing kit's sanitizer names one left running.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { gather } from "../combinators/gather.ts";
import type { EventLoop } from "../task/event_loop.ts";
import type { Future } from "../task/future.ts";
import { getRunningLoop } from "../task/running_loop.ts";
import type { Coro } from "../task/yield_protocol.ts";
import { _denoSpawn } from "./_deno_process.ts";
import { type _Child, _isBrokenPipe } from "./_child.ts";
import { _hostFuture, _settle } from "./_host_future.ts";
import { _nodeSpawn } from "./_node_process.ts";
import { _track, _untrack } from "./_resources.ts";
import { _signalName, _signalNumber, type Signal } from "./signal.ts";
import { _requireSockets } from "./open_connection.ts";
import type { StreamReader } from "./stream_reader.ts";
import type { StreamWriter } from "./stream_writer.ts";

/** How each standard stream of a child is connected. */
export type StdioMode = "pipe" | "inherit" | "null";

/** Options for {@linkcode createSubprocessExec}. */
export interface SubprocessOptions {
  /** The child's stdin: `"pipe"` (a StreamWriter), `"inherit"` (this process's) or `"null"`. Default `"inherit"`. */
  stdin?: StdioMode;
  /** The child's stdout: `"pipe"` (a StreamReader), `"inherit"` or `"null"`. Default `"inherit"`. */
  stdout?: StdioMode;
  /** The child's stderr, likewise. Default `"inherit"`. */
  stderr?: StdioMode;
  /** The working directory. Default: this process's. */
  cwd?: string;
  /** The whole environment of the child (it replaces this process's). Default: this process's. */
  env?: Readonly<Record<string, string>>;
  /** The pipes' reader limit in bytes (default 64 KiB). */
  limit?: number;
}

/**
 * A running (or finished) child process. Made by
 * {@linkcode createSubprocessExec} and {@linkcode createSubprocessShell}.
 *
 * @example A timeout around wait() leaves the child running, to be killed
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { run, TimeoutError, waitFor } from "yieldio";
 * import { createSubprocessShell } from "yieldio/io";
 * const codes = await run(function* () {
 *   const proc = yield* createSubprocessShell("sleep 10");
 *   try {
 *     yield* waitFor(proc.wait(), 50);
 *   } catch (e) {
 *     if (!(e instanceof TimeoutError)) throw e;
 *   }
 *   const running = proc.returncode;
 *   proc.kill();
 *   return [running, yield* proc.wait()];
 * });
 * assertEquals(codes, [null, -9]);
 * ```
 */
export class Process {
  /** The process id. */
  readonly pid: number;
  /** A writer to the child's stdin when it was `"pipe"`, else null. */
  readonly stdin: StreamWriter | null;
  /** A reader of the child's stdout when it was `"pipe"`, else null. */
  readonly stdout: StreamReader | null;
  /** A reader of the child's stderr when it was `"pipe"`, else null. */
  readonly stderr: StreamReader | null;
  #child: _Child;
  #loop: EventLoop;
  #command: string;
  // Invariant: null exactly until the child exited; then its exit code, or -N for signal N (asyncio).
  #returncode: number | null = null;
  #waiters: Future<void>[] = [];

  /** @internal Processes are made by `createSubprocessExec`. */
  constructor(loop: EventLoop, child: _Child, command: string) {
    this.#loop = loop;
    this.#child = child;
    this.#command = command;
    this.pid = child.pid;
    this.stdin = child.stdin;
    this.stdout = child.stdout;
    this.stderr = child.stderr;
    _track(loop, this);
    child.onExit((code, signal) => {
      this.#returncode = code ?? -_signalNumber(signal ?? "");
      _untrack(loop, this);
      for (const waiter of this.#waiters.splice(0)) _settle(waiter, undefined);
    });
  }

  /** The exit code once the child exited (`-N` when signal N ended it), else null. */
  get returncode(): number | null {
    return this.#returncode;
  }

  /**
   * Waits for the child to exit. Cancelling the wait leaves the child running.
   *
   * @returns A coroutine of the return code.
   */
  *wait(): Coro<number> {
    while (this.#returncode === null) {
      const waiter = _hostFuture<void>(this.#loop);
      this.#waiters.push(waiter);
      try {
        yield* waiter;
      } finally {
        const at = this.#waiters.indexOf(waiter);
        if (at !== -1) this.#waiters.splice(at, 1);
      }
    }
    return this.#returncode;
  }

  /**
   * Sends `input` (if any) to stdin and closes it, reads stdout and stderr to
   * EOF, and waits for the child to exit. A child that exits without reading
   * all its input is not an error (asyncio ignores the broken pipe).
   * Cancelling it leaves the child running.
   *
   * @param input Bytes or a string (UTF-8) for stdin, which must be `"pipe"`.
   * @returns A coroutine of `[stdout, stderr]`: each the bytes read, or null when that stream was not `"pipe"`.
   * @throws {TypeError} When `input` is given but stdin is not a pipe, or `input` is neither bytes nor a string.
   */
  *communicate(input?: Uint8Array | string): Coro<[Uint8Array | null, Uint8Array | null]> {
    if (input !== undefined && this.stdin === null) {
      throw new TypeError('communicate(input) needs stdin: "pipe"; this process\'s stdin is not a pipe');
    }
    if (input !== undefined && typeof input !== "string" && !(input instanceof Uint8Array)) {
      throw new TypeError(`communicate expects bytes or a string as input, got ${describeValue(input)}`);
    }
    const [, out, err] = yield* gather([feed(this.stdin, input), readAll(this.stdout), readAll(this.stderr)]);
    yield* this.wait();
    return [out, err];
  }

  /**
   * Sends a signal to the child; does nothing once it exited (its pid may
   * already belong to another process).
   *
   * @param signal A name such as `"SIGTERM"`, or its number.
   * @throws {RangeError} When the signal is unknown.
   * @throws {TypeError} When it is neither a string nor a number.
   */
  sendSignal(signal: Signal): void {
    const name = _signalName(signal, "sendSignal");
    if (this.#returncode === null) this.#child.kill(name);
  }

  /** Sends SIGTERM (asyncio's `terminate`). */
  terminate(): void {
    this.sendSignal("SIGTERM");
  }

  /** Sends SIGKILL (asyncio's `kill`). */
  kill(): void {
    this.sendSignal("SIGKILL");
  }

  /** @internal Kills the child: what closing it as a leftover resource means. */
  close(): void {
    this.kill();
  }

  /**
   * Describes the process for messages and `console.log`.
   * @returns e.g. `<Process 1234 "sleep" running>` or `<Process 1234 "sleep" returncode=-9>`.
   */
  toString(): string {
    const state = this.#returncode === null ? "running" : `returncode=${this.#returncode}`;
    return `<Process ${this.pid} ${JSON.stringify(this.#command)} ${state}>`;
  }
}

function* feed(stdin: StreamWriter | null, input: Uint8Array | string | undefined): Coro<void> {
  if (stdin === null) return;
  try {
    if (input !== undefined) {
      stdin.write(input);
      yield* stdin.drain();
    }
    stdin.close();
    yield* stdin.waitClosed();
  } catch (error) {
    if (!_isBrokenPipe(error)) throw error;
    stdin.abort();
  }
}

function* readAll(reader: StreamReader | null): Coro<Uint8Array | null> {
  return reader === null ? null : yield* reader.read();
}

function checkMode(value: unknown, name: string): StdioMode {
  if (value === undefined) return "inherit";
  if (value === "pipe" || value === "inherit" || value === "null") return value;
  throw new TypeError(`${name} must be "pipe", "inherit" or "null", got ${describeValue(value)}`);
}

/**
 * Starts `command` with `args`, no shell involved (asyncio's
 * `create_subprocess_exec`).
 *
 * @param command The program: a name looked up on the `PATH`, or a path.
 * @param args Its arguments.
 * @param options How stdin, stdout and stderr are connected; `cwd`; `env`.
 * @returns A coroutine of the started {@linkcode Process}.
 * @throws {CommandNotFoundError} When the program does not exist (or `cwd` does not).
 * @throws {TypeError} When an argument has the wrong type, or in a browser (no processes).
 *
 * @example Capturing a child's output
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { run } from "yieldio";
 * import { createSubprocessExec } from "yieldio/io";
 * const [out, code] = await run(function* () {
 *   const proc = yield* createSubprocessExec("echo", ["hello"], { stdout: "pipe" });
 *   const [stdout] = yield* proc.communicate();
 *   return [new TextDecoder().decode(stdout!), proc.returncode];
 * });
 * assertEquals([out, code], ["hello\n", 0]);
 * ```
 */
export function* createSubprocessExec(
  command: string,
  args: readonly string[] = [],
  options?: SubprocessOptions,
): Coro<Process> {
  if (typeof command !== "string" || command === "") {
    throw new TypeError(`createSubprocessExec expects a command name or path, got ${describeValue(command)}`);
  }
  if (!Array.isArray(args) || args.some((arg) => typeof arg !== "string")) {
    throw new TypeError(`createSubprocessExec expects an array of string arguments, got ${describeValue(args)}`);
  }
  const spec = {
    command,
    args,
    cwd: options?.cwd,
    env: options?.env,
    stdin: checkMode(options?.stdin, "stdin"),
    stdout: checkMode(options?.stdout, "stdout"),
    stderr: checkMode(options?.stderr, "stderr"),
    limit: options?.limit,
  };
  const host = _requireSockets("createSubprocessExec", "child processes");
  const loop = getRunningLoop();
  const child = host === "deno" ? _denoSpawn(spec) : yield* _nodeSpawn(loop, spec);
  return new Process(loop, child, command);
}

/**
 * Runs `command` through `/bin/sh -c` (asyncio's `create_subprocess_shell`).
 * Quote what you interpolate: the shell interprets the whole string.
 *
 * @param command A shell command line.
 * @param options As for {@linkcode createSubprocessExec}.
 * @returns A coroutine of the started {@linkcode Process}.
 * @throws {TypeError} When `command` is not a non-empty string, or in a browser.
 *
 * @example The shell's exit code
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { run } from "yieldio";
 * import { createSubprocessShell } from "yieldio/io";
 * const [out, code] = await run(function* () {
 *   const proc = yield* createSubprocessShell("echo one two | wc -w; exit 3", { stdout: "pipe" });
 *   const [stdout] = yield* proc.communicate();
 *   return [new TextDecoder().decode(stdout!).trim(), proc.returncode];
 * });
 * assertEquals([out, code], ["2", 3]);
 * ```
 */
export function* createSubprocessShell(command: string, options?: SubprocessOptions): Coro<Process> {
  if (typeof command !== "string" || command === "") {
    throw new TypeError(`createSubprocessShell expects a command line, got ${describeValue(command)}`);
  }
  return yield* createSubprocessExec("/bin/sh", ["-c", command], options);
}
