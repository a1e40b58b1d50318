/**
 * The lint rule `yieldio/no-swallowed-cancellation`: a `catch` clause in a
 * generator function, around a `yield`, that can swallow `CancelledError`.
 *
 * A task is cancelled by a `CancelledError` thrown in at its current
 * `yield*`; a JavaScript `catch` catches everything, so a catch-all around a
 * `yield*` that neither rethrows nor looks at the error eats the cancel and
 * the task runs on (and `waitFor`, `taskGroup` or shutdown wait for it
 * forever). The rule flags such a clause when all of these hold:
 * - its nearest enclosing function is a generator function (`function*`);
 * - its `try` block has a `yield` or `yield*` in that same function (only
 *   there can a cancel be thrown in);
 * - its body (outside nested functions) does none of: `throw <binding>`
 *   anywhere; call `rethrowCancellation(<binding>)`; test
 *   `<binding> instanceof CancelledError` or `<binding>.name ===
 *   "CancelledError"`; call `.uncancel()` (a deliberate refusal of the
 *   cancel, as asyncio spells it).
 *
 * It reads syntax only: a rethrow behind a condition counts, whatever the
 * condition; a helper of your own that rethrows does not (call it
 * `rethrowCancellation`, or add a `deno-lint-ignore` with the reason).
 *
 * This file is layer-free: it imports nothing from the library, so the lint
 * entry loads without it.
 *
 * @module
 */

type Node = Deno.lint.Node;
type FunctionNode = Deno.lint.FunctionDeclaration | Deno.lint.FunctionExpression | Deno.lint.ArrowFunctionExpression;

/** A key naming a node across accesses (the linter may hand out a new object per access). */
function keyOf(node: Node): string {
  return `${node.type}@${node.range[0]}:${node.range[1]}`;
}

function isFunction(node: Node): node is FunctionNode {
  return node.type === "FunctionDeclaration" || node.type === "FunctionExpression" ||
    node.type === "ArrowFunctionExpression";
}

/** The ancestors of `node` up to (not past) its nearest function, nearest first. */
function* ancestorsInFunction(node: Node): Generator<Node> {
  for (let at = (node as { parent?: Node }).parent; at !== undefined; at = (at as { parent?: Node }).parent) {
    if (isFunction(at)) return;
    yield at;
  }
}

function nearestFunction(node: Node): FunctionNode | null {
  for (let at = (node as { parent?: Node }).parent; at !== undefined; at = (at as { parent?: Node }).parent) {
    if (isFunction(at)) return at;
  }
  return null;
}

function identifierName(node: Node | null | undefined): string | null {
  return node?.type === "Identifier" ? node.name : null;
}

/** `X` or `ns.X`: the name a callee or a class reference ends with. */
function endName(node: Node): string | null {
  if (node.type === "Identifier") return node.name;
  if (node.type === "MemberExpression" && node.property.type === "Identifier") return node.property.name;
  return null;
}

const MESSAGE =
  "This catch clause can swallow a CancelledError: a cancelled task would carry on as if nothing happened.";
const HINT = "Rethrow cancellation first: `rethrowCancellation(e);` (from yieldio), or " +
  "`if (e instanceof CancelledError) throw e;`. A task that means to refuse the cancel calls " +
  "`currentTask()!.uncancel()`.";

/**
 * The rule object (`Deno.lint.Rule`), as the plugin registers it under
 * `no-swallowed-cancellation`.
 *
 * @example The rule flags a catch-all around a yield* in a generator, and accepts one that rethrows
 * ```ts
 * import { assertEquals } from "@std/assert";
 * import { noSwallowedCancellation } from "yieldio/lint";
 * const plugin = { name: "yieldio", rules: { "no-swallowed-cancellation": noSwallowedCancellation } };
 * const source = [
 *   "function* worker(job: () => Generator) {",
 *   "  try { yield* job(); } catch (e) { console.log(e); }",
 *   "  try { yield* job(); } catch (e) { if (e instanceof CancelledError) throw e; console.log(e); }",
 *   "}",
 * ].join("\n");
 * const found = Deno.lint.runPlugin(plugin, "worker.ts", source);
 * assertEquals(found.map((d) => [d.id, source.slice(0, d.range[0]).split("\n").length]), [
 *   ["yieldio/no-swallowed-cancellation", 2],
 * ]);
 * ```
 */
export const noSwallowedCancellation: Deno.lint.Rule = {
  create(context) {
    /** Try statements whose block yields in its own function. */
    const yieldingTries = new Set<string>();
    /** Catch clauses that rethrow, test for CancelledError or uncancel. */
    const handled = new Set<string>();

    /** Marks the nearest catch clause binding `name` (any clause when `name` is null) that encloses `from`. */
    const markHandled = (from: Node, name: string | null): void => {
      for (const at of ancestorsInFunction(from)) {
        if (at.type !== "CatchClause") continue;
        if (name === null || identifierName(at.param) === name) {
          handled.add(keyOf(at));
          return;
        }
      }
    };
    return {
      YieldExpression(node) {
        let child: Node = node;
        for (const at of ancestorsInFunction(node)) {
          if (at.type === "TryStatement" && keyOf(at.block) === keyOf(child)) yieldingTries.add(keyOf(at));
          child = at;
        }
      },
      ThrowStatement(node) {
        const name = identifierName(node.argument);
        if (name !== null) markHandled(node, name);
      },
      CallExpression(node) {
        const callee = endName(node.callee);
        if (callee === "rethrowCancellation") markHandled(node, identifierName(node.arguments[0]));
        else if (callee === "uncancel") markHandled(node, null);
      },
      BinaryExpression(node) {
        if (node.operator === "instanceof" && endName(node.right) === "CancelledError") {
          markHandled(node, identifierName(node.left));
          return;
        }
        if (node.operator !== "===" && node.operator !== "==") return;
        for (const [side, other] of [[node.left, node.right], [node.right, node.left]] as const) {
          if (
            other.type === "Literal" && other.value === "CancelledError" && side.type === "MemberExpression" &&
            endName(side) === "name"
          ) {
            markHandled(node, identifierName(side.object));
          }
        }
      },
      "CatchClause:exit"(node: Deno.lint.CatchClause) {
        const fn = nearestFunction(node);
        if (fn === null || fn.type === "ArrowFunctionExpression" || !fn.generator) return;
        if (!yieldingTries.has(keyOf(node.parent))) return;
        if (handled.has(keyOf(node))) return;
        context.report({ node, message: MESSAGE, hint: HINT });
      },
    };
  },
};
