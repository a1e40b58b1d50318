/**
 * workerFunction: names a function that a worker can run — the module's URL
 * and the export's name — since a function itself cannot be sent to another
 * thread. The reference is plain data, typed with the function's signature.
 *
 * @module
 */

import { isInstance } from "../_is_instance.ts";
import { describeValue, uninspectable } from "../_describe.ts";

declare const SIGNATURE: unique symbol;

/**
 * A function exported by a module, named so a worker can import and call it.
 * `A` and `R` are its parameters and (awaited) result, for type checking only.
 */
export interface WorkerFunction<A extends unknown[] = unknown[], R = unknown> {
  /** The module's absolute URL (`file:`, `http(s):`, `data:` or `blob:`). */
  readonly module: string;
  /** The export's name. */
  readonly name: string;
  /**
   * Types only: the function's signature, so `toThread` checks arguments and
   * result. Never present at run time, and `@ignore`d: nothing to read in the
   * reference, while the npm declarations keep it (a tag for internal
   * members would make tsc's `stripInternal` drop it).
   *
   * @ignore
   */
  readonly [SIGNATURE]?: (...args: A) => R;
}

/**
 * Names the function `name` exported by the module at `module`, for
 * {@linkcode toThread} and `WorkerPool.submit`. Give the function's type to
 * check arguments and result: `workerFunction<typeof import("./jobs.ts").fib>(url, "fib")`.
 *
 * Where the URL comes from, per runtime: in Deno and Node,
 * `new URL("./jobs.ts", import.meta.url)` (Node needs JavaScript: point at the
 * built `.js`); in a browser bundle, the URL of a separate bundle of the
 * worker module (the worker imports it by URL, so it cannot be inlined into
 * the page's bundle).
 *
 * @param module The module's absolute URL.
 * @param name The name it exports the function under.
 * @returns A reference that is plain data (structured-cloneable).
 * @throws {TypeError} When `module` is not an absolute URL or `name` not a non-empty string.
 *
 * @example Running a function from a module in a worker
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { run } from "yieldio";
 * import { toThread, workerFunction } from "yieldio/threads";
 * // A data: URL keeps this example self-contained; normally: new URL("./jobs.ts", import.meta.url).
 * const jobs = "data:text/javascript,export function add(a, b) { return a + b; }";
 * const add = workerFunction<(a: number, b: number) => number>(jobs, "add");
 * assertEquals(await run(function* () {
 *   return yield* toThread(add, 2, 3);
 * }), 5);
 * ```
 */
export function workerFunction<F extends (...args: never[]) => unknown>(
  module: string | URL,
  name: string,
): WorkerFunction<Parameters<F>, Awaited<ReturnType<F>>> {
  const url = absoluteUrl(module);
  if (typeof name !== "string" || name === "") {
    throw new TypeError(`workerFunction expects the export's name as a non-empty string, got ${describeValue(name)}`);
  }
  return Object.freeze({ module: url, name });
}

/** @internal Checks a reference made by hand (or by a copy of yieldio in another bundle). */
export function checkWorkerFunction(fn: unknown, caller: string): asserts fn is WorkerFunction {
  let module: unknown, name: unknown;
  try {
    ({ module, name } = (fn ?? {}) as Partial<WorkerFunction>);
  } catch (error) {
    throw uninspectable(caller, "a function reference made by workerFunction(moduleUrl, name)", fn, error);
  }
  if (typeof fn !== "object" || typeof module !== "string" || typeof name !== "string") {
    throw new TypeError(
      `${caller} expects a function reference made by workerFunction(moduleUrl, name), got ${describeValue(fn)}` +
        (typeof fn === "function" ? ": a function cannot be sent to a worker; export it from a module" : ""),
    );
  }
}

function absoluteUrl(module: unknown): string {
  if (isInstance(module, URL)) return module.href;
  if (typeof module === "string") {
    try {
      return new URL(module).href;
    } catch {
      // Relative: a worker has no base to resolve it against.
    }
  }
  throw new TypeError(
    `workerFunction expects the module's absolute URL, such as new URL("./jobs.ts", import.meta.url), got ${
      describeValue(module)
    }`,
  );
}
