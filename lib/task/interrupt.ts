/**
 * Ctrl-C that runs `finally` (asyncio's `Runner`): while `run()` drives a
 * loop in Deno or Node, the first SIGINT cancels the main task, so every
 * `finally` runs, and the process then exits with 130 (128 + SIGINT, what a
 * shell reports for an interrupted program); a second SIGINT exits at once.
 *
 * The listener exists only while `run()` runs and is removed when it ends, so
 * the runtime's default (die on Ctrl-C) is back afterwards and a listener
 * never keeps a process alive. Browsers and workers have no signals: there
 * this is a no-op, feature-tested.
 *
 * @module
 */

/** What `run()` needs from the host. */
interface SignalHost {
  on(listener: () => void): void;
  off(listener: () => void): void;
  exit(code: number): void;
}

interface DenoSignals {
  addSignalListener(signal: "SIGINT", listener: () => void): void;
  removeSignalListener(signal: "SIGINT", listener: () => void): void;
  exit(code: number): never;
}

interface NodeProcess {
  versions?: { node?: string };
  on(event: "SIGINT", listener: () => void): unknown;
  off(event: "SIGINT", listener: () => void): unknown;
  exit(code: number): never;
}

/** The exit code of a program ended by Ctrl-C. */
export const INTERRUPTED_EXIT_CODE = 130;

/** @internal A watch on Ctrl-C for one `run()`; `interrupted` once the first SIGINT came. */
export interface InterruptWatch {
  readonly interrupted: boolean;
  /** Removes the listener (idempotent). */
  stop(): void;
}

/**
 * @internal Listens for SIGINT until `stop()`: the first calls `onFirst`,
 * the second exits the process with 130 at once. Null where the host has no
 * signals (browsers, workers).
 */
export function _watchInterrupt(onFirst: () => void): InterruptWatch | null {
  const host = signalHost();
  if (host === null) return null;
  let interrupted = false;
  let listening = true;
  const listener = (): void => {
    if (interrupted) return host.exit(INTERRUPTED_EXIT_CODE);
    interrupted = true;
    onFirst();
  };
  try {
    host.on(listener);
  } catch {
    return null; // e.g. Deno inside a worker, where signals are not available
  }
  return {
    get interrupted() {
      return interrupted;
    },
    stop() {
      if (listening) host.off(listener);
      listening = false;
    },
  };
}

/** @internal Ends the process with `code`, where there is a process. */
export function _exitProcess(code: number): void {
  signalHost()?.exit(code);
}

function signalHost(): SignalHost | null {
  const deno = (globalThis as { Deno?: Partial<DenoSignals> }).Deno;
  if (typeof deno?.addSignalListener === "function" && typeof deno.exit === "function") {
    const signals = deno as DenoSignals;
    return {
      on: (listener) => signals.addSignalListener("SIGINT", listener),
      off: (listener) => signals.removeSignalListener("SIGINT", listener),
      exit: (code) => signals.exit(code),
    };
  }
  const process = (globalThis as { process?: Partial<NodeProcess> }).process;
  if (typeof process?.versions?.node === "string" && typeof process.on === "function") {
    const node = process as NodeProcess;
    return {
      on: (listener) => node.on("SIGINT", listener),
      off: (listener) => node.off("SIGINT", listener),
      exit: (code) => node.exit(code),
    };
  }
  return null;
}
