/**
 * Values that cannot be printed, or cannot even be looked at, for the
 * hostile-values tests: each one made fresh per use (a test may consume it),
 * with how `describeValue` names it in a TypeError's message.
 *
 * @module
 */

/** One hostile value, and what the library may and may not do with it. */
export interface Hostile {
  /** What it is, for test messages. */
  name: string;
  /** Makes a fresh one. */
  make(): unknown;
  /** How an error message names it (`got …`). */
  described: string;
  /** It is a function (a valid body or callback, not a bad one). */
  callable?: boolean;
  /**
   * `String()` and `instanceof Error` work on it, and an error's getters do
   * not throw: a value String() can print (others are described instead).
   */
  printable?: boolean;
}

function boom(): never {
  throw new Error("hostile value touched");
}

function revoked<T extends object>(target: T): T {
  const { proxy, revoke } = Proxy.revocable(target, {});
  revoke();
  return proxy;
}

/** The table: every value here must reach whoever awaits it untouched, and be described without a throw. */
export const HOSTILE: readonly Hostile[] = [
  { name: "null", make: () => null, described: "null", printable: true },
  { name: "undefined", make: () => undefined, described: "undefined", printable: true },
  { name: "Object.create(null)", make: () => Object.create(null), described: "an object with a null prototype" },
  {
    name: "a revoked Proxy",
    make: () => revoked({}),
    described: "an object that throws when inspected (a revoked Proxy?)",
  },
  {
    name: "a revoked function Proxy",
    make: () => revoked(function () {}),
    described: "a function",
    callable: true,
  },
  {
    name: "a Proxy whose every trap throws",
    make: () =>
      new Proxy({}, { get: boom, has: boom, getPrototypeOf: boom, ownKeys: boom, getOwnPropertyDescriptor: boom }),
    described: "an object that throws when inspected (a revoked Proxy?)",
  },
  { name: "an object whose toString throws", make: () => ({ toString: boom }), described: "an object" },
  {
    name: "an object whose Symbol.toPrimitive throws",
    make: () => ({ [Symbol.toPrimitive]: boom }),
    described: "an object",
  },
  {
    name: "an object whose constructor getter throws",
    make: () => ({
      get constructor(): never {
        return boom();
      },
    }),
    described: "an object",
    printable: true,
  },
  {
    name: "an object whose then getter throws",
    make: () => ({
      get then(): never {
        return boom();
      },
    }),
    described: "an object",
    printable: true,
  },
  {
    name: "an object whose Symbol.toStringTag getter throws",
    make: () => ({
      get [Symbol.toStringTag](): never {
        return boom();
      },
    }),
    described: "an object",
  },
  {
    name: "an object whose Symbol.iterator getter throws",
    make: () => ({
      get [Symbol.iterator](): never {
        return boom();
      },
    }),
    described: "an object",
    printable: true,
  },
  {
    name: "a function whose name getter throws",
    make: () => Object.defineProperty(function () {}, "name", { get: boom }),
    described: "a function",
    printable: true,
    callable: true,
  },
  {
    // Made from Error.prototype, not new Error(): Node materializes a real error's stack when "stack" is
    // redefined, and its source-map support then calls the throwing getters.
    name: "an Error whose name, message and stack getters throw",
    make: () => Object.create(Error.prototype, { name: { get: boom }, message: { get: boom }, stack: { get: boom } }),
    described: "an Error object",
  },
  { name: "a symbol", make: () => Symbol("hostile"), described: "Symbol(hostile) (a symbol)", printable: true },
  {
    name: "a string with a newline and an ANSI escape",
    make: () => "red\n\x1b[31m",
    described: '"red\\n\\u001b[31m" (a string)',
    printable: true,
  },
];

/** The values the loop core can already print (its default exception handler, an abort reason, a task name). */
export const PRINTABLE: readonly Hostile[] = HOSTILE.filter((value) => value.printable === true);

/** The values that are not functions: a bad body, callback or awaitable. */
export const NOT_CALLABLE: readonly Hostile[] = HOSTILE.filter((value) => value.callable !== true);
