/**
 * Signals, for the loops of one thread: `loop.addSignalHandler()` (asyncio's
 * `add_signal_handler`) and what `run()` does with SIGINT, SIGTERM and
 * SIGQUIT, over Deno's `addSignalListener` or Node's `process.on`, chosen by
 * feature test. Browsers and workers have no signals: there every handler is
 * refused and `run()` watches nothing.
 *
 * One host listener per signal per thread, bound on first use and kept until
 * {@linkcode LET_GO_MS} after the last subscriber leaves, serves every loop
 * and every `run()`: a program that calls `run()` thousands of times binds
 * SIGINT once per stretch of use, not once per call (binding and unbinding
 * SIGINT, SIGTERM and SIGQUIT cost a `run()` 60 µs, twelve times the rest
 * of it). A signal that arrives while nobody subscribes is raised again once
 * the listener is gone, so it does what it would have done without yieldio.
 *
 * A listener must never hold a process open. Node's never does; Deno's keeps
 * a pending top-level `await` from being reported as never resolved, so the
 * program hangs instead of exiting. So while the running loop goes back to
 * the host owing it nothing (no timer, no `ref()`, nothing ready: only an
 * event it was not told about could wake it), the listeners are let go, and
 * bound again when it wakes.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { unrefTimeout } from "../_unref_timeout.ts";
import { InvalidStateError } from "../errors.ts";
import type { HostReleaser } from "../loop/base_event_loop.ts";

/** The signals a handler may be added for: those a program can catch on Linux and macOS. */
export type SignalName =
  | "SIGHUP"
  | "SIGINT"
  | "SIGQUIT"
  | "SIGTERM"
  | "SIGUSR1"
  | "SIGUSR2"
  | "SIGWINCH"
  | "SIGCHLD"
  | "SIGCONT"
  | "SIGTSTP"
  | "SIGTTIN"
  | "SIGTTOU"
  | "SIGPIPE"
  | "SIGALRM"
  | "SIGVTALRM"
  | "SIGPROF"
  | "SIGIO"
  | "SIGURG"
  | "SIGXCPU"
  | "SIGXFSZ";

const CATCHABLE: ReadonlySet<string> = new Set<SignalName>([
  "SIGHUP",
  "SIGINT",
  "SIGQUIT",
  "SIGTERM",
  "SIGUSR1",
  "SIGUSR2",
  "SIGWINCH",
  "SIGCHLD",
  "SIGCONT",
  "SIGTSTP",
  "SIGTTIN",
  "SIGTTOU",
  "SIGPIPE",
  "SIGALRM",
  "SIGVTALRM",
  "SIGPROF",
  "SIGIO",
  "SIGURG",
  "SIGXCPU",
  "SIGXFSZ",
]);

/** POSIX numbers of the signals `run()` ends a process for (the same on Linux and macOS): exit code 128 + n. */
const NUMBERS: Readonly<Record<string, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGTERM: 15 };

/** The exit code of a process ended by `signal`, as a shell reports it: 128 + its number (130 for SIGINT). */
export function exitCodeFor(signal: SignalName): number {
  return 128 + (NUMBERS[signal] ?? 0);
}

/**
 * @returns `signal` as a {@linkcode SignalName}.
 * @throws {TypeError} When it is not a string.
 * @throws {RangeError} When it names no signal a program can catch (`SIGKILL` and `SIGSTOP` cannot be).
 */
export function checkSignal(signal: unknown, caller: string): SignalName {
  if (typeof signal !== "string") {
    throw new TypeError(`${caller} expects a signal name such as "SIGTERM", got ${describeValue(signal)}`);
  }
  if (!CATCHABLE.has(signal)) {
    const why = signal === "SIGKILL" || signal === "SIGSTOP" ? "can never be caught" : "is not a signal it handles";
    throw new RangeError(`${caller}: ${JSON.stringify(signal)} ${why}; use one of ${[...CATCHABLE].join(", ")}`);
  }
  return signal as SignalName;
}

/**
 * How long a listener with no subscriber stays bound (ms): past the next
 * `run()` of a program that calls it in a loop, and long enough that a
 * signal the host caught while it was bound reaches it (and is raised again)
 * rather than being dropped with it, even on a loaded machine (at 10 ms, a
 * SIGINT sent the moment `run()` returned was lost under the test suite's
 * load). Nothing waits for it: a bound listener holds no process open, and
 * the timer is unreferenced.
 */
export const LET_GO_MS = 1_000;

/** What the watcher needs from the host. */
interface SignalHost {
  on(signal: SignalName, listener: () => void): void;
  off(signal: SignalName, listener: () => void): void;
  /** Sends `signal` to this process, whose own listener for it is gone: the host's default, or other listeners'. */
  raise(signal: SignalName): void;
  exit(code: number): void;
}

interface DenoSignals {
  addSignalListener(signal: SignalName, listener: () => void): void;
  removeSignalListener(signal: SignalName, listener: () => void): void;
  kill(pid: number, signal: SignalName): void;
  pid: number;
  exit(code: number): never;
}

interface NodeProcess {
  versions?: { node?: string };
  on(event: SignalName, listener: () => void): unknown;
  off(event: SignalName, listener: () => void): unknown;
  listenerCount(event: SignalName): number;
  kill(pid: number, signal: SignalName): void;
  pid: number;
  exit(code: number): never;
}

/** `undefined` until probed; `null` where this thread has no signals. */
let host: SignalHost | null | undefined;

