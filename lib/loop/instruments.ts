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
import { ExceptionHandling } from "./exception_handling.ts";

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

/** The instrument API of a loop; the base of the loop core, above exception handling. */
export class InstrumentedLoop extends ExceptionHandling {
  /** @internal The installed instruments, or null when there are none (the hot path checks this). */
  _instruments: Instruments | null = null;
  /**
   * Installs an instrument: an object with any of the hooks of
   * {@linkcode Instrument} (Trio's instruments). An instrument whose hook
   * throws is removed and the error reported through the exception handler.
   *
   * @param instrument The hooks to call.
   * @throws {TypeError} When it implements none of the hooks.
   */
  addInstrument(instrument: Instrument<never>): void {
    const instruments = this._instruments ?? new Instruments((message, exception) => {
      this.callExceptionHandler({ message, exception });
      if (this._instruments?.empty) this._instruments = null;
    });
    instruments.add(instrument as Instrument);
    this._instruments = instruments;
  }

  /**
   * Removes an instrument; safe inside one of its hooks.
   *
   * @param instrument One given to {@linkcode addInstrument}.
   * @returns Whether it was installed.
   */
  removeInstrument(instrument: Instrument<never>): boolean {
    const instruments = this._instruments;
    if (instruments === null || !instruments.remove(instrument as Instrument)) return false;
    if (instruments.empty) this._instruments = null;
    return true;
  }

  /** @internal Calls a hook when instruments are installed. */
  _instrument(hook: InstrumentHook, arg?: unknown): void {
    this._instruments?.call(hook, arg);
  }
}
