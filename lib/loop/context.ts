/**
 * Context variables (Python's `contextvars`, PEP 567): values that follow the
 * flow of a program across tasks and callbacks the way a thread-local follows
 * a thread. JavaScript has no stable equivalent (`AsyncContext` is a
 * proposal), but yieldio owns the loop and every step, so it can offer one
 * exactly:
 *
 * - a task runs each of its steps in its own context, a copy of the one
 *   current when it was created (or the one given to it);
 * - `callSoon`, `callLater`, `callAt` and `addDoneCallback` run their
 *   callback in a copy of the context current when they were scheduled;
 * - after every `yield*` a task sees its own values, whatever ran between.
 *
 * A context is a mutable holder of an immutable map from variables to
 * values: `set()` replaces the map of the current context with a copy that
 * has the new value, so a copy of a context (`copyContext()`, a task's
 * start) costs one pointer, and nothing a task sets can reach another.
 * Programs that never set a variable pay one pointer swap per task step and
 * two pointer compares per callback (see `callbackHolder`).
 *
 * Invariant: `current` is the context whose `run()` or task step is in
 * progress on this thread, the holder all one-shot callbacks share while one
 * runs (given that callback's map), else the thread's root context.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";
import { InvalidStateError, LookupError } from "../errors.ts";

/** The variables set in a context and their values: never changed in place, only replaced. */
export type ContextVars = ReadonlyMap<ContextVar<unknown>, unknown>;

/** The map of a context nothing was set in, shared by all of them. */
export const NO_VARS: ContextVars = new Map();

/**
 * Whatever holds a context's map: a {@linkcode Context}, or a task or handle
 * running in a copy it made when it was created. They fit by shape, with no
 * `implements` clause, so that no public class names this internal type;
 * `tests/types/roles.test.ts` holds them to it.
 */
export interface ContextHolder {
  /** @internal The holder's map; replaced, never mutated. */
  _vars: ContextVars;
}

/** The context of the code running now (see the module doc's invariant). */
let current: ContextHolder;

const NO_DEFAULT: unique symbol = Symbol("no default");

/**
 * A context variable: `get()` reads its value in the current context,
 * `set()` changes it there only (asyncio's `contextvars.ContextVar`).
 *
 * @example A request id that each task keeps to itself
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { ContextVar, createTask, run, sleep } from "yieldio";
 * const requestId = new ContextVar<string>("requestId", { default: "none" });
 * function* handle(id: string) {
 *   requestId.set(id);
 *   yield* sleep(10); // other tasks run here, and set their own ids
 *   return `${id} sees ${requestId.get()}`;
 * }
 * const seen = await run(function* () {
 *   const a = createTask(handle("a")), b = createTask(handle("b"));
 *   return [yield* a, yield* b, requestId.get()];
 * }, { clock: "virtual" });
 * assertEquals(seen, ["a sees a", "b sees b", "none"]);
 * ```
 */
export class ContextVar<T> {
  readonly #name: string;
  readonly #default: T | typeof NO_DEFAULT;

  /**
   * A new variable, with no value in any context until it is `set()`
   * (asyncio's `ContextVar(name, default=...)`).
   *
   * @param name The variable's name (for messages and printing).
   * @param options `default`: the value `get()` returns where the variable was never set.
   * @throws {TypeError} When `name` is not a string.
   */
  constructor(name: string, options?: { default?: T }) {
    if (typeof name !== "string") {
      throw new TypeError(`ContextVar expects a name (a string), got ${describeValue(name)}`);
    }
    this.#name = name;
    this.#default = options !== undefined && "default" in options ? options.default as T : NO_DEFAULT;
  }

  /** The variable's name. */
  get name(): string {
    return this.#name;
  }

