/**
 * ExceptionGroup: several errors raised as one (PEP 654, asyncio's
 * `ExceptionGroup`), with `split()`, `subgroup()` and `derive()` — the
 * building blocks of Python's `except*`, which JavaScript lacks.
 *
 * A condition is an error class, an array of them, or a predicate. `split`
 * walks the tree once: a group (the root included) that matches goes whole
 * into the match; otherwise each member is tested, nested groups recursively,
 * so nesting is kept. Every part that is not taken whole is made by
 * `derive()` on the group it came from and then given that group's `cause`
 * and `stack` (CPython copies `__cause__`, `__context__`, `__traceback__`
 * and `__notes__`; JavaScript has the first and an equivalent of the third).
 * A subclass keeps its type in the parts by overriding `derive()`; the
 * default makes a plain `ExceptionGroup`, as CPython's does.
 *
 * Only `ExceptionGroup`s are walked into: an `AggregateError` that is not one
 * is a leaf, as any other `BaseException` is to CPython.
 *
 * @module
 */

import { describeValue } from "./_describe.ts";

/** An error class a condition may name: `TypeError`, `CancelledError`, a class of your own. */
// deno-lint-ignore no-explicit-any
export type ErrorClass = abstract new (...args: any[]) => Error;

/**
 * What {@linkcode ExceptionGroup.split} and {@linkcode ExceptionGroup.subgroup}
 * match: an error class (`instanceof`), an array of them (any one), or a
 * predicate called with each group and leaf.
 */
export type ExceptionCondition = ErrorClass | readonly ErrorClass[] | ((error: unknown) => boolean);

/** The matcher a condition compiles to, and whether a nested group is walked into. */
type Matcher = (error: unknown) => boolean;

/**
 * Several errors at once: what `taskGroup` raises when children fail
 * (asyncio's `ExceptionGroup`). `exceptions` holds them in the order they
 * happened (frozen, like Python's tuple); `errors` (from `AggregateError`) is
 * the same list. Write Python's `except* E` with {@linkcode split}: handle
 * the matching part and rethrow the rest.
 *
 * @example Catching a group and looking inside
 * ```ts
 * import { assertEquals, assertInstanceOf } from "@std/assert";
 * import { ExceptionGroup } from "yieldio";
 * const group = new ExceptionGroup("unhandled errors in a TaskGroup", [new RangeError("a"), new TypeError("b")]);
 * assertInstanceOf(group, AggregateError);
 * assertEquals(group.exceptions.map((e) => (e as Error).name), ["RangeError", "TypeError"]);
 * ```
 */
export class ExceptionGroup extends AggregateError {
  /** The errors, in the order they happened. */
  readonly exceptions: readonly unknown[];

  /**
   * A group of `exceptions` (Python's `ExceptionGroup(message, exceptions)`);
   * it keeps a frozen copy of the array.
   *
   * @param message What the errors have in common.
   * @param exceptions The errors (at least one; any thrown values, groups included).
   * @param options `cause`, as for `Error`.
   * @throws {TypeError} When `message` is not a string or `exceptions` not an array.
   * @throws {RangeError} When `exceptions` is empty.
   */
  constructor(message: string, exceptions: readonly unknown[], options?: ErrorOptions) {
    if (typeof message !== "string") {
      throw new TypeError(`ExceptionGroup expects a message string first, got ${describeValue(message)}`);
    }
    if (!Array.isArray(exceptions)) {
      throw new TypeError(`ExceptionGroup expects an array of errors, got ${describeValue(exceptions)}`);
    }
    if (exceptions.length === 0) throw new RangeError("ExceptionGroup expects at least one error, got an empty array");
    super(exceptions, message, options);
    this.name = "ExceptionGroup";
    this.exceptions = Object.freeze([...exceptions]);
  }

  /**
   * Splits the group by `condition` (Python's `except*` is built on it).
   * Nested groups stay nested; a group that matches as a whole goes into the
   * match as it is. The parts are made with {@linkcode derive} and carry this
   * group's `message`, `cause` and `stack`.
   *
   * @param condition An error class, an array of classes, or a predicate.
   * @returns `[match, rest]`: the matching errors and the others, each an
   *   `ExceptionGroup`, or `null` when empty.
   * @throws {TypeError} When `condition` is none of those, or `derive`
   *   returns something other than an `ExceptionGroup`.
   *
   * @example except* TimeoutError: handle the timeouts, rethrow the rest
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { ExceptionGroup, TimeoutError } from "yieldio";
   * const eg = new ExceptionGroup("downloads failed", [
   *   new TimeoutError("a"),
   *   new ExceptionGroup("mirror", [new TimeoutError("b"), new RangeError("c")]),
   * ]);
   * const [timeouts, rest] = eg.split(TimeoutError);
   * assertEquals(timeouts?.exceptions, [new TimeoutError("a"), new ExceptionGroup("mirror", [new TimeoutError("b")])]);
   * assertEquals(rest?.exceptions, [new ExceptionGroup("mirror", [new RangeError("c")])]);
   * // In a catch clause: `if (rest) throw rest;` after handling `timeouts`.
   * ```
   */
  split(condition: ExceptionCondition): [ExceptionGroup | null, ExceptionGroup | null] {
    return splitGroup(this, toMatcher(condition, "split"), true);
  }

