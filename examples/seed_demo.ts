/**
 * The seed's final program, made real ("From Zero to Python AsyncIO Life").
 *
 * 1000 tasks each run `task → mainStep → smallStep`; `smallStep` waits on a
 * Future that "fake I/O" completes after a random 0–1 s. The fake I/O is a
 * host timer that hands its result to the loop with `callSoonThreadsafe` —
 * exactly how a real completion (a socket, a worker, a DOM event) reaches an
 * event loop. Because every task waits concurrently, the whole run takes
 * about 1 s of wall time while the tasks were blocked for about 500 s in sum.
 *
 * Run it: `deno task demo` (or `npm run demo`). Options: `--tasks=N`.
 * The same program runs live in a page: `examples/browser/`.
 *
 * @module
 */

import { type Coro, createTask, type Future, getRunningLoop, run, sleep } from "../mod.ts";

/** What one run of the demo measured. */
export interface DemoResult {
  tasks: number;
  /** Wall-clock time of the whole run, in ms. */
  elapsedMs: number;
  /** The time every task spent blocked on its fake I/O, summed, in ms. */
  blockedMs: number;
}

/** Options for {@linkcode seedDemo}. */
export interface DemoOptions {
  /** How many tasks to start (default 1000). */
  tasks?: number;
  /** Called about every 100 ms, and once at the end, with the tasks finished so far. */
  onProgress?: (finished: number, total: number, elapsedMs: number) => void;
}

/** Runs the demo and reports what it measured. */
export async function seedDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const total = options.tasks ?? 1000;
  const onProgress = options.onProgress ?? (() => {});
  let blockedMs = 0;
  let finished = 0;

  /** Completes `fut` from outside the loop after a random 0–1 s, as I/O would. */
  function fakeIo(fut: Future<number>): void {
    const loop = fut.getLoop();
    const ms = Math.random() * 1000;
    setTimeout(() => loop.callSoonThreadsafe(() => fut.setResult(ms)), ms);
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
    const start = performance.now();
    yield* mainStep();
    blockedMs += performance.now() - start;
    finished++;
  }

  function* main(): Coro<void> {
    const started = performance.now();
    const tasks = Array.from({ length: total }, () => createTask(task()));
    const reporter = createTask(progress(started));
    for (const t of tasks) yield* t;
    reporter.cancel();
    onProgress(finished, total, performance.now() - started);
  }

  function* progress(started: number): Coro<void> {
    for (;;) {
      yield* sleep(100);
      onProgress(finished, total, performance.now() - started);
    }
  }

  const started = performance.now();
  await run(main);
  return { tasks: total, elapsedMs: performance.now() - started, blockedMs };
}

if (import.meta.main) {
  const arg = (globalThis as { Deno?: { args: string[] } }).Deno?.args.find((a) => a.startsWith("--tasks="));
  const tasks = arg === undefined ? 1000 : Number(arg.slice("--tasks=".length));
  if (!Number.isInteger(tasks) || tasks < 1) throw new RangeError(`--tasks expects a positive integer, got ${arg}`);
  console.log(`Starting ${tasks} tasks; each waits 0-1 s on fake I/O...`);
  const result = await seedDemo({
    tasks,
    onProgress: (finished, total, ms) => {
      const bar = "#".repeat(Math.round((finished / total) * 30)).padEnd(30, ".");
      console.log(
        `  [${bar}] ${String(finished).padStart(String(total).length)}/${total} done at ${(ms / 1000).toFixed(2)} s`,
      );
    },
  });
  console.log(
    `${result.tasks} tasks finished in ${(result.elapsedMs / 1000).toFixed(2)} s of wall time; ` +
      `they were blocked for ${(result.blockedMs / 1000).toFixed(1)} s in sum.`,
  );
}
