/**
 * A small stand-in for JSR's `@std/assert` (JSR is not reachable from this
 * project's machines). Same names, same signatures, same error class, so
 * `deno.json`'s import map can point `@std/assert` at `jsr:@std/assert@1`
 * instead with a one-line change and no test edits.
 *
 * Only what the suite uses is here; each function follows its std
 * counterpart's contract.
 *
 * @module
 */

/** Thrown by every assertion here, as in `@std/assert`. */
export class AssertionError extends Error {
  /** @param message What failed. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AssertionError";
  }
}

/** Asserts that `expr` is truthy. */
export function assert(expr: unknown, msg = ""): asserts expr {
  if (!expr) throw new AssertionError(msg || "Expected expression to be truthy");
}

/** Asserts that `expr` is falsy. */
export function assertFalse(expr: unknown, msg = ""): void {
  if (expr) throw new AssertionError(msg || "Expected expression to be falsy");
}

/** Asserts deep equality of `actual` and `expected` (arrays, plain objects, Maps, Sets, Dates, primitives). */
export function assertEquals<T>(actual: T, expected: T, msg?: string): void {
  if (equal(actual, expected)) return;
  throw new AssertionError(
    `${msg ? msg + ": " : ""}Values are not equal.\n    actual: ${show(actual)}\n  expected: ${show(expected)}`,
  );
}

/** Asserts that `actual` and `expected` are not deeply equal. */
export function assertNotEquals<T>(actual: T, expected: T, msg?: string): void {
  if (!equal(actual, expected)) return;
  throw new AssertionError(msg ?? `Expected actual: ${show(actual)} not to be: ${show(expected)}`);
}

/** Asserts `Object.is(actual, expected)`. */
export function assertStrictEquals<T>(actual: unknown, expected: T, msg?: string): asserts actual is T {
  if (Object.is(actual, expected)) return;
  throw new AssertionError(
    `${msg ? msg + ": " : ""}Values are not strictly equal.\n    actual: ${show(actual)}\n  expected: ${
      show(expected)
    }`,
  );
}

/** Asserts that `actual` is neither null nor undefined. */
export function assertExists<T>(actual: T, msg?: string): asserts actual is NonNullable<T> {
  if (actual === null || actual === undefined) {
    throw new AssertionError(msg ?? `Expected actual: "${actual}" to not be null or undefined.`);
  }
}

/** Asserts that `actual` is an instance of `expectedType`. */
export function assertInstanceOf<T extends abstract new (...args: never[]) => unknown>(
  actual: unknown,
  expectedType: T,
  msg = "",
): asserts actual is InstanceType<T> {
  if (actual instanceof expectedType) return;
  throw new AssertionError(
    msg || `Expected object to be an instance of "${expectedType.name}" but was ${show(actual)}.`,
  );
}

/** Asserts that `actual` includes `expected`. */
export function assertStringIncludes(actual: string, expected: string, msg?: string): void {
  if (actual.includes(expected)) return;
  throw new AssertionError(msg ?? `Expected actual: "${actual}" to contain: "${expected}".`);
}

/** Asserts that `actual` matches `expected`. */
export function assertMatch(actual: string, expected: RegExp, msg?: string): void {
  if (expected.test(actual)) return;
  throw new AssertionError(msg ?? `Expected actual: "${actual}" to match: "${expected}".`);
}

/** Asserts `actual > expected`. */
export function assertGreater<T>(actual: T, expected: T, msg?: string): void {
  if (actual > expected) return;
  throw new AssertionError(msg ?? `Expect ${show(actual)} > ${show(expected)}`);
}

/** Asserts `actual >= expected`. */
export function assertGreaterOrEqual<T>(actual: T, expected: T, msg?: string): void {
  if (actual >= expected) return;
  throw new AssertionError(msg ?? `Expect ${show(actual)} >= ${show(expected)}`);
}

/** Asserts `actual < expected`. */
export function assertLess<T>(actual: T, expected: T, msg?: string): void {
  if (actual < expected) return;
  throw new AssertionError(msg ?? `Expect ${show(actual)} < ${show(expected)}`);
}

/** Asserts `actual <= expected`. */
export function assertLessOrEqual<T>(actual: T, expected: T, msg?: string): void {
  if (actual <= expected) return;
  throw new AssertionError(msg ?? `Expect ${show(actual)} <= ${show(expected)}`);
}

/** Fails with `msg`. */
export function fail(msg?: string): never {
  throw new AssertionError(`Failed assertion${msg ? `: ${msg}` : "."}`);
}

/** Marks code that must not be reached. */
export function unreachable(msg?: string): never {
  throw new AssertionError(msg ?? "unreachable");
}

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

/**
 * Asserts that `fn` throws. With an error class, checks its type and, with
 * `msgIncludes`, its message; returns the error.
 */
export function assertThrows(fn: () => unknown, msg?: string): unknown;
export function assertThrows<E extends Error = Error>(
  fn: () => unknown,
  ErrorClass: ErrorClass<E>,
  msgIncludes?: string,
  msg?: string,
): E;
export function assertThrows<E extends Error = Error>(
  fn: () => unknown,
  errorClassOrMsg?: ErrorClass<E> | string,
  msgIncludes?: string,
  msg?: string,
): E | unknown {
  let error: unknown;
  let threw = false;
  try {
    fn();
  } catch (e) {
    error = e;
    threw = true;
  }
  if (!threw) {
    const text = typeof errorClassOrMsg === "string" ? errorClassOrMsg : msg;
    throw new AssertionError(`Expected function to throw${text ? `: ${text}` : "."}`);
  }
  if (typeof errorClassOrMsg === "function") checkError(error, errorClassOrMsg, msgIncludes, msg);
  return error;
}

/**
 * Asserts that `fn()` returns a promise that rejects. With an error class,
 * checks its type and, with `msgIncludes`, its message; returns the error.
 */
export function assertRejects(fn: () => PromiseLike<unknown>, msg?: string): Promise<unknown>;
export function assertRejects<E extends Error = Error>(
  fn: () => PromiseLike<unknown>,
  ErrorClass: ErrorClass<E>,
  msgIncludes?: string,
  msg?: string,
): Promise<E>;
export async function assertRejects<E extends Error = Error>(
  fn: () => PromiseLike<unknown>,
  errorClassOrMsg?: ErrorClass<E> | string,
  msgIncludes?: string,
  msg?: string,
): Promise<E | unknown> {
  let error: unknown;
  let threw = false;
  const promise = fn();
  if (typeof (promise as PromiseLike<unknown> | null)?.then !== "function") {
    throw new AssertionError("Function throws when expected to reject.");
  }
  try {
    await promise;
  } catch (e) {
    error = e;
    threw = true;
  }
  if (!threw) {
    const text = typeof errorClassOrMsg === "string" ? errorClassOrMsg : msg;
    throw new AssertionError(`Expected promise to reject${text ? `: ${text}` : "."}`);
  }
  if (typeof errorClassOrMsg === "function") checkError(error, errorClassOrMsg, msgIncludes, msg);
  return error;
}

function checkError<E extends Error>(
  error: unknown,
  ErrorClass: ErrorClass<E>,
  msgIncludes: string | undefined,
  msg: string | undefined,
): void {
  if (!(error instanceof ErrorClass)) {
    throw new AssertionError(
      `${msg ? msg + ": " : ""}Expected error to be instance of "${ErrorClass.name}", but was ${show(error)}.`,
      { cause: error },
    );
  }
  if (msgIncludes !== undefined && !String((error as Error).message).includes(msgIncludes)) {
    throw new AssertionError(
      `${msg ? msg + ": " : ""}Expected error message to include ${JSON.stringify(msgIncludes)}, ` +
        `but got ${JSON.stringify((error as Error).message)}.`,
      { cause: error },
    );
  }
}

function equal(a: unknown, b: unknown, seen = new Map<unknown, unknown>()): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (seen.get(a) === b) return true;
  seen.set(a, b);
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Date) return a.getTime() === (b as Date).getTime();
  if (a instanceof RegExp) return String(a) === String(b);
  if (a instanceof Map) {
    const other = b as Map<unknown, unknown>;
    if (a.size !== other.size) return false;
    for (const [key, value] of a) if (!other.has(key) || !equal(value, other.get(key), seen)) return false;
    return true;
  }
  if (a instanceof Set) {
    const other = b as Set<unknown>;
    if (a.size !== other.size) return false;
    outer: for (const value of a) {
      if (other.has(value)) continue;
      for (const candidate of other) if (equal(value, candidate, seen)) continue outer;
      return false;
    }
    return true;
  }
  if (a instanceof Error && (a.message !== (b as Error).message || a.name !== (b as Error).name)) return false;
  // As std's equal(): enumerable own keys plus own symbols (so an Error's stack is not compared).
  const keysA = ownKeys(a), keysB = ownKeys(b);
  if (keysA.length !== keysB.length) return false;
  for (const key of keysA) {
    if (!Object.prototype.hasOwnProperty.call(b, key)) return false;
    if (!equal((a as Record<PropertyKey, unknown>)[key], (b as Record<PropertyKey, unknown>)[key], seen)) return false;
  }
  return true;
}

function ownKeys(value: object): PropertyKey[] {
  return [...Object.keys(value), ...Object.getOwnPropertySymbols(value)];
}

function show(value: unknown): string {
  try {
    if (typeof value === "string") return JSON.stringify(value);
    if (typeof value === "bigint") return `${value}n`;
    if (typeof value === "function") return `[Function ${value.name || "anonymous"}]`;
    if (value instanceof Error) return `${value.name}: ${value.message}`;
    if (typeof value === "object" && value !== null) {
      const text = String(value);
      if (text.startsWith("<")) return text;
      return JSON.stringify(
        value,
        (_k, v) => v === undefined ? "undefined" : v instanceof Set || v instanceof Map ? [...v] : v,
      );
    }
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
