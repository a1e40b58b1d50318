/**
 * The yieldio lint plugin: the object `deno lint` loads (`Deno.lint.Plugin`),
 * naming its rules.
 *
 * @module
 */

import { noGeneratorCallback } from "./no_generator_callback.ts";
import { noSwallowedCancellation } from "./no_swallowed_cancellation.ts";

/**
 * The plugin, named `yieldio`, with two rules: `no-swallowed-cancellation`
 * (a catch-all in a generator that eats a cancel) and `no-generator-callback`
 * (a generator function handed to `forEach`, a timer or a listener, which
 * never runs it).
 * List the entry in `lint.plugins` of deno.json (`"jsr:@yieldio/yieldio/lint"`,
 * or a path to `lib/lint/mod.ts`) and `deno lint` runs it.
 *
 * @example Run by hand, as a test does
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import plugin from "yieldio/lint";
 * const source = "function* f(g: () => Generator) { try { yield* g(); } catch { /* ignored *\/ } }";
 * assertEquals(Deno.lint.runPlugin(plugin, "f.ts", source).map((d) => d.id), ["yieldio/no-swallowed-cancellation"]);
 * ```
 */
const plugin: Deno.lint.Plugin = {
  name: "yieldio",
  rules: {
    "no-swallowed-cancellation": noSwallowedCancellation,
    "no-generator-callback": noGeneratorCallback,
  },
};

export default plugin;
