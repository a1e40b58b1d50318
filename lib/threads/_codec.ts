/**
 * Values as bytes, for the one place structured clone cannot go: a browser
 * worker blocked in `Atomics.wait` reads its messages from shared memory
 * (`_mailbox.ts`), because browsers have no synchronous port read.
 *
 * It covers what programs send in practice — JSON values plus `undefined`,
 * `NaN`, `±Infinity`, `-0`, bigints, `Date`, `RegExp`, `Map`, `Set`,
 * `ArrayBuffer`, typed arrays and errors (name, message, stack, cause) — as
 * a tagged JSON text. Functions, symbols and cycles are refused with a
 * `TypeError`, as structured clone refuses them (cycles it would keep).
 *
 * What it covers comes back as structured clone gives it: an own
 * `"__proto__"` key stays plain data (it never becomes a prototype, on
 * either side), an invalid `Date` stays invalid, an error comes back as the
 * built-in class its name names (`TypeError`…; any other name becomes a
 * plain `Error`, whose name is `"Error"`), with a `cause` only if it had one.
 *
 * @module
 */

import { describeValue } from "../_describe.ts";

/** Tags of the encoded arrays (a plain array is tag 0). */
const ARRAY = 0, UNDEFINED = 1, NUMBER = 2, BIGINT = 3, DATE = 4, MAP = 5, SET = 6;
const TYPED = 7, BUFFER = 8, ERROR = 9, REGEXP = 10;

/** The error classes structured clone recreates by name; any other error comes back as a plain `Error`. */
const ERROR_CLASSES: Record<string, ErrorConstructor> = {
  Error,
  EvalError,
  RangeError,
  ReferenceError,
  SyntaxError,
  TypeError,
  URIError,
};

const TYPED_ARRAYS: Record<string, new (buffer: ArrayBuffer) => ArrayBufferView> = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
  DataView,
};

const encoder = /* @__PURE__ */ new TextEncoder();
const decoder = /* @__PURE__ */ new TextDecoder();

/**
 * @returns `value` as UTF-8 bytes.
 * @throws {TypeError} For a function, a symbol, or a cycle.
 */
export function encode(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(tree(value, new Set())));
}

/** @returns The value that {@linkcode encode} turned into `bytes`. */
export function decode(bytes: Uint8Array): unknown {
  return untree(JSON.parse(decoder.decode(bytes)));
}

function tree(value: unknown, path: Set<object>): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      if (Object.is(value, -0)) return [NUMBER, "-0"]; // String(-0) is "0"
      return Number.isFinite(value) ? value : [NUMBER, String(value)];
    case "undefined":
      return [UNDEFINED];
    case "bigint":
      return [BIGINT, value.toString()];
    case "function":
    case "symbol":
      throw new TypeError(`${describeValue(value)} cannot be sent to another thread`);
  }
  if (value === null) return null;
  const object = value as object;
  if (path.has(object)) throw new TypeError("a value with a cycle cannot be sent to a blocked browser worker");
  path.add(object);
  try {
    return treeOfObject(object, path);
  } finally {
    path.delete(object);
  }
}

function treeOfObject(object: object, path: Set<object>): unknown {
  if (Array.isArray(object)) return [ARRAY, ...Array.from(object, (item) => tree(item, path))];
  if (object instanceof Date) return [DATE, tree(object.getTime(), path)]; // NaN for an invalid date
  if (object instanceof RegExp) return [REGEXP, object.source, object.flags];
  if (object instanceof Map) return [MAP, ...[...object].map(([k, v]) => [tree(k, path), tree(v, path)])];
  if (object instanceof Set) return [SET, ...[...object].map((item) => tree(item, path))];
  if (object instanceof ArrayBuffer) return [BUFFER, ...new Uint8Array(object)];
  if (ArrayBuffer.isView(object)) {
    const bytes = new Uint8Array(object.buffer, object.byteOffset, object.byteLength);
    return [TYPED, object.constructor.name, ...bytes];
  }
  if (object instanceof Error) {
    const name = Object.hasOwn(ERROR_CLASSES, object.name) ? object.name : "Error";
    const error = [ERROR, name, String(object.message), object.stack ?? null];
    return Object.hasOwn(object, "cause") ? [...error, tree(object.cause, path)] : error;
  }
  // No prototype: an own "__proto__" key is then plain data, not the Object.prototype setter.
  const out: Record<string, unknown> = Object.create(null);
  for (const key of Object.keys(object)) out[key] = tree((object as Record<string, unknown>)[key], path);
  return out;
}

/** `object[key] = value` as an own data property, even for `"__proto__"`, which plain assignment would take as the prototype. */
function setOwn(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  } else object[key] = value;
}

function untree(node: unknown): unknown {
  if (node === null || typeof node !== "object") return node;
  if (!Array.isArray(node)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(node)) setOwn(out, key, untree((node as Record<string, unknown>)[key]));
    return out;
  }
  const [tag, ...rest] = node as [number, ...unknown[]];
  switch (tag) {
    case ARRAY:
      return rest.map(untree);
    case UNDEFINED:
      return undefined;
    case NUMBER:
      return Number(rest[0]);
    case BIGINT:
      return BigInt(rest[0] as string);
    case DATE:
      return new Date(untree(rest[0]) as number);
    case REGEXP:
      return new RegExp(rest[0] as string, rest[1] as string);
    case MAP:
      return new Map((rest as [unknown, unknown][]).map(([k, v]) => [untree(k), untree(v)]));
    case SET:
      return new Set(rest.map(untree));
    case BUFFER:
      return new Uint8Array(rest as number[]).buffer;
    case TYPED: {
      const [name, ...bytes] = rest as [string, ...number[]];
      return new TYPED_ARRAYS[name](new Uint8Array(bytes).buffer);
    }
    case ERROR: {
      const [name, message, stack] = rest as [string, string, string | null];
      const ErrorClass = Object.hasOwn(ERROR_CLASSES, name) ? ERROR_CLASSES[name] : Error;
      const error = rest.length > 3 ? new ErrorClass(message, { cause: untree(rest[3]) }) : new ErrorClass(message);
      if (stack !== null) error.stack = stack;
      return error;
    }
  }
  throw new TypeError(`cannot decode a value tagged ${describeValue(tag)}`);
}
