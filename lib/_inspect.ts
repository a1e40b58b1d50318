/**
 * Makes `console.log`, Deno's inspector and Node's `util.inspect` print a
 * yieldio object through its `toString()` (`<Task pending name=Task-3 ...>`)
 * instead of dumping private state. A hook never throws: a console that
 * prints a value must not fail because of it, so a `toString()` that throws
 * (a task whose name cannot be printed, a subclass gone wrong) gives a
 * placeholder instead.
 *
 * @module
 */

import { safeLabel } from "./_describe.ts";

const DENO_INSPECT = Symbol.for("Deno.customInspect");
const NODE_INSPECT = Symbol.for("nodejs.util.inspect.custom");

/**
 * A base class with both runtimes' custom-inspect hooks, for the classes a
 * program may not use (locks, queues, pools): extending it keeps them
 * droppable by a bundler's tree-shaking, where a top-level
 * {@linkcode printsAsToString} call is a side effect that keeps its class.
 *
 * `@ignore`: public classes extend it, so deno doc would otherwise require it
 * to be public, yet it adds nothing a reader uses (its two hooks are tagged
 * internal). The class itself must not be tagged internal: the npm
 * declarations keep the class their `extends` clauses name, and tsc's
 * `stripInternal` drops any declaration whose comment has that tag anywhere,
 * even in prose, so this comment never spells it.
 *
 * @ignore
 */
export class PrintsAsToString {
  /** @internal Deno's `console.log` and inspector. */
  [DENO_INSPECT](): string {
    return printed(this);
  }

  /** @internal Node's `util.inspect`. */
  [NODE_INSPECT](): string {
    return printed(this);
  }
}

/**
 * Installs both runtimes' custom-inspect hooks on a class's prototype: for the
 * core classes every program keeps anyway (Future, Handle, Sleep), which
 * then need no base class in their constructor chain.
 */
export function printsAsToString(cls: { prototype: { toString(): string } }): void {
  for (const key of [DENO_INSPECT, NODE_INSPECT]) {
    Object.defineProperty(cls.prototype, key, {
      value: function (this: { toString(): string }): string {
        return printed(this);
      },
      configurable: true,
      writable: true,
    });
  }
}

/** `value.toString()` as one safe line, or a placeholder when it throws or gives no string. */
function printed(value: { toString(): string }): string {
  try {
    const text: unknown = value.toString();
    if (typeof text === "string") return safeLabel(text);
  } catch {
    // fall through to the placeholder
  }
  return "<unprintable yieldio object: its toString() failed>";
}
