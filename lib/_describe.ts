/**
 * How yieldio names a value in text: in error messages ("expected X, got
 * Y" — every one uses {@linkcode describeValue}, so the "got" part reads the
 * same everywhere), inside printed objects (`<Future finished result=42>`)
 * and in the diagnostics that print names users chose ({@linkcode safeLabel}).
 *
 * Every function here is total: it returns a string for any value and never
 * throws, because what it describes may be hostile — an object whose
 * `toString`, `constructor` or `then` getter throws, a revoked Proxy,
 * `Object.create(null)` — and a description is built on paths (an error
 * message, a repr, a deadlock report) where a throw would replace the
 * user's own error or wedge a task. Each reading of the value that can run
 * user code is guarded on its own, so one hostile part loses only its own
 * detail (asyncio's reprlib does the same: a repr that raises gives a
 * placeholder, not an error).
 *
 * @module
 */

/** Characters that may not reach a one-line diagnostic raw: C0 and C1 controls, DEL, line/paragraph separators, bidi controls. */
// deno-lint-ignore no-control-regex -- matching control characters is the point
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, "g");
/** Marks a reading that threw. */
const UNREADABLE: unique symbol = Symbol("unreadable");
const SHORT_ESCAPES: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\x1b" };

/**
 * Makes user-given text (a task name, a label) one safe line for a
 * diagnostic: newlines cannot forge lines of a task tree or table, and
 * terminal escapes and bidi overrides cannot restyle or reorder what is
 * printed around them. Each unsafe character becomes a visible escape —
 * `\n`, `\r`, `\t`, `\x1b` (other C0/C1 controls and DEL as `\xHH`), and
 * `\u2028` for line/paragraph separators and bidi controls. Everything
 * else, backslashes included, is kept as given: the aim is one honest line,
 * not a reversible encoding.
 *
 * @param text The text to print.
 * @returns `text` itself when it is already safe, else the escaped copy.
 */
export function safeLabel(text: string): string {
  return UNSAFE.test(text) ? text.replace(UNSAFE_ALL, escapeChar) : text;
}

function escapeChar(char: string): string {
  const short = SHORT_ESCAPES[char];
  if (short !== undefined) return short;
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * @returns e.g. `42 (a number)`, `a Promise`, `a generator function main`,
 *   `undefined`, `an object with a null prototype`; never throws.
 */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  switch (typeof value) {
    case "number":
    case "bigint":
    case "boolean":
      return `${String(value)} (a ${typeof value})`;
    case "string":
      return `${quoted(value)} (a string)`;
    case "symbol":
      return `${safeLabel(String(value))} (a symbol)`; // String(symbol) reads no user code
    case "function":
      return describeFunction(value);
  }
  return describeObject(value as object);
}

/**
 * `String(value)`, or {@linkcode describeValue} when the conversion throws:
 * for text a value gives of itself, such as a cancel message or a thrown
 * non-Error, where asyncio would use `str()`. (`String()` converts a symbol,
 * where a template string would throw.)
 */
export function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return describeValue(value);
  }
}

/**
 * What was thrown, as a message quotes it: `Name: message` for an `Error`,
 * else {@linkcode safeString}. Never throws, whatever the error's getters do.
 */
export function describeThrown(error: unknown): string {
  if (!isError(error)) return safeString(error);
  const name = read(() => safeString(error.name), "Error"), message = read(() => safeString(error.message), "");
  return `${name}: ${message}`;
}

/**
 * The error for an argument whose inspection threw (a revoked Proxy, a `then`
 * or `Symbol.iterator` getter that throws): the caller gets a `TypeError`
 * naming itself and the value, never the value's own error, which is kept
 * as the `cause`.
 *
 * @param caller The function checking its argument, e.g. `gather`.
 * @param expected What it expects, e.g. `an awaitable at index 2`.
 * @param value The argument.
 * @param cause What inspecting it threw.
 */
export function uninspectable(caller: string, expected: string, value: unknown, cause: unknown): TypeError {
  return new TypeError(`${caller} expects ${expected}, got ${describeValue(value)}, which threw when inspected`, {
    cause,
  });
}

/** A value as it appears inside a printed future or task (`result=…`): short, one line; never throws. */
export function formatShort(value: unknown): string {
  switch (typeof value) {
    case "string":
      return quoted(value);
    case "function":
      return `[${describeFunction(value)}]`;
    case "object":
      if (value === null) return "null";
      if (isError(value)) return safeLabel(describeThrown(value).slice(0, 80));
      return ownPrinting(value) ??
        (read(() => Array.isArray(value), false)
          ? `[array(${read(() => String((value as unknown[]).length), "?")})]`
          : "[object]");
  }
  return safeLabel(String(value)); // the other primitives print without running user code
}

/**
 * `value`'s own printing when it is a yieldio object, which prints itself
 * as `<Future …>`, `<Task …>`, `<Handle …>`; else null.
 */
function ownPrinting(value: object): string | null {
  return read(() => {
    const own = (value as { toString?: unknown }).toString;
    if (typeof own !== "function" || own === Object.prototype.toString) return null;
    const text = String(value);
    return text.startsWith("<") ? safeLabel(text) : null; // a task's text carries its name, which users choose
  }, null);
}

function describeFunction(fn: unknown): string {
  const name = read(() => {
    const given = (fn as { name?: unknown }).name;
    return typeof given === "string" && given !== "" ? ` ${safeLabel(given)}` : "";
  }, "");
  const kind = tagOf(fn);
  if (kind === "GeneratorFunction") return `a generator function${name}`;
  if (kind === "AsyncFunction") return `an async function${name}`;
  return `a function${name}`;
}

function describeObject(value: object): string {
  const printed = ownPrinting(value);
  if (printed !== null) return printed;
  const proto = read(() => Object.getPrototypeOf(value) as unknown, UNREADABLE);
  // A revoked Proxy (or one whose traps throw) answers nothing: say so rather than guess.
  if (proto === UNREADABLE) return "an object that throws when inspected (a revoked Proxy?)";
  if (read(() => typeof (value as PromiseLike<unknown>).then === "function", false)) return "a Promise";
  if (tagOf(value) === "Generator") return "a generator object";
  if (read(() => Array.isArray(value), false)) {
    return `an array of length ${read(() => String((value as unknown[]).length), "?")}`;
  }
  if (proto === null) return "an object with a null prototype";
  const name = read(() => {
    const ctor = (value as { constructor?: unknown }).constructor;
    const ctorName = typeof ctor === "function" ? (ctor as { name?: unknown }).name : undefined;
    return typeof ctorName === "string" ? ctorName : "";
  }, "");
  if (name === "" || name === "Object") return "an object";
  return `${/^[AEIOU]/.test(name) ? "an" : "a"} ${safeLabel(name)} object`;
}

/** `get()`, or `fallback` when the user code it reaches throws (a getter, a Proxy trap, a `toString`). */
function read<T>(get: () => T, fallback: T): T {
  try {
    return get();
  } catch {
    return fallback;
  }
}

/** `Object.prototype.toString`'s tag (`Generator`, `AsyncFunction`), or "" when reading it throws. */
function tagOf(value: unknown): string {
  return read(() => Object.prototype.toString.call(value).slice(8, -1), "");
}

function isError(value: unknown): value is Error {
  return read(() => value instanceof Error, false); // instanceof reads the prototype: a Proxy trap may throw
}

function quoted(text: string): string {
  return safeLabel(JSON.stringify(text.length > 40 ? text.slice(0, 37) + "..." : text)); // JSON leaves C1 and U+2028 raw
}
