/**
 * The yieldio lint plugin: the object `deno lint` loads (`Deno.lint.Plugin`),
 * naming its rules.
 *
 * @module
 */

import { noSwallowedCancellation } from "./no_swallowed_cancellation.ts";

/**
 * The plugin, named `yieldio`: its one rule is `no-swallowed-cancellation`.
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
  rules: { "no-swallowed-cancellation": noSwallowedCancellation },
};

export default plugin;
