/**
 * Makes `console.log`, Deno's inspector and Node's `util.inspect` print a
 * yieldio object through its `toString()` (`<Task pending name=Task-3 ...>`)
 * instead of dumping private state.
 *
 * @module
 */

const DENO_INSPECT = Symbol.for("Deno.customInspect");
const NODE_INSPECT = Symbol.for("nodejs.util.inspect.custom");

/** Installs both runtimes' custom-inspect hooks on a class's prototype. */
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
