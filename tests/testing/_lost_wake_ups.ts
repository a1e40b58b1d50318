/**
 * The lost-wake-up monitor the stress tests share. A virtual clock jumps only
 * when nothing is ready, so at that moment every wake-up owed has been
 * delivered: a pending task still parked on a future that is already done was
 * never woken — a lost wake-up by definition, whichever primitive or
 * combinator lost it. Caught there, before a canceller happens to cancel the
 * stuck task and so hides it.
 *
 * The monitor looks at half-ms points (t = 0.5, 1.5, …): the stress programs
 * use whole-ms delays only, so nothing else runs in those iterations.
 */

import { allTasks, type Coro, Future, getRunningLoop, sleep } from "../../mod.ts";

/** @returns Each pending task parked on a done future, printed. Meaningful only while nothing is ready. */
export function parkedOnDoneFutures(): string[] {
  return [...allTasks()].filter((task) => {
    const waited = task._waitingOn();
    return waited instanceof Future && waited.done();
  }).map(String);
}

/**
 * Checks at every half-ms point while `running()` holds, passing each lost
 * wake-up found to `report`.
 *
 * @returns How many checks ran (a test asserts the monitor did run).
 */
export function* watchForLostWakeUps(running: () => boolean, report: (what: string) => void): Coro<number> {
  const loop = getRunningLoop();
  let checks = 0;
  yield* sleep(0.5);
  while (running()) {
    for (const task of parkedOnDoneFutures()) report(`lost wake-up at t=${loop.time()}: ${task}`);
    checks++;
    yield* sleep(1);
  }
  return checks;
}
