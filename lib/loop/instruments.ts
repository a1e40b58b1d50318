/**
 * Instruments: objects that watch a loop work (Trio's `trio.abc.Instrument`).
 *
 * Each hook is optional; the registry keeps, per hook, the list of
 * instruments that implement it, so calling a hook nobody implements costs
 * nothing, and a loop with no instrument at all keeps `_instruments === null`
 * — the hot path pays one null check per step.
 *
 * An instrument whose hook throws is removed, as in Trio, and the error is
 * reported once through the loop's exception handler. Lists are replaced,
 * never mutated, so adding or removing an instrument inside a hook is safe:
 * the call in progress finishes over the list it started with.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";

/**
 * What an instrument may implement. `T` is the loop's task type (the task
 * layer fills it in); the loop core never looks inside a task.
 */
export interface Instrument<T = unknown> {
  /** A driver starts running the loop (`runForever`, `runForeverSync`, and what builds on them). */
  beforeRun?(): void;
  /** The driver returns. */
  afterRun?(): void;
  /** A task was created. */
  taskSpawned?(task: T): void;
  /** A task's next step was queued: it became runnable. */
  taskScheduled?(task: T): void;
  /** A task's coroutine is about to resume. */
  beforeTaskStep?(task: T): void;
  /** A task's coroutine yielded, returned or threw. */
  afterTaskStep?(task: T): void;
  /** A task finished (with a result, an exception, or cancelled). */
  taskExited?(task: T): void;
  /** Nothing is ready: the loop waits up to `timeoutMs` (null: until woken); a virtual clock jumps. */
  beforeIdleWait?(timeoutMs: number | null): void;
  /** The idle wait is over. */
  afterIdleWait?(timeoutMs: number | null): void;
}

/** The hooks an instrument can implement. */
export type InstrumentHook = keyof Instrument;

const HOOKS: readonly InstrumentHook[] = [
  "beforeRun",
  "afterRun",
  "taskSpawned",
  "taskScheduled",
  "beforeTaskStep",
  "afterTaskStep",
  "taskExited",
  "beforeIdleWait",
  "afterIdleWait",
];

type Listeners = { [H in InstrumentHook]: readonly Instrument[] };

/** @internal A loop's instruments, per hook. */
export class Instruments {
  #all: readonly Instrument[] = [];
  #by: Listeners = emptyListeners();
  #report: (message: string, exception: unknown) => void;

  /** @param report Where a failing hook is reported (once). */
  constructor(report: (message: string, exception: unknown) => void) {
    this.#report = report;
  }

  /** Whether no instrument is installed. */
  get empty(): boolean {
    return this.#all.length === 0;
  }

  /**
   * @throws {TypeError} When `instrument` implements none of the hooks.
   */
  add(instrument: Instrument): void {
    const hooks = typeof instrument === "object" && instrument !== null
      ? HOOKS.filter((hook) => typeof instrument[hook] === "function")
      : [];
    if (hooks.length === 0) {
      throw new TypeError(
        `addInstrument expects an object with at least one hook (${HOOKS.join(", ")}), got ${
          describeValue(instrument)
        }`,
      );
    }
    if (this.#all.includes(instrument)) return;
    this.#all = [...this.#all, instrument];
    for (const hook of hooks) this.#by = { ...this.#by, [hook]: [...this.#by[hook], instrument] };
  }

  /** @returns Whether `instrument` was installed. */
  remove(instrument: Instrument): boolean {
    if (!this.#all.includes(instrument)) return false;
    this.#all = this.#all.filter((i) => i !== instrument);
    const by = emptyListeners();
    for (const hook of HOOKS) by[hook] = this.#by[hook].filter((i) => i !== instrument);
    this.#by = by;
    return true;
  }

  /** Calls `hook(arg)` on every instrument that implements it. */
  call(hook: InstrumentHook, arg?: unknown): void {
    const listeners = this.#by[hook];
    for (let i = 0; i < listeners.length; i++) {
      const instrument = listeners[i];
      try {
        (instrument[hook] as (arg?: unknown) => void).call(instrument, arg);
      } catch (exception) {
        this.remove(instrument);
        this.#report(`instrument ${describeValue(instrument)} raised in ${hook}(); it was removed`, exception);
      }
    }
  }
}

function emptyListeners(): { -readonly [H in InstrumentHook]: readonly Instrument[] } {
  const by = {} as { -readonly [H in InstrumentHook]: readonly Instrument[] };
  for (const hook of HOOKS) by[hook] = [];
  return by;
}
