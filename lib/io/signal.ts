/**
 * Signal names and numbers for `Process.sendSignal` and for `returncode`
 * (asyncio gives `-N` for a child killed by signal N). The numbers are
 * Linux's; HUP, INT, QUIT, KILL and TERM are the same on every POSIX
 * system, the others differ on macOS, where the name is what counts.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";

/**
 * Each name `Signal` spells out, with its Linux number. `Signal` lists the
 * names again rather than saying `keyof typeof NUMBERS`, as a public type may
 * not name a private one (deno doc --lint); `satisfies` holds the two lists equal.
 */
const NUMBERS = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGABRT: 6,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGCONT: 18,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGWINCH: 28,
} as const satisfies Record<Exclude<Signal, number>, number>;

/** A signal a child process can be sent: its name (`"SIGTERM"`) or Linux number (15). */
export type Signal =
  | "SIGHUP"
  | "SIGINT"
  | "SIGQUIT"
  | "SIGABRT"
  | "SIGKILL"
  | "SIGUSR1"
  | "SIGUSR2"
  | "SIGPIPE"
  | "SIGALRM"
  | "SIGTERM"
  | "SIGCONT"
  | "SIGSTOP"
  | "SIGTSTP"
  | "SIGWINCH"
  | number;

/** @internal The signal's name, or a RangeError/TypeError naming what was given. */
export function _signalName(signal: unknown, caller: string): string {
  if (typeof signal === "string") {
    if (Object.hasOwn(NUMBERS, signal)) return signal;
  } else if (typeof signal === "number") {
    for (const [name, number] of Object.entries(NUMBERS)) if (number === signal) return name;
  } else {
    throw new TypeError(`${caller} expects a signal name or number, got ${describeValue(signal)}`);
  }
  throw new RangeError(
    `${caller} expects a known signal (${Object.keys(NUMBERS).join(", ")} or their numbers), got ${
      describeValue(signal)
    }`,
  );
}

/** @internal The Linux number of a signal name the host reported; 0 when unknown. */
export function _signalNumber(name: string): number {
  return (NUMBERS as Readonly<Record<string, number>>)[name] ?? 0;
}