function signalHost(): SignalHost | null {
  if (host !== undefined) return host;
  const deno = (globalThis as { Deno?: Partial<DenoSignals> }).Deno;
  if (typeof deno?.addSignalListener === "function" && typeof deno.exit === "function") {
    const signals = deno as DenoSignals;
    return host = {
      on: (signal, listener) => signals.addSignalListener(signal, listener),
      off: (signal, listener) => signals.removeSignalListener(signal, listener),
      raise: (signal) => signals.kill(signals.pid, signal),
      exit: (code) => signals.exit(code),
    };
  }
  // Read only where Deno is not: Deno's `process` is a lazy getter that loads its Node layer (tens of ms).
  const process = (globalThis as { process?: Partial<NodeProcess> }).process;
  if (typeof process?.versions?.node === "string" && typeof process.on === "function") {
    const node = process as NodeProcess;
    return host = {
      on: (signal, listener) => node.on(signal, listener),
      off: (signal, listener) => node.off(signal, listener),
      // Node calls every listener: one still there has had this signal already.
      raise: (signal) => node.listenerCount(signal) === 0 && node.kill(node.pid, signal),
      exit: (code) => node.exit(code),
    };
  }
  return host = null;
}

/** One signal's host listener and who is subscribed to it. */
interface Binding {
  readonly signal: SignalName;
  /** Subscribers, in the order they came; each is called in the host's context. */
  readonly subscribers: Set<() => void>;
  readonly listener: () => void;
  /** Whether the host listener is bound now (it is let go while the running loop idles owing nothing). */
  bound: boolean;
}

const bindings = new Map<SignalName, Binding>();
/** Invariant: true while a loop that owes the host nothing asked the listeners to let go. */
let released = false;
/** Invariant: true while a timer is set to let go of the listeners nobody subscribes to. */
let sweepSet = false;

/** Lets go of every listener with no subscriber, {@linkcode LET_GO_MS} from now. */
function sweepSoon(): void {
  if (sweepSet) return;
  sweepSet = true;
  unrefTimeout(() => {
    sweepSet = false;
    _letGoIdleListeners();
  }, LET_GO_MS);
}

/** @internal Lets go now of every listener with no subscriber (what the timer does; tests call it). */
export function _letGoIdleListeners(): void {
  for (const binding of bindings.values()) {
    if (binding.subscribers.size === 0) drop(binding);
  }
}

/** Unbinds `binding` and forgets it: the next subscriber binds anew. */
function drop(binding: Binding): void {
  unbind(binding);
  bindings.delete(binding.signal);
}

/** Let go of the host listeners while a loop idles owing nothing, and take them back when it wakes. */
const releaser: HostReleaser = {
  release(): void {
    released = true;
    for (const binding of bindings.values()) unbind(binding);
  },
  resume(): void {
    released = false;
    for (const binding of bindings.values()) bind(binding);
  },
};

function bind(binding: Binding): void {
  if (binding.bound || released) return;
  (host as SignalHost).on(binding.signal, binding.listener);
  binding.bound = true;
}

function unbind(binding: Binding): void {
  if (!binding.bound) return;
  (host as SignalHost).off(binding.signal, binding.listener);
  binding.bound = false;
}

/** A subscription made by {@linkcode watchSignal}. */
export interface SignalWatch {
  /** Unsubscribes; idempotent. */
  stop(): void;
}

/**
 * Calls `listener` in the host's context each time `signal` arrives, until
 * stopped, while `loop` lets the listeners go whenever it idles owing the
 * host nothing. For `run()`, which must act even while a task hogs the
 * thread (a second Ctrl-C exits at once), and for `addSignalHandler`, which
 * hands each signal to its loop.
 *
 * @returns The subscription, or null where this thread has no signals (browsers, workers).
 */
export function watchSignal(
  loop: { _releaseWhileIdle(releaser: HostReleaser, add: boolean): void },
  signal: SignalName,
  listener: () => void,
): SignalWatch | null {
  const signals = signalHost();
  if (signals === null) return null;
  let binding = bindings.get(signal);
  if (binding === undefined) {
    const created: Binding = {
      signal,
      subscribers: new Set(),
      bound: false,
      listener: () => {
        if (created.subscribers.size > 0) {
          for (const subscriber of [...created.subscribers]) subscriber();
        } else {
          drop(created);
          signals.raise(signal);
        }
      },
    };
    try {
      signals.on(signal, created.listener); // a probe: Deno refuses signals inside a worker
    } catch {
      return null;
    }
    created.bound = true;
    if (released) unbind(created);
    bindings.set(signal, created);
    binding = created;
  }
  // A function of its own per subscription: the same listener may subscribe twice.
  const subscriber = (): void => listener();
  binding.subscribers.add(subscriber);
  loop._releaseWhileIdle(releaser, true);
  let active = true;
  const own = binding;
  return {
    stop(): void {
      if (!active) return;
      active = false;
      own.subscribers.delete(subscriber);
      loop._releaseWhileIdle(releaser, false);
      if (own.subscribers.size === 0) sweepSoon();
    },
  };
}

/** Ends the process with `code`, where there is a process. */
export function exitProcess(code: number): void {
  signalHost()?.exit(code);
}

/**
 * The refusal where this thread has no signals.
 * @returns The error `addSignalHandler` throws.
 */
export function noSignalsHere(signal: SignalName): InvalidStateError {
  return new InvalidStateError(
    `addSignalHandler(${JSON.stringify(signal)}): this thread has no signals ` +
      "(only Deno's and Node's main threads do; browsers and workers never receive one)",
  );
}
