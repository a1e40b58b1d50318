/**
 * The npm peers, loaded by specifier at run time.
 *
 * Why not `import { run } from "npm:effection@4.1.1"`: deno.json has
 * `"nodeModulesDir": "manual"` (the library ships with zero dependencies and
 * no node_modules entries for these), so a static npm import would make
 * `deno check bench/` fail. A specifier held in a variable is not part of the
 * module graph; `run.ts` starts these children with `--node-modules-dir=none`
 * so Deno fetches the pinned packages into its global cache instead. The
 * interfaces below declare just the API surface the peers use, copied from the
 * packages' own `.d.ts` files.
 *
 * @module
 */

/** Effection 4 (frontside.com/effection). */
export const EFFECTION_SPECIFIER = "npm:effection@4.1.1";
/** Effect 3: the newest 3.x on npm when this bench was written (`npm view effect versions`). */
export const EFFECT_SPECIFIER = "npm:effect@3.22.4";

/** Effection's `Operation<T>`: something to `yield*`. */
export interface Operation<T> {
  [Symbol.iterator](): Iterator<unknown, T, unknown>;
}

/** Effection's `Task<T>`: an operation and a promise. */
export interface EffectionTask<T> extends Operation<T>, Promise<T> {}

/** The part of Effection 4's API the seed peer uses. */
export interface Effection {
  run<T>(operation: () => Operation<T>): EffectionTask<T>;
  spawn<T>(operation: () => Operation<T>): Operation<EffectionTask<T>>;
  sleep(durationMs: number): Operation<void>;
  /** Runs the operations concurrently; their values in the order given (the async_tree peer). */
  all<T>(operations: readonly Operation<T>[]): Operation<T[]>;
}

/** An `Effect<A>`, opaque here but iterable: `yield*` on it inside `Effect.gen` gives the `A`. */
export interface Effect<A> {
  readonly [effectBrand]?: A;
  [Symbol.iterator](): Iterator<unknown, A, unknown>;
}
declare const effectBrand: unique symbol;

/** The part of Effect 3's `Effect` module the seed peer uses. */
export interface EffectModule {
  sleep(durationMs: number): Effect<void>;
  forEach<A>(
    items: Iterable<A>,
    f: (item: A) => Effect<void>,
    options: { concurrency: "unbounded"; discard: true },
  ): Effect<void>;
  gen<A>(body: () => Generator<unknown, A, unknown>): Effect<A>;
  fork<A>(effect: Effect<A>): Effect<EffectFiber<A>>;
  zipRight<A, B>(first: Effect<A>, second: Effect<B>): Effect<B>;
  sync<A>(f: () => A): Effect<A>;
  runPromise<A>(effect: Effect<A>): Promise<A>;
  /** Runs the effects, here all at once (the async_tree peer); their values in order. */
  all<A>(effects: Iterable<Effect<A>>, options: { concurrency: "unbounded" }): Effect<A[]>;
}

/** A running Effect fiber, opaque here. */
export interface EffectFiber<A> {
  readonly [fiberBrand]?: A;
}
declare const fiberBrand: unique symbol;

/** The part of Effect 3's `Fiber` module the queue side uses. */
export interface EffectFiberModule {
  join<A>(fiber: EffectFiber<A>): Effect<A>;
}

/** An Effect 3 `Queue<A>`, opaque here. */
export interface EffectQueue<A> {
  readonly [queueBrand]?: A;
}
declare const queueBrand: unique symbol;

/** The part of Effect 3's `Queue` module the queue side uses. */
export interface EffectQueueModule {
  bounded<A>(capacity: number): Effect<EffectQueue<A>>;
  offer<A>(queue: EffectQueue<A>, value: A): Effect<boolean>;
  take<A>(queue: EffectQueue<A>): Effect<A>;
}

/** @returns The module at `specifier`, typed as `T`. */
export async function importPeer<T>(specifier: string): Promise<T> {
  return await import(specifier) as T;
}
