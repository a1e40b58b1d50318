/**
 * A seeded, randomized stress test of the combinators on virtual time.
 *
 * Each seed builds a random forest of work: a few hundred root tasks, each a
 * random tree (depth ≤ 3) of nodes — sleeping leaves that sometimes fail
 * (also in their cleanup) or swallow a cancel, and nodes that run their
 * children through `timeout`, `waitFor`, `taskGroup`, `gather`, `shield`,
 * `wait` and `asCompleted`. A canceller task cancels random live tasks all
 * along. Thousands of tasks per seed. Each seed runs through `exploreSeeds`
 * with `shuffle: "all"`: the same seed chooses the program and the loop's
 * schedule, which permutes every ready batch, so the combinators are checked
 * in orders FIFO never produces — and a failing seed replays alone, the
 * same on every runtime (`YIELDIO_SEED=<seed>`; `YIELDIO_SEEDS=<n>` sweeps
 * more seeds than the default 8).
 *
 * Every node accounts for its children the way careful code would: whatever
 * a combinator leaves running is waited for, and the errors of all children
 * are re-raised together. The invariants, checked after the run:
 *
 * - no wake-up is lost: at every half-ms point (nothing is ready then) no
 *   task is parked on a done future — checked as it happens, before the
 *   canceller can cancel a stuck task and hide it — and a stall that is not
 *   of that kind runs into the virtual `TIME_LIMIT` (a `TimeLimitError`
 *   naming the seed and the task tree) instead of ticking time forever;
 * - no task is left pending when the roots are done;
 * - every node's `finally` ran exactly once (a node whose task was cancelled
 *   before its first step never started, and is not counted);
 * - every error thrown surfaced exactly once: in the roots' outcomes
 *   (through ExceptionGroups) — none lost, none duplicated, none reported
 *   to the exception handler as never retrieved (the kit's sanitizer fails
 *   the seed on any report, and on any task, timer or undriven coroutine
 *   left behind);
 * - no live timer is left in the loop's heap;
 * - the combinators' own contracts hold for every call (gather's error is a
 *   child's; wait's sets partition its input; ...).
 *
 * A failure names its seed.
 */

import { assertEquals } from "@std/assert";
import {
  ALL_COMPLETED,
  allTasks,
  asCompleted,
  CancelledError,
  type Coro,
  createTask,
  currentTask,
  ExceptionGroup,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  gather,
  getRunningLoop,
  shield,
  sleep,
  type Task,
  type TaskGroup,
  taskGroup,
  timeout,
  TimeoutError,
  wait,
  waitFor,
} from "../../mod.ts";
import { exploreSeeds, seedsToExplore } from "../../lib/testing/mod.ts";
import { watchForLostWakeUps } from "../testing/_lost_wake_ups.ts";
import { seededRandom } from "../loop/_support.ts";
import { timersLeft } from "./_helpers.ts";

/** Seeds per run: YIELDIO_SEEDS for a longer sweep, YIELDIO_SEED to replay one. */
const SEEDS = 8;
const ROOTS = 400;
const MAX_DEPTH = 3;
/**
 * Virtual ms a seed may run (healthy seeds end well before): past it the
 * canceller and the monitor would tick forever over a stall, so exploreSeeds'
 * `maxTime` ends the seed with a TimeLimitError instead.
 */
const TIME_LIMIT = 10_000;

/** An error thrown on purpose; its identity is what the accounting follows. */
class Boom extends Error {
  constructor(readonly id: number) {
    super(`boom ${id}`);
    this.name = "Boom";
  }
}

// deno-fmt-ignore
const KINDS = ["leaf", "leaf", "timeout", "waitFor", "group", "group", "gather", "shield", "wait", "asCompleted"] as const;
type Kind = typeof KINDS[number];

