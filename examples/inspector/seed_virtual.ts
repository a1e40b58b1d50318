/**
 * The seed's program (`../seed_demo.ts`) on a virtual clock, so the inspector
 * can step it: N tasks each run `task → mainStep → smallStep`, and
 * `smallStep` waits on a Future that "fake I/O" completes after 0–1 s. Here
 * the fake I/O is a loop timer with a seeded pseudo-random delay instead of a
 * host timer, so every run is the same run — iteration by iteration.
 *
 * @module
 */

import { type Coro, createTask, EventLoop, type Future, getRunningLoop, sleep } from "../../mod.ts";

/** A small seeded PRNG (mulberry32): the same seed, the same delays, on every run. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Builds the program on a new virtual loop and creates its main task; nothing
 * runs until someone steps the loop (the inspector, or `runUntilComplete`).
 *
 * @param tasks How many seed tasks to start.
 * @returns The loop and its main task.
 */
export function seedOnVirtualTime(tasks: number): { loop: EventLoop; main: Future<void> } {
  const loop = new EventLoop({ clock: "virtual" });
  const random = seededRandom(1);
  let finished = 0;

  /** Completes `fut` after a pseudo-random 0–1 s of virtual time, as I/O would. */
  function fakeIo(fut: Future<number>): void {
    const ms = Math.round(random() * 1000);
    getRunningLoop().callLater(ms, () => fut.setResult(ms));
  }

  function* smallStep(): Coro<number> {
    const fut = getRunningLoop().createFuture<number>();
    fakeIo(fut);
    return yield* fut;
  }

  function* mainStep(): Coro<number> {
    const small = yield* smallStep();
    return small * 100;
  }

  function* task(): Coro<void> {
    yield* mainStep();
    finished++;
  }

  function* progress(): Coro<void> {
    for (;;) yield* sleep(100);
  }

  function* main(): Coro<void> {
    const all = Array.from({ length: tasks }, (_, i) => createTask(task(), { name: `task-${i + 1}` }));
    const reporter = createTask(progress(), { name: "progress" });
    for (const t of all) yield* t;
    reporter.cancel();
  }

  return { loop, main: loop.createTask(main(), { name: "main" }) };
}
