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
 * `--threads` does the fake I/O for real in worker threads (`toThread`):
 * each "read" blocks a pool worker for its random time (`Atomics.wait`, or a
 * busy wait where memory cannot be shared). A blocked worker serves no other
 * read, so the run takes about 1000 × 0.5 s ÷ workers: `--workers=N` (default
 * 64; blocked threads use no CPU, so more workers than cores is fine).
 *
 * @module
 */

import { type Coro, createTask, type EventLoop, type Future, getRunningLoop, run, sleep } from "../mod.ts";
import { setDefaultWorkerPool, toThread, workerFunction, WorkerPool } from "../lib/threads/mod.ts";

/**
 * The worker's "read": blocks its thread for `ms`. A data: URL, so the demo
 * needs no file permission and no second file (a real program would point
 * `workerFunction` at its own module: `new URL("./io.ts", import.meta.url)`).
 */
const READ_MODULE = "data:text/javascript," + encodeURIComponent(`
export function read(ms) {
  if (typeof SharedArrayBuffer === "function") Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  else for (const end = performance.now() + ms; performance.now() < end;);
  return ms;
}`);
const read = workerFunction<(ms: number) => number>(READ_MODULE, "read");

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
  /** Called with the loop as the program starts (the inspector example attaches to it). */
  onStart?: (loop: EventLoop) => void;
  /** Do each read in a worker thread that it blocks, with this many workers (default: host timers, no threads). */
  workers?: number;
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
    if (options.workers !== undefined) return yield* toThread(read, Math.random() * 1000);
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
    options.onStart?.(getRunningLoop());
    const started = performance.now();
    if (options.workers !== undefined) setDefaultWorkerPool(new WorkerPool({ size: options.workers }));
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
  const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ?? [];
  const arg = args.find((a) => a.startsWith("--tasks="));
  const tasks = arg === undefined ? 1000 : Number(arg.slice("--tasks=".length));
  if (!Number.isInteger(tasks) || tasks < 1) throw new RangeError(`--tasks expects a positive integer, got ${arg}`);
  const workersArg = args.find((a) => a.startsWith("--workers="));
  const workers = args.includes("--threads") || workersArg !== undefined
    ? workersArg === undefined ? 64 : Number(workersArg.slice("--workers=".length))
    : undefined;
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1)) {
    throw new RangeError(`--workers expects a positive integer, got ${workersArg}`);
  }
  if (workers === undefined) console.log(`Starting ${tasks} tasks; each waits 0-1 s on fake I/O...`);
  else {
    console.log(
      `Starting ${tasks} tasks; each blocks one of ${workers} worker threads for 0-1 s. A blocked worker serves ` +
        `no other read, so expect about ${(tasks * 0.5 / workers).toFixed(1)} s, not 1 s ` +
        `(blocked threads use no CPU: more workers, shorter run)...`,
    );
  }
  const result = await seedDemo({
    tasks,
    workers,
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