  /**
   * Reads the variable in the current context (asyncio's `ContextVar.get()`).
   *
   * @param fallback Returned where the variable has no value in the current
   *   context (before the variable's own default).
   * @returns The variable's value in the current context, else `fallback`,
   *   else its default.
   * @throws {LookupError} When it has none of them.
   */
  get(fallback?: T): T {
    const vars = current._vars;
    if (vars.has(this)) return vars.get(this) as T;
    if (arguments.length > 0) return fallback as T;
    if (this.#default !== NO_DEFAULT) return this.#default;
    throw new LookupError(`${this} has no value in this context and no default`);
  }

  /**
   * Sets the variable's value in the current context only.
   *
   * @param value The new value.
   * @returns A token that {@linkcode reset} takes to restore the value before.
   */
  set(value: T): Token<T> {
    const holder = current, vars = holder._vars;
    const token = new Token<T>(this, holder, vars.has(this) ? vars.get(this) as T : Token.MISSING, callNow(holder));
    holder._vars = new Map(vars).set(this, value);
    return token;
  }

  /**
   * Restores the value the variable had before the `set()` that made
   * `token`, in the context that made it.
   *
   * @param token What that `set()` returned.
   * @throws {TypeError} When `token` is not a token of this variable.
   * @throws {RangeError} When it was made in another context.
   * @throws {InvalidStateError} When it was used already.
   */
  reset(token: Token<T>): void {
    if (!(token instanceof Token) || token.var !== this) {
      throw new TypeError(`${this}.reset() expects a token its own set() returned, got ${describeValue(token)}`);
    }
    token._use(current, this);
    const vars = new Map(current._vars);
    if (token.oldValue === Token.MISSING) vars.delete(this);
    else vars.set(this, token.oldValue);
    current._vars = vars;
  }

  /**
   * Describes the variable for messages and `console.log`.
   * @returns A description like `<ContextVar name=requestId default="none">`.
   */
  toString(): string {
    const fallback = this.#default === NO_DEFAULT ? "" : ` default=${describeValue(this.#default)}`;
    return `<ContextVar name=${this.#name}${fallback}>`;
  }
}

/**
 * What `ContextVar.set()` returns: enough to undo that `set()` once, in the
 * same context (asyncio's `contextvars.Token`).
 *
 * @example Undoing a set
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { ContextVar, copyContext } from "yieldio";
 * const depth = new ContextVar("depth", { default: 0 });
 * copyContext().run(() => {
 *   const token = depth.set(1);
 *   assertEquals(depth.get(), 1);
 *   depth.reset(token);
 *   assertEquals(depth.get(), 0);
 * });
 * ```
 */
export class Token<T> {
  /** The `oldValue` of a token whose variable had no value before. */
  static readonly MISSING: unique symbol = Symbol("Token.MISSING");
  /** The variable the token belongs to. */
  readonly var: ContextVar<T>;
  /** The value before the `set()`, or {@linkcode Token.MISSING}. */
  readonly oldValue: T | typeof Token.MISSING;
  #context: ContextHolder;
  /** The callback call it was made in, when `#context` is the one every callback shares; else 0. */
  #call: number;
  #used = false;

  /** @internal Made by `ContextVar.set()` only. */
  constructor(variable: ContextVar<T>, context: ContextHolder, oldValue: T | typeof Token.MISSING, call = 0) {
    this.var = variable;
    this.#context = context;
    this.#call = call;
    this.oldValue = oldValue;
  }

  /** @internal Marks the token used by a `reset()` in `context`, or throws why it cannot be. */
  _use(context: ContextHolder, variable: ContextVar<T>): void {
    if (this.#used) throw new InvalidStateError(`${variable}: this token was already used by a reset()`);
    if (this.#context !== context || this.#call !== callNow(context)) {
      throw new RangeError(`${variable}: this token was made in another context; reset it where it was set`);
    }
    this.#used = true;
  }
}

/**
 * A context: the values of every context variable for the code that runs in
 * it (asyncio's `contextvars.Context`). `copyContext()` makes one; `run()`
 * runs a function in it, and what the function sets stays in it.
 *
 * @example Running code in a copy: what it sets stays there
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { ContextVar, copyContext } from "yieldio";
 * const user = new ContextVar<string>("user", { default: "anonymous" });
 * const context = copyContext();
 * context.run(() => user.set("ada"));
 * assertEquals([context.get(user), user.get()], ["ada", "anonymous"]);
 * assertEquals(context.run(() => user.get()), "ada");
 * ```
 */
export class Context implements Iterable<[ContextVar<unknown>, unknown]> {
  /** @internal */
  _vars: ContextVars;
  #entered = false;

  /**
   * A context holding `vars`; with none, an empty one, as asyncio's
   * `contextvars.Context()`. `copyContext()` is the usual way to get one.
   *
   * @param vars The values to start with (default: none).
   */
  constructor(vars: ContextVars = NO_VARS) {
    this._vars = vars;
  }

