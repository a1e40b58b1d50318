/**
 * The options a {@linkcode Task} takes, apart from the class so that
 * `task.ts` stays one concept: the task's state machine and its steps.
 *
 * @module
 */

import type { EventLoop } from "./event_loop.ts";

/** Options for a new {@linkcode Task}. */
export interface TaskOptions {
  /** The task's name (default `Task-N`). */
  name?: string;
  /**
   * Run the first step at once, inside `createTask`, when the loop is running
   * (asyncio 3.12's eager start): a coroutine that finishes without waiting is
   * done before `createTask` returns and is never scheduled. Default false.
   */
  eager?: boolean;
  /**
   * Cancel the task when this signal aborts (the reason becomes the cancel
   * message). The listener is removed when the task finishes, so a long-lived
   * signal does not collect one listener per task.
   */
  signal?: AbortSignal;
}

/** Options for the Task constructor. */
export interface TaskConstructorOptions extends TaskOptions {
  /** The loop to run on; default: the running loop. */
  loop?: EventLoop;
}