/** The random program for one seed, and what it observed. */
class Program {
  readonly random: () => number;
  /** Every task the program created (the canceller picks among them). */
  readonly tasks: Task<unknown>[] = [];
  readonly entered = new Map<number, number>();
  readonly exited = new Map<number, number>();
  readonly thrown = new Set<Boom>();
  readonly violations: string[] = [];
  readonly kinds = new Map<Kind, number>();
  /** Inner tasks of shields that were cancelled: a failure of theirs is reported once, straight away (asyncio 3.14). */
  readonly shieldsCancelled = new Set<Task<unknown>>();
  #nodes = 0;
  #booms = 0;
  cancels = 0;
  rootsDone = false;

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  int(n: number): number {
    return Math.floor(this.random() * n);
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  boom(): Boom {
    const boom = new Boom(++this.#booms);
    this.thrown.add(boom);
    return boom;
  }

  check(ok: boolean, what: string): void {
    if (!ok) this.violations.push(what);
  }

  spawn(depth: number): Task<number> {
    const task = createTask(this.node(depth), { eager: this.chance(0.1) });
    this.tasks.push(task as Task<unknown>);
    return task;
  }

  *root(): Coro<number> {
    yield* sleep(this.int(100));
    return yield* this.node(0);
  }

  *canceller(): Coro<void> {
    while (!this.rootsDone) {
      yield* sleep(this.int(3));
      const live = this.tasks.filter((task) => !task.done());
      if (live.length > 0 && live[this.int(live.length)].cancel()) this.cancels++;
    }
  }

  *node(depth: number): Coro<number> {
    const id = ++this.#nodes;
    const kind: Kind = depth >= MAX_DEPTH ? "leaf" : KINDS[this.int(KINDS.length)];
    this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1);
    this.entered.set(id, (this.entered.get(id) ?? 0) + 1);
    try {
      return yield* this.run(kind, depth);
    } finally {
      this.exited.set(id, (this.exited.get(id) ?? 0) + 1);
    }
  }

  run(kind: Kind, depth: number): Coro<number> {
    return kind === "leaf" ? this.leaf() : NODE_BODIES[kind].call(this, depth);
  }

  *leaf(): Coro<number> {
    const failsInCleanup = this.chance(0.04);
    try {
      yield* sleep(this.int(50));
    } catch (e) {
      if (e instanceof CancelledError && this.chance(0.05)) return 0; // refuses the cancel
      throw e;
    } finally {
      // deno-lint-ignore no-unsafe-finally -- a cleanup that fails, replacing whatever was propagating
      if (failsInCleanup) throw this.boom();
    }
    if (this.chance(0.1)) throw this.boom();
    return 1;
  }

  *withTimeout(depth: number): Coro<number> {
    try {
      return yield* timeout(this.int(60), () => this.node(depth + 1));
    } catch (e) {
      if (e instanceof TimeoutError && this.chance(0.5)) return 0;
      throw e;
    }
  }

  *withWaitFor(depth: number): Coro<number> {
    const ms = this.int(70) - 10;
    if (ms > 0 && this.chance(0.5)) {
      // A task only with time: waitFor(task, <= 0) leaves the task behind if
      // the caller is cancelled meanwhile (as asyncio does).
      const inner = this.spawn(depth + 1);
      let raised: unknown = null;
      try {
        yield* waitFor(inner, ms);
      } catch (e) {
        raised = e;
      }
      this.check(inner.done(), "waitFor returned before its inner task finished");
      // Read the task, not only what waitFor raised: a cancel that lands after the
      // task failed, before the caller resumed, replaces its error (asyncio's wake-up).
      return this.conclude([inner], raised);
    }
    try {
      return yield* waitFor(this.node(depth + 1), ms);
    } catch (e) {
      if (e instanceof TimeoutError && this.chance(0.5)) return 0;
      throw e;
    }
  }

  *group(depth: number): Coro<number> {
    return yield* taskGroup((tg) => this.groupBody(tg, depth));
  }

  *groupBody(tg: TaskGroup, depth: number): Coro<number> {
    const count = 1 + this.int(3);
    for (let i = 0; i < count; i++) {
      this.tasks.push(tg.createTask(this.node(depth + 1), { eager: this.chance(0.1) }) as Task<unknown>);
    }
    return this.chance(0.5) ? yield* this.node(depth + 1) : 0;
  }

  *gathered(depth: number): Coro<number> {
    const kids = this.kids(depth);
    const returnExceptions = this.chance(0.5);
    let outcome: { values: unknown[] } | { error: unknown };
    try {
      outcome = { values: yield* gather(kids, { returnExceptions }) };
    } catch (error) {
      outcome = { error };
    }
    const cancelled = yield* this.settle(kids);
    if ("values" in outcome) {
      kids.forEach((kid, i) => {
        const expected = kid.cancelled() ? "CancelledError" : kid.exception() ?? kid.result();
        const got = outcome.values[i] instanceof CancelledError ? "CancelledError" : outcome.values[i];
        this.check(got === expected, `gather put ${got} where child ${i} ended with ${expected}`);
      });
    } else if (!(outcome.error instanceof CancelledError)) {
      this.check(
        kids.some((kid) => !kid.cancelled() && kid.exception() === outcome.error),
        "gather raised no child's error",
      );
    }
    return this.conclude(kids, cancelled ?? ("error" in outcome ? outcome.error : null));
  }

  *shielded(depth: number): Coro<number> {
    const inner = this.spawn(depth + 1);
    let cancelled: unknown = null;
    for (;;) {
      const outer = shield(inner);
      try {
        const value = yield* outer;
        this.check(inner.done() && inner.result() === value, "shield returned before or unlike its inner task");
        break;
      } catch (e) {
        if (outer.cancelled()) this.shieldsCancelled.add(inner as Task<unknown>);
        if (e instanceof CancelledError && !inner.done()) cancelled = e; // shielded: wait again
        else break;
      }
    }
    return this.conclude([inner], cancelled ?? (inner.cancelled() ? new CancelledError() : null));
  }

  *waited(depth: number): Coro<number> {
    const kids = this.kids(depth);
    const returnWhen = ([FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED] as const)[this.int(3)];
    const limit = this.chance(0.5) ? this.int(60) : null;
    let cancelled: unknown = null;
    try {
      const { done, pending } = yield* wait(kids, { timeout: limit, returnWhen });
      this.check(done.size + pending.size === kids.length, "wait lost or duplicated a future");
      this.check([...done].every((kid) => kid.done()) && [...pending].every((kid) => !kid.done()), "wait mis-sorted");
      this.check(returnWhen !== ALL_COMPLETED || limit !== null || pending.size === 0, "ALL_COMPLETED left some");
      this.check(limit !== null || done.size > 0, "wait without a timeout returned with nothing done");
      for (const kid of pending) if (this.chance(0.5)) kid.cancel();
    } catch (e) {
      if (!(e instanceof CancelledError)) throw e;
      cancelled = e;
      for (const kid of kids) kid.cancel();
    }
    return this.conclude(kids, (yield* this.settle(kids)) ?? cancelled);
  }

  *completed(depth: number): Coro<number> {
    const kids = this.kids(depth);
    const limit = this.chance(0.5) ? this.int(60) : null;
    const seen = new Set<unknown>();
    let cancelled: unknown = null;
    for (const next of asCompleted(kids, { timeout: limit })) {
      try {
        seen.add(yield* next);
      } catch (e) {
        if (e instanceof TimeoutError) continue;
        if (!(e instanceof CancelledError)) {
          const owner = kids.some((kid) => kid.done() && !kid.cancelled() && kid.exception() === e);
          this.check(!seen.has(e) && owner, "asCompleted raised an error no child had, or twice");
          seen.add(e);
          continue;
        }
        cancelled = e; // ours, or a child's: stop consuming either way
        for (const kid of kids) kid.cancel();
        break;
      }
    }
    return this.conclude(kids, (yield* this.settle(kids)) ?? cancelled);
  }

  kids(depth: number): Task<number>[] {
    return Array.from({ length: 1 + this.int(3) }, () => this.spawn(depth + 1));
  }

  /**
   * Waits until every task is done, whatever happens: a cancel of this node
   * meanwhile is passed on to them and returned, to be re-raised after.
   */
  *settle(tasks: Task<number>[]): Coro<CancelledError | null> {
    let cancelled: CancelledError | null = null;
    for (;;) {
      const pending = tasks.filter((task) => !task.done());
      if (pending.length === 0) return cancelled;
      try {
        yield* wait(pending);
      } catch (e) {
        if (!(e instanceof CancelledError)) throw e;
        cancelled = e;
        for (const task of pending) task.cancel();
      }
    }
  }

  /** The node's outcome once its children are done: their errors (all of them), else a cancel, else a sum. */
  conclude(kids: Task<number>[], cancelled: unknown): number {
    const errors = kids.filter((kid) => !kid.cancelled() && kid.exception() !== null).map((kid) => kid.exception());
    if (errors.length > 0) throw new ExceptionGroup("children failed", errors);
    if (cancelled !== null) throw cancelled;
    return kids.reduce((sum, kid) => sum + (kid.cancelled() ? 0 : kid.result()), 0);
  }
}

/** What each kind of node (but a leaf) runs. */
const NODE_BODIES: Record<Exclude<Kind, "leaf">, (this: Program, depth: number) => Coro<number>> = {
  timeout: Program.prototype.withTimeout,
  waitFor: Program.prototype.withWaitFor,
  group: Program.prototype.group,
  gather: Program.prototype.gathered,
  shield: Program.prototype.shielded,
  wait: Program.prototype.waited,
  asCompleted: Program.prototype.completed,
};

/** Every Boom inside an outcome, following ExceptionGroups (not causes: a TimeoutError's is a CancelledError). */
function boomsIn(outcome: unknown, found: Boom[], unexpected: unknown[]): void {
  if (outcome instanceof Boom) found.push(outcome);
  else if (outcome instanceof ExceptionGroup) { for (const e of outcome.exceptions) boomsIn(e, found, unexpected); }
  else if (!(outcome instanceof CancelledError) && !(outcome instanceof TimeoutError) && typeof outcome !== "number") {
    unexpected.push(outcome);
  }
}

function sameMembers(a: Set<unknown>, b: Set<unknown>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

interface SeedStats {
  shieldReports: number;
  tasks: number;
  cancels: number;
  errors: number;
  kinds: Map<Kind, number>;
}

/**
 * One seed's program, run by exploreSeeds on a loop whose schedule (same
 * seed) shuffles every ready batch. Checks every invariant before returning;
 * the sanitizer adds that nothing reached the exception handler (no error
 * never retrieved, none thrown by a callback) and nothing was left behind.
 */
function* runSeed(seed: number, stats: SeedStats[]): Coro<void> {
  const program = new Program(seed);
  const outcomes: unknown[] = [];
  const loop = getRunningLoop();
  const sanitizer = loop.getExceptionHandler();
  const shieldReports: unknown[] = [];
  loop.setExceptionHandler((l, context) => {
    if (context.message.endsWith(" exception in shielded future")) shieldReports.push(context.future);
    else sanitizer?.(l, context);
  });
  const main = currentTask();
  const roots = Array.from({ length: ROOTS }, () => createTask(program.root()));
  program.tasks.push(...roots as Task<unknown>[]);
  const canceller = createTask(program.canceller());
  const lostWakeUps: string[] = [];
  const monitor = createTask(watchForLostWakeUps(() => !program.rootsDone, (what) => lostWakeUps.push(what)));
  for (const root of roots) {
    try {
      outcomes.push(yield* root);
    } catch (e) {
      outcomes.push(e);
    }
  }
  program.rootsDone = true;
  const pendingAfterRoots = [...allTasks()].filter((task) => ![main, canceller, monitor].includes(task)).map(String);
  const checks = yield* monitor;
  canceller.cancel();
  try {
    yield* canceller;
  } catch (e) {
    if (!(e instanceof CancelledError)) throw e;
  }
  const timers = yield* timersLeft();
  const found: Boom[] = [], unexpected: unknown[] = [];
  for (const outcome of outcomes) boomsIn(outcome, found, unexpected);
  const counts = new Map<Boom, number>();
  for (const boom of found) counts.set(boom, (counts.get(boom) ?? 0) + 1);
  const notOnce = [...program.thrown].filter((boom) => counts.get(boom) !== 1)
    .map((boom) => `${boom.message} surfaced ${counts.get(boom) ?? 0} times`);
  // A failure of a cancelled shield's inner task is reported once, whoever else also received it.
  const failedAfterShieldCancel = [...program.shieldsCancelled].filter((inner) =>
    !inner.cancelled() && inner.exception() !== null
  );
  const shieldReportsWrong = shieldReports.length !== new Set(shieldReports).size ||
    !sameMembers(new Set(shieldReports), new Set(failedAfterShieldCancel));
  const finallyNotOnce = [...program.entered].filter(([id, n]) => n !== 1 || program.exited.get(id) !== 1)
    .map(([id, n]) => `node ${id}: entered ${n}, finally ran ${program.exited.get(id) ?? 0} times`);
  assertEquals(
    {
      monitorRan: checks > 0,
      lostWakeUps,
      pendingAfterRoots,
      timersLeft: timers,
      finallyNotOnce,
      errorsNotSurfacedOnce: notOnce,
      unexpectedOutcomes: unexpected.map(String),
      contractViolations: program.violations,
      shieldReportsWrong,
    },
    {
      monitorRan: true,
      lostWakeUps: [],
      pendingAfterRoots: [],
      timersLeft: 0,
      finallyNotOnce: [],
      errorsNotSurfacedOnce: [],
      unexpectedOutcomes: [],
      contractViolations: [],
      shieldReportsWrong: false,
    },
    `stress seed ${seed}`,
  );
  stats.push({
    shieldReports: shieldReports.length,
    tasks: program.tasks.length,
    cancels: program.cancels,
    errors: program.thrown.size,
    kinds: program.kinds,
  });
}

Deno.test("stress: random trees of combinators under random cancels keep every invariant (shuffled schedules, virtual time)", async () => {
  const stats: SeedStats[] = [];
  const seeds = seedsToExplore(SEEDS);
  const { failures } = await exploreSeeds((seed) => runSeed(seed, stats), {
    seeds,
    shuffle: "all",
    maxTime: TIME_LIMIT,
  });
  // Each failure's message names its seed and how to replay it.
  assertEquals(failures.map(({ error }) => String(error)), [], "failing seeds (each replays alone)");
  const total = { tasks: 0, cancels: 0, errors: 0, shieldReports: 0 };
  const kinds = new Set<Kind>();
  for (const seed of stats) {
    total.tasks += seed.tasks;
    total.cancels += seed.cancels;
    total.errors += seed.errors;
    total.shieldReports += seed.shieldReports;
    for (const kind of seed.kinds.keys()) kinds.add(kind);
  }
  // The run is big enough to mean something, and every kind of node took part.
  const enough = total.tasks > 1500 * stats.length && total.cancels > 100 * stats.length &&
    total.errors > 100 * stats.length && total.shieldReports > stats.length;
  assertEquals(enough, true, `too small a run: ${JSON.stringify(total)}`);
  assertEquals([...kinds].sort(), [...new Set(KINDS)].sort());
});
