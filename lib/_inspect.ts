/**
 * Makes `console.log`, Deno's inspector and Node's `util.inspect` print a
 * yieldio object through its `toString()` (`<Task pending name=Task-3 ...>`)
 * instead of dumping private state.
 *
 * @module
 */

const DENO_INSPECT = Symbol.for("Deno.customInspect");
const NODE_INSPECT = Symbol.for("nodejs.util.inspect.custom");

/**
 * A base class with both runtimes' custom-inspect hooks, for the classes a
 * program may not use (locks, queues, pools): extending it keeps them
 * droppable by a bundler's tree-shaking, where a top-level
 * {@linkcode printsAsToString} call is a side effect that keeps its class.
 */
export class PrintsAsToString {
  /** @internal Deno's `console.log` and inspector. */
  [DENO_INSPECT](): string {
    return this.toString();
  }

  /** @internal Node's `util.inspect`. */
  [NODE_INSPECT](): string {
    return this.toString();
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
        return this.toString();
      },
      configurable: true,
      writable: true,
    });
  }
}
