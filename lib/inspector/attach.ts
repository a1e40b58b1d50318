/**
 * The live inspector on a page: renders `inspect(loop)` into an element
 * every few hundred milliseconds. With `drive: true` it also runs a
 * virtual-clock loop itself, one iteration per Step or at a steady pace
 * while playing — the way to watch a program's tasks move, or to stop the
 * world at iteration N and look.
 *
 * Snapshots come from the core's `inspect()`: the inspector's own bundle
 * (`dist/inspector.js`) imports the core from `./yieldio.js` rather than
 * carrying a second copy of it, as the testing kit does.
 *
 * @module
 */

import { describeThrown, describeValue } from "../_describe.ts";
import { inspect, type InspectOptions, type LoopSnapshot } from "../observe/inspect.ts";
import type { EventLoop } from "../task/event_loop.ts";
import { actionOf, type InspectorClick, type InspectorElement, newSection } from "./dom.ts";
import { renderSnapshot } from "./render.ts";

/** The inspector shows steps and busy times: it turns step counting on for the loop it watches. */
export const COUNTING: InspectOptions = Object.freeze({ countSteps: true });

/** What the inspector watches: a loop. */
export type InspectableLoop = EventLoop;

/** Options for {@linkcode attachInspector}. */
export interface InspectorOptions {
  /** Where to render; default: a new `<section>` at the end of `document.body`. */
  element?: InspectorElement;
  /** Refresh period in ms (default 250); 0 refreshes only on `refresh()` and after each step. */
  intervalMs?: number;
  /**
   * Run the loop from the inspector, with Step and Play/Pause: for a
   * virtual-clock loop that nothing else runs. Default false (watch only).
   */
  drive?: boolean;
  /** With `drive`: start playing instead of paused. */
  playing?: boolean;
  /** With `drive`: iterations per second while playing (default 20). */
  stepsPerSecond?: number;
  /** The heading. */
  title?: string;
}

/** A live inspector: see {@linkcode attachInspector}. */
export interface Inspector {
  /** Where it renders. */
  readonly element: InspectorElement;
  /** Whether a driven loop is paused (always true without `drive`). */
  readonly paused: boolean;
  /** Renders a fresh snapshot now. */
  refresh(): void;
  /** Runs one iteration of a driven loop, then renders. */
  step(): void;
  /** Runs a driven loop at `stepsPerSecond` until paused or nothing is left. */
  play(): void;
  /** Stops playing. */
  pause(): void;
  /** Stops refreshing and driving, and removes the click listener (the last render stays). */
  close(): void;
}

/**
 * Shows a live inspector for `loop`: the task table (one row per task), the
 * await tree, timers and warnings, refreshed every `intervalMs`. With
 * `drive: true` on a virtual-clock loop, the inspector runs the loop itself:
 * Step runs one iteration, Play runs `stepsPerSecond` of them per second.
 *
 * @param loop The loop to show (an `EventLoop`).
 * @param options Element, refresh period, drive controls, title.
 * @returns The inspector; `close()` it when done.
 * @throws {TypeError} Without `element` where there is no `document`, or
 *   with `drive` for a loop not on virtual time.
 * @throws {RangeError} For a negative or non-finite `intervalMs` or `stepsPerSecond`.
 *
 * @example Stepping a virtual loop from the inspector
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { EventLoop, sleep } from "yieldio";
 * import { attachInspector } from "yieldio/inspector";
 * const loop = new EventLoop({ clock: "virtual" });
 * loop.createTask(sleep(100), { name: "napper" });
 * const element = { innerHTML: "", addEventListener() {}, removeEventListener() {} };
 * const inspector = attachInspector(loop, { element, drive: true, intervalMs: 0 });
 * inspector.step();
 * assertEquals(element.innerHTML.includes("napper — waiting on sleep until t=100"), true);
 * inspector.step(); // the clock jumps to 100 and the sleep fires
 * inspector.step(); // the task finishes
 * assertEquals(element.innerHTML.includes("(no pending task)"), true);
 * inspector.close();
 * loop.close();
 * ```
 */
export function attachInspector(loop: InspectableLoop, options: InspectorOptions = {}): Inspector {
  const element = options.element ?? newSection();
  if (element === null) {
    throw new TypeError("attachInspector needs options.element where there is no document (a worker, Deno, Node)");
  }
  const intervalMs = checkRate(options.intervalMs ?? 250, "intervalMs");
  const stepsPerSecond = checkRate(options.stepsPerSecond ?? 20, "stepsPerSecond");
  const drive = options.drive === true;
  if (drive && !inspect(loop).virtual) {
    throw new TypeError(`attachInspector can drive only a virtual-clock loop; got ${describeValue(loop)}`);
  }
  let paused = true;
  let note: string | undefined;
  let player: ReturnType<typeof setInterval> | undefined;

  /** Renders `snapshot`, or a fresh one: a step passes the one it already took. */
  const refresh = (snapshot = inspect(loop, COUNTING)): void => {
    element.innerHTML = renderSnapshot(snapshot, {
      title: options.title,
      controls: drive ? { paused } : undefined,
      note,
    });
  };
  const pause = (): void => {
    paused = true;
    if (player !== undefined) clearInterval(player);
    player = undefined;
    refresh();
  };
  /** Runs one iteration; returns the snapshot after it, or null when stepping should stop (see `note`). */
  const stepOnce = (): LoopSnapshot | null => {
    if (!drive) throw new TypeError("step() needs an inspector made with drive: true");
    if (loop.isClosed() || loop.isRunning()) {
      note = loop.isClosed() ? "the loop is closed" : "the loop is running elsewhere: watching only";
      return null;
    }
    try {
      loop.runOnce();
    } catch (error) {
      note = `runOnce() failed: ${describeThrown(error)}`;
      return null;
    }
    const snapshot = inspect(loop, COUNTING);
    const { tasks, ready, timerCount, refs } = snapshot;
    if (ready === 0 && timerCount === 0 && refs === 0) {
      // Stepping on would change nothing: say why the tasks still there can never run.
      note = tasks.length === 0
        ? "nothing left to run"
        : "deadlock: nothing is ready, no timer is armed and no host wake-up is expected (the tree shows who waits on what)";
      return null;
    }
    return snapshot;
  };
  const step = (): void => {
    const snapshot = stepOnce();
    if (snapshot === null) return pause();
    refresh(snapshot);
  };
  const play = (): void => {
    if (!drive) throw new TypeError("play() needs an inspector made with drive: true");
    if (!paused) return;
    paused = false;
    note = undefined;
    player = setInterval(step, 1000 / Math.max(stepsPerSecond, 0.001));
    refresh();
  };
  const onClick = (event: InspectorClick): void => {
    const action = actionOf(event);
    if (action === "step") step();
    else if (action === "play") play();
    else if (action === "pause") pause();
  };
  element.addEventListener("click", onClick);
  const refresher = intervalMs > 0 ? setInterval(refresh, intervalMs) : undefined;
  refresh();
  if (drive && options.playing === true) play();
  return {
    element,
    get paused() {
      return paused;
    },
    refresh,
    step,
    play,
    pause,
    close() {
      if (player !== undefined) clearInterval(player);
      if (refresher !== undefined) clearInterval(refresher);
      player = undefined;
      element.removeEventListener("click", onClick);
    },
  };
}

function checkRate(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`attachInspector expects ${name} as a finite number ≥ 0, got ${describeValue(value)}`);
  }
  return value;
}