  /**
   * Runs `fn(...args)` with this context as the current one; what it sets
   * stays in this context.
   *
   * @returns What `fn` returns.
   * @throws {InvalidStateError} When this context is being run already.
   */
  run<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): R {
    if (this.#entered) throw new InvalidStateError("this context is being run already; run a copy() of it");
    if (typeof fn !== "function") throw new TypeError(`Context.run expects a function, got ${describeValue(fn)}`);
    const outer = current;
    this.#entered = true;
    current = this;
    try {
      return fn(...args);
    } finally {
      current = outer;
      this.#entered = false;
    }
  }

  /**
   * Copies this context (asyncio's `Context.copy()`): what runs in the copy
   * stays out of this one, and the other way round.
   * @returns A new context with the same values.
   */
  copy(): Context {
    return new Context(this._vars);
  }

  /**
   * Reads `variable` in this context, whichever context is current (asyncio's `Context.get()`).
   *
   * @param variable A context variable.
   * @param fallback Returned when it has no value here.
   * @returns Its value in this context, else `fallback`.
   */
  get<T>(variable: ContextVar<T>, fallback?: T): T | undefined {
    return this._vars.has(variable) ? this._vars.get(variable) as T : fallback;
  }

  /**
   * Like asyncio's `variable in context`.
   * @returns Whether `variable` has a value in this context.
   */
  has(variable: ContextVar<unknown>): boolean {
    return this._vars.has(variable);
  }

  /** The number of variables with a value here. */
  get size(): number {
    return this._vars.size;
  }

  /**
   * Like asyncio's `Context.keys()`.
   * @returns The variables with a value here.
   */
  keys(): IterableIterator<ContextVar<unknown>> {
    return this._vars.keys();
  }

  /**
   * Like asyncio's `Context.values()`.
   * @returns The values of the variables set here, in the order of {@linkcode keys}.
   */
  values(): IterableIterator<unknown> {
    return this._vars.values();
  }

  /**
   * Like asyncio's `Context.items()`.
   * @returns `[variable, value]` pairs.
   */
  entries(): IterableIterator<[ContextVar<unknown>, unknown]> {
    return this._vars.entries();
  }

  /** Iterates `[variable, value]` pairs. */
  [Symbol.iterator](): IterableIterator<[ContextVar<unknown>, unknown]> {
    return this._vars.entries();
  }
}

current = new Context();

/**
 * The holder every one-shot callback (a handle's, a done-callback's) runs
 * in. Such a callback's context is a private copy that ends with the call,
 * so one long-lived holder, given the callback's map for the call, serves
 * them all. A loop's drivers make it current for as long as they run
 * ({@linkcode enterCallbacks}), with the map of the context they were called
 * in, so a callback with that map (all of them, in a program that sets no
 * variable) runs with no pointer stored anywhere and no `try`. Making each
 * young handle current, restored in a `finally`, had cost a fifth of
 * one-chain `callSoon` dispatch and a third of 1000-chain dispatch.
 *
 * Invariants: one-shot callbacks run only from a driver's ready phase, one
 * at a time (a loop does not run inside another's callback); between two of
 * them the holder has {@linkcode callbackBase}.
 */
const callbackHolder: ContextHolder = new Context();
/** The callback holder's map between callbacks: that of the context the running driver was called in. */
let callbackBase: ContextVars = NO_VARS;
/** Calls made in {@linkcode callbackHolder}: a token set in one callback is refused in the next. */
let callbackCalls = 0;

/** @returns The callback call `holder` stands for now: the count in the shared callback holder, else 0. */
function callNow(holder: ContextHolder): number {
  return holder === callbackHolder ? callbackCalls : 0;
}

/**
 * Copies the current context: a function run in the copy (`context.run()`)
 * sees the values here, and what it sets stays in the copy.
 *
 * @returns A copy of the current context (asyncio's `contextvars.copy_context()`).
 *
 * @example A task's values are its own, and a copy of its creator's
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { ContextVar, copyContext, createTask, run } from "yieldio";
 * const tag = new ContextVar<string>("tag");
 * const seen = await run(function* () {
 *   tag.set("parent");
 *   const child = createTask((function* () {
 *     const inherited = tag.get();
 *     tag.set("child");
 *     return inherited;
 *   })());
 *   const fromChild = yield* child;
 *   return [fromChild, tag.get(), child.getContext().get(tag), copyContext().get(tag)];
 * });
 * assertEquals(seen, ["parent", "parent", "child", "parent"]);
 * ```
 */
export function copyContext(): Context {
  return new Context(current._vars);
}

/** @internal The map of the current context: what a task or a callback captures when it is made. */
export function currentVars(): ContextVars {
  return current._vars;
}

/**
 * @internal Makes `holder` the current context (a task's step, a callback);
 * returns the one to restore with {@linkcode leaveContext}.
 */
export function enterContext(holder: ContextHolder): ContextHolder {
  const outer = current;
  current = holder;
  return outer;
}

/** @internal Restores the context {@linkcode enterContext} or {@linkcode enterCallbacks} returned. */
export function leaveContext(outer: ContextHolder): void {
  current = outer;
}

/**
 * @internal Makes the callback holder current, with the current map, while
 * a loop driver runs; returns the context to restore with
 * {@linkcode leaveContext} when it stops.
 */
export function enterCallbacks(): ContextHolder {
  const outer = current;
  if (outer !== callbackHolder) {
    callbackBase = outer._vars;
    if (callbackHolder._vars !== callbackBase) callbackHolder._vars = callbackBase;
    current = callbackHolder;
  }
  return outer;
}

/**
 * @internal Runs the code of a one-shot callback, from a driver's ready
 * phase, in a private copy of `vars`; {@linkcode leaveCallback} ends it, also
 * when the callback threw (the ready phase calls it then).
 */
export function enterCallback(vars: ContextVars): void {
  if (callbackHolder._vars !== vars) callbackHolder._vars = vars;
  callbackCalls++;
}

/** @internal Ends what {@linkcode enterCallback} began, whatever the callback set; idempotent. */
export function leaveCallback(): void {
  if (callbackHolder._vars !== callbackBase) callbackHolder._vars = callbackBase;
}
