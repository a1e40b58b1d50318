/**
 * The host-driven adapter: deadlines through `setTimeout`, "ready now"
 * through a macrotask primitive chosen per runtime (`setImmediate`,
 * `MessageChannel`, or `setTimeout(0)` as a last resort).
 *
 * At most one host callback is pending at a time, and only while the loop
 * has a reason to wake: a ready-now post or a deadline timer. With nothing
 * scheduled nothing is armed, so Node and Deno exit as plain code would.
 * Deadline timers are ref'd, like a plain `await` on a timer.
 *
 * A loop asleep on the host that a host callback wakes (an I/O completion, a
 * settled promise) resumes in a microtask right after that callback, as
 * plain `await` code continues, instead of a macrotask hop later: an I/O
 * round trip costs two wake-ups, and the hop was most of its cost (bench
 * scenario 9). At most {@linkcode MAX_MICROTASK_WAKES} such wakes in a row,
 * then one goes through a macrotask, so timers and other host work still get
 * their turn; ready work left over after a slice always waits a macrotask.
 *
 * Invariant: `#armed` says what, if anything, will call `#resume` next; a
 * post or timer that fires when it no longer matches `#armed` is ignored.
 *
 * @module
 */

import { type HostIdleAdapter, MAX_WAIT_MS } from "./adapter.ts";

/** A way to get one callback as a fresh macrotask. */
export interface MacrotaskPoster {
  /** Requests one call of the function given to the factory; calls may coalesce. */
  post(): void;
  /** Releases the host resource (a port, a pending immediate). */
  close(): void;
}

const NONE = 0, POSTED = 1, TIMER = 2, WAKE_ONLY = 3;
/** Wake-ups in a row a microtask may serve before one waits a macrotask. */
const MAX_MICROTASK_WAKES = 64;
type Armed = typeof NONE | typeof POSTED | typeof TIMER | typeof WAKE_ONLY;

/**
 * What the host adapters `MessageChannelIdle`, `SetImmediateIdle` and
 * `SetTimeoutIdle` are: deadlines via `setTimeout`, ready-now via a
 * macrotask primitive each of them picks. Exported as a type only, because
 * their members are its members; to wait on another host, make one of the
 * three or implement `HostIdleAdapter`.
 *
 * @example A wait with no deadline ends only when woken
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { type HostIdle, SetTimeoutIdle } from "yieldio";
 * const idle: HostIdle = new SetTimeoutIdle();
 * const resumed = await new Promise<string>((resolve) => {
 *   idle.schedule(null, () => resolve("woken")); // null: no timer is armed
 *   idle.wake();
 * });
 * assertEquals(resumed, "woken");
 * idle.close();
 * ```
 */
export class HostIdle implements HostIdleAdapter {
  /** A host adapter: for `run`, `runForever` and `runUntilComplete`. */
  readonly kind = "host";
  #poster: MacrotaskPoster;
  #postInFlight = false;
  #hopAfterTimer: () => boolean;
  #armed: Armed = NONE;
  #resume: (() => void) | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** Invariant: while `#armed === TIMER`, the `performance.now()` time the timer is for. */
  #deadline = 0;
  /** Wake-ups served by a microtask since the loop last resumed from a macrotask. */
  #microtaskWakes = 0;

  /**
   * @internal Made by the three subclasses only, each with its own poster.
   *
   * @param makePoster Builds the ready-now primitive around the callback it must call.
   * @param hopAfterTimer When it returns true, a fired deadline timer resumes
   *   through one ready-now post instead of directly, so the next timer is
   *   not armed from a timer task (browsers clamp chained timers to 4 ms).
   */
  constructor(makePoster: (onPost: () => void) => MacrotaskPoster, hopAfterTimer: () => boolean = never) {
    this.#poster = makePoster(this.#onPost);
    this.#hopAfterTimer = hopAfterTimer;
  }

  /**
   * Arranges one call of `resume`, replacing any earlier arrangement
   * (`HostIdleAdapter.schedule`): `timeoutMs <= 0` through a ready-now post,
   * a later deadline through `setTimeout`, `null` through {@linkcode wake} only.
   */
  schedule(timeoutMs: number | null, resume: () => void): void {
    this.#clearTimer();
    this.#resume = resume;
    if (timeoutMs === null) {
      this.#armed = WAKE_ONLY;
    } else if (timeoutMs <= 0) {
      this.#post();
    } else {
      this.#armed = TIMER;
      this.#deadline = now() + timeoutMs;
      this.#armTimer(timeoutMs);
    }
  }

  /**
   * Makes a pending timer or `null` wait fire now, through a microtask (so a
   * host callback's wake-up costs no macrotask hop); after
   * `MAX_MICROTASK_WAKES` (64) such wake-ups in a row the next one posts a
   * macrotask, so timers and other host work get their turn. A no-op when
   * nothing waits or a ready-now post is pending already.
   */
  wake(): void {
    if (this.#armed !== TIMER && this.#armed !== WAKE_ONLY) return;
    this.#clearTimer();
    if (this.#microtaskWakes === MAX_MICROTASK_WAKES) return this.#post();
    this.#microtaskWakes++;
    this.#armed = POSTED;
    queueMicrotask(this.#onWakeMicrotask);
  }

  /** Drops any arrangement and closes the ready-now primitive; idempotent. */
  close(): void {
    this.#clearTimer();
    this.#armed = NONE;
    this.#resume = null;
    this.#poster.close();
  }

  #post(): void {
    this.#armed = POSTED;
    if (this.#postInFlight) return; // one post in flight serves every request
    this.#postInFlight = true;
    this.#poster.post();
  }

  #armTimer(delay: number): void {
    // ceil: Node truncates fractional delays and would fire before the deadline.
    this.#timer = setTimeout(this.#onTimer, Math.ceil(Math.min(delay, MAX_WAIT_MS)));
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  #fire(): void {
    const resume = this.#resume;
    this.#armed = NONE;
    this.#resume = null;
    if (resume !== null) resume();
  }

  #onPost = (): void => {
    this.#postInFlight = false;
    if (this.#armed !== POSTED) return;
    this.#microtaskWakes = 0;
    this.#fire();
  };

  #onWakeMicrotask = (): void => {
    if (this.#armed === POSTED) this.#fire();
  };

  #onTimer = (): void => {
    this.#timer = undefined;
    if (this.#armed !== TIMER) return;
    // Node measures timers from a cached, truncated loop time and fires up to
    // 1 ms early; a long wait is cut into 24 h steps. Either way: wait the rest.
    const left = this.#deadline - now();
    if (left > 0) return this.#armTimer(left);
    this.#microtaskWakes = 0;
    if (this.#hopAfterTimer()) this.#post();
    else this.#fire();
  };
}

function never(): boolean {
  return false;
}

/** The host's clock, in the same milliseconds as `setTimeout` delays. */
function now(): number {
  return performance.now();
}
