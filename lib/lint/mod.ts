/**
 * yieldio's `deno lint` plugin (entry `yieldio/lint`), two rules for the
 * traps JavaScript sets for generator coroutines:
 * `yieldio/no-swallowed-cancellation` flags a `catch` clause in a generator
 * function that can swallow the `CancelledError` a cancel throws in at a
 * `yield*`; `yieldio/no-generator-callback` flags a generator function
 * handed to `forEach`, a timer or a listener, which never runs its body.
 * Layer-free: it imports nothing from the library.
 *
 * ```json
 * { "lint": { "plugins": ["jsr:@yieldio/yieldio/lint"] } }
 * ```
 *
 * @example What it flags, and what it accepts
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import plugin from "yieldio/lint";
 * const source = `
 * function* crawl(fetchPage: (n: number) => Generator<unknown, string>, log: (x: unknown) => void) {
 *   for (let n = 0; ; n++) {
 *     try {
 *       log(yield* fetchPage(n));
 *     } catch (e) {
 *       log(e); // a cancel is logged and the loop goes on: flagged
 *     }
 *     try {
 *       log(yield* fetchPage(n));
 *     } catch (e) {
 *       rethrowCancellation(e); // accepted
 *       log(e);
 *     }
 *   }
 * }`;
 * const lines = Deno.lint.runPlugin(plugin, "crawl.ts", source).map((d) => source.slice(0, d.range[0]).split("\n").length);
 * assertEquals(lines, [6]);
 * ```
 *
 * @module
 */

export { default } from "./plugin.ts";
export { noGeneratorCallback } from "./no_generator_callback.ts";
export { noSwallowedCancellation } from "./no_swallowed_cancellation.ts";