  /**
   * The errors that match `condition`, as {@linkcode split}'s first part:
   * this group itself when it matches as a whole.
   *
   * @param condition An error class, an array of classes, or a predicate.
   * @returns The matching part, or `null` when nothing matches.
   * @throws {TypeError} When `condition` is none of those, or `derive`
   *   returns something other than an `ExceptionGroup`.
   *
   * @example Keeping only the errors a predicate picks
   * ```ts
   * import { assertEquals } from "@std/assert";
   * import { ExceptionGroup } from "yieldio";
   * const eg = new ExceptionGroup("batch", [new Error("disk full"), new Error("timeout"), new Error("disk gone")]);
   * const disk = eg.subgroup((e) => e instanceof Error && e.message.startsWith("disk"));
   * assertEquals(disk?.exceptions.map((e) => (e as Error).message), ["disk full", "disk gone"]);
   * assertEquals(eg.subgroup(TypeError), null);
   * ```
   */
  subgroup(condition: ExceptionCondition): ExceptionGroup | null {
    return splitGroup(this, toMatcher(condition, "subgroup"), false)[0];
  }

  /**
   * Makes a group like this one with other errors: what {@linkcode split}
   * and {@linkcode subgroup} call for each part. Override it in a subclass
   * for the parts to keep the subclass and its fields; the default returns a
   * plain `ExceptionGroup` with this message (the caller copies `cause` and
   * `stack`).
   *
   * @param exceptions The errors of the new group.
   * @returns A new group.
   * @throws {RangeError} When `exceptions` is empty.
   *
   * @example A subclass that keeps its type and its field through split()
   * ```ts
   * import { assertEquals, assertInstanceOf } from "@std/assert";
   * import { ExceptionGroup } from "yieldio";
   * class HttpErrors extends ExceptionGroup {
   *   constructor(message: string, errors: readonly unknown[], readonly url: string) {
   *     super(message, errors);
   *   }
   *   override derive(errors: readonly unknown[]): HttpErrors {
   *     return new HttpErrors(this.message, errors, this.url);
   *   }
   * }
   * const eg = new HttpErrors("fetch failed", [new TypeError("a"), new RangeError("b")], "https://x.test");
   * const [types] = eg.split(TypeError);
   * assertInstanceOf(types, HttpErrors);
   * assertEquals(types.url, "https://x.test");
   * ```
   */
  derive(exceptions: readonly unknown[]): ExceptionGroup {
    return new ExceptionGroup(this.message, exceptions);
  }
}

/** `condition` as a function; refuses anything that is not a condition. */
function toMatcher(condition: unknown, caller: string): Matcher {
  if (isErrorClass(condition)) return (error) => error instanceof condition;
  if (Array.isArray(condition)) {
    condition.forEach((item, i) => {
      if (!isErrorClass(item)) {
        throw new TypeError(
          `${caller}() expects an array of error classes, got ${describeValue(item)} at index ${i}`,
        );
      }
    });
    const classes = [...condition] as ErrorClass[];
    return (error) => classes.some((cls) => error instanceof cls);
  }
  if (typeof condition === "function" && !isClassSyntax(condition)) return condition as Matcher;
  throw new TypeError(
    `${caller}() expects an error class, an array of them or a predicate, got ${describeValue(condition)}` +
      (typeof condition === "function" ? " (a class that does not extend Error)" : ""),
  );
}

function isErrorClass(value: unknown): value is ErrorClass {
  return typeof value === "function" && (value === Error || value.prototype instanceof Error);
}

/** A `class` is callable only with `new`: as a predicate it would throw at the first call. */
function isClassSyntax(fn: unknown): boolean {
  return Function.prototype.toString.call(fn).startsWith("class");
}

/**
 * The recursive walk (CPython's `exceptiongroup_split_recursive`): `[match,
 * rest]` of `error`, where a leaf is either whole in one of them and a group
 * that does not match as a whole is derived per part. The rest is built only
 * when `withRest` (subgroup skips it).
 */
function splitGroup(
  group: ExceptionGroup,
  matches: Matcher,
  withRest: boolean,
): [ExceptionGroup | null, ExceptionGroup | null] {
  if (matches(group)) return [group, null];
  const matched: unknown[] = [];
  const rest: unknown[] = [];
  for (const error of group.exceptions) {
    if (error instanceof ExceptionGroup) {
      const [m, r] = splitGroup(error, matches, withRest);
      if (m !== null) matched.push(m);
      if (r !== null) rest.push(r);
    } else if (matches(error)) {
      matched.push(error);
    } else if (withRest) {
      rest.push(error);
    }
  }
  return [matched.length > 0 ? derived(group, matched) : null, rest.length > 0 ? derived(group, rest) : null];
}

/** `group.derive(exceptions)`, checked, with the group's `cause` and `stack` copied as CPython copies them. */
function derived(group: ExceptionGroup, exceptions: unknown[]): ExceptionGroup {
  const part: unknown = group.derive(exceptions);
  if (!(part instanceof ExceptionGroup)) {
    throw new TypeError(`derive() must return an ExceptionGroup, got ${describeValue(part)}`);
  }
  if (Object.hasOwn(group, "cause")) {
    Object.defineProperty(part, "cause", { value: group.cause, writable: true, configurable: true });
  } else {
    delete (part as { cause?: unknown }).cause;
  }
  if (group.stack !== undefined) part.stack = group.stack;
  return part;
}
