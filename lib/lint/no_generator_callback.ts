/**
 * The lint rule `yieldio/no-generator-callback`: a generator function handed
 * to an API that calls it and drops what it returns — `[].forEach`, a timer,
 * an event listener, a promise callback. Calling a generator function only
 * makes a coroutine; nothing drives it, so its body never runs, silently.
 *
 * Flagged: a `function*` expression given as an argument to a call of
 * `forEach`, `setTimeout`, `setInterval`, `queueMicrotask`,
 * `requestAnimationFrame`, `addEventListener`, `then`, `catch` or `finally`
 * (as a function or a method), or the name of a `function*` declared in the
 * same file given there. Not flagged: `map` and the like, whose result may
 * well be the coroutines to `yield*` or `gather`.
 *
 * Layer-free, like the plugin it belongs to.
 *
 * @module
 */

const DROPPING = new Set([
  "forEach",
  "setTimeout",
  "setInterval",
  "queueMicrotask",
  "requestAnimationFrame",
  "addEventListener",
  "then",
  "catch",
  "finally",
]);

const MESSAGE = "A generator function passed here is called and its coroutine dropped: its body never runs.";
const HINT = "Drive it instead: `for (const x of xs) yield* body(x);`, `yield* gather(xs.map(body))`, or " +
  "`createTask(body(x))` from a callback.";

/** `f` or `obj.f`: the name a callee ends with. */
function calleeName(node: Deno.lint.Node): string | null {
  if (node.type === "Identifier") return node.name;
  if (node.type === "MemberExpression" && node.property.type === "Identifier") return node.property.name;
  return null;
}

/**
 * The rule object (`Deno.lint.Rule`), as the plugin registers it under
 * `no-generator-callback`.
 *
 * @example forEach with a generator function never runs it
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { noGeneratorCallback } from "yieldio/lint";
 * const plugin = { name: "yieldio", rules: { "no-generator-callback": noGeneratorCallback } };
 * const source = [
 *   "declare function sleep(ms: number): Generator;",
 *   "[1, 2].forEach(function* (ms) { yield* sleep(ms); });",
 *   "const coros = [1, 2].map(function* (ms) { yield* sleep(ms); });",
 * ].join("\n");
 * const found = Deno.lint.runPlugin(plugin, "loop.ts", source);
 * assertEquals(found.map((d) => [d.id, source.slice(0, d.range[0]).split("\n").length]), [
 *   ["yieldio/no-generator-callback", 2],
 * ]);
 * ```
 */
export const noGeneratorCallback: Deno.lint.Rule = {
  create(context) {
    /** Names of `function*` declarations in the file (resolved at the end: declarations are hoisted). */
    const generators = new Set<string>();
    const named: { name: string; node: Deno.lint.Node }[] = [];
    return {
      FunctionDeclaration(node) {
        if (node.generator && node.id !== null) generators.add(node.id.name);
      },
      CallExpression(node) {
        const callee = calleeName(node.callee);
        if (callee === null || !DROPPING.has(callee)) return;
        for (const arg of node.arguments) {
          if (arg.type === "FunctionExpression" && arg.generator) {
            context.report({ node: arg, message: MESSAGE, hint: HINT });
          } else if (arg.type === "Identifier") named.push({ name: arg.name, node: arg });
        }
      },
      "Program:exit"() {
        for (const { name, node } of named) {
          if (generators.has(name)) context.report({ node, message: MESSAGE, hint: HINT });
        }
      },
    };
  },
};
