/**
 * The errors of the I/O entry that callers catch: a short read, an overlong
 * line, a peer that refused or reset a connection, a command that does not
 * exist. They live here, not in lib/errors.ts, because only programs that
 * import `yieldio/io` can meet them. As everywhere in yieldio, each sets
 * `name` and takes `{ cause }` (the host's own error, when there is one).
 *
 * Writing after `close()` is a misuse, not a condition to catch, and raises
 * the core's `InvalidStateError`.
 *
 * @module
 */

/**
 * The stream ended before `readexactly(n)` or `readuntil(sep)` got what it
 * asked for (asyncio's `IncompleteReadError`). The bytes read are in
 * `partial`; they are no longer in the reader.
 *
 * @example EOF inside readexactly
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { IncompleteReadError } from "yieldio/io";
 * const err = new IncompleteReadError(new Uint8Array([1, 2]), 4);
 * assertEquals([err.name, err.partial.length, err.expected], ["IncompleteReadError", 2, 4]);
 * assertEquals(err.message, "2 bytes read on a total of 4 expected bytes");
 * ```
 */
export class IncompleteReadError extends Error {
  /** What was read before the end of the stream. */
  readonly partial: Uint8Array;
  /** How many bytes were asked for; null for `readuntil`, which asks for a separator. */
  readonly expected: number | null;
  /**
   * The error for a stream that ended with `partial` read of `expected` bytes (asyncio's `IncompleteReadError`).
   *
   * @param partial The bytes read before EOF.
   * @param expected The count asked for, or null (a separator was asked for).
   * @param options `cause`, as for `Error`.
   */
  constructor(partial: Uint8Array, expected: number | null, options?: ErrorOptions) {
    const total = expected === null ? "undefined" : String(expected);
    super(`${partial.length} bytes read on a total of ${total} expected bytes`, options);
    this.name = "IncompleteReadError";
    this.partial = partial;
    this.expected = expected;
  }
}

/**
 * `readuntil(sep)` or `readline()` met more than the reader's `limit` of
 * bytes without (or before) the separator (asyncio's `LimitOverrunError`).
 * `readuntil` leaves the data in the reader, so `consumed` bytes can still be
 * read with `read()`; `readline` discards the overlong line first.
 *
 * @example A line longer than the limit
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { LimitOverrunError } from "yieldio/io";
 * const err = new LimitOverrunError("Separator is not found, and chunk exceed the limit", 10);
 * assertEquals([err.name, err.consumed], ["LimitOverrunError", 10]);
 * ```
 */
export class LimitOverrunError extends Error {
  /** How many bytes to consume to get past the part that overran the limit. */
  readonly consumed: number;
  /**
   * The error for a separator not found within the reader's limit (asyncio's `LimitOverrunError`).
   *
   * @param message What overran.
   * @param consumed How many bytes lie before the separator (or were searched).
   * @param options `cause`, as for `Error`.
   */
  constructor(message: string, consumed: number, options?: ErrorOptions) {
    super(message, options);
    this.name = "LimitOverrunError";
    this.consumed = consumed;
  }
}

/**
 * A connection failed: refused, reset, or broken (Python's `ConnectionError`).
 * Catch this to handle every way a peer can go away.
 *
 * @example Every connection failure is a ConnectionError
 * ```ts
 * import { assert } from "@std/assert";
 * import { ConnectionError, ConnectionResetError } from "yieldio/io";
 * assert(new ConnectionResetError("peer went away") instanceof ConnectionError);
 * ```
 */
export class ConnectionError extends Error {
  /**
   * The error for a connection that failed (Python's `ConnectionError`).
   *
   * @param message What failed.
   * @param options `cause`: the host's error.
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ConnectionError";
  }
}

/**
 * Nothing listens where `openConnection` tried to connect (Python's
 * `ConnectionRefusedError`). Names the address it tried.
 *
 * @example The error names host and port
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { ConnectionRefusedError } from "yieldio/io";
 * const err = new ConnectionRefusedError("127.0.0.1", 9);
 * assertEquals(err.message, "connection to 127.0.0.1:9 was refused: nothing listens there");
 * assertEquals([err.host, err.port], ["127.0.0.1", 9]);
 * ```
 */
export class ConnectionRefusedError extends ConnectionError {
  /** The host connected to (for a Unix socket: its path). */
  readonly host: string;
  /** The port connected to; null for a Unix socket. */
  readonly port: number | null;
  /**
   * The error for a refused connection to `host` and `port`; the message names them.
   *
   * @param host The host (or socket path).
   * @param port The port, or null for a Unix socket.
   * @param options `cause`: the host's error.
   */
  constructor(host: string, port: number | null, options?: ErrorOptions) {
    const where = port === null ? host : `${host}:${port}`;
    super(`connection to ${where} was refused: nothing listens there`, options);
    this.name = "ConnectionRefusedError";
    this.host = host;
    this.port = port;
  }
}

/**
 * The peer reset the connection or closed it while data was still being
 * written (Python's `ConnectionResetError`, which also stands for
 * `BrokenPipeError` here): the bytes not yet sent are lost.
 *
 * @example Raised by write() or drain() after the peer went away
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { ConnectionResetError } from "yieldio/io";
 * assertEquals(new ConnectionResetError("reset").name, "ConnectionResetError");
 * ```
 */
export class ConnectionResetError extends ConnectionError {
  /**
   * The error for a connection the peer reset or closed (Python's `ConnectionResetError`).
   *
   * @param message Which connection, and what the host said.
   * @param options `cause`: the host's error.
   */
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ConnectionResetError";
  }
}

/**
 * `createSubprocessExec` could not start the command: no such program on
 * the `PATH` or at that path (Python raises `FileNotFoundError`).
 *
 * @example The error names the command
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { CommandNotFoundError } from "yieldio/io";
 * const err = new CommandNotFoundError("no-such-tool");
 * assertEquals(err.command, "no-such-tool");
 * assertEquals(err.message, 'command "no-such-tool" was not found (not on the PATH, or no such file)');
 * ```
 */
export class CommandNotFoundError extends Error {
  /** The command as given. */
  readonly command: string;
  /**
   * The error for a `command` that could not be found; the message names it.
   *
   * @param command The command that could not be found.
   * @param options `cause`: the host's error.
   */
  constructor(command: string, options?: ErrorOptions) {
    super(`command ${JSON.stringify(command)} was not found (not on the PATH, or no such file)`, options);
    this.name = "CommandNotFoundError";
    this.command = command;
  }
}
