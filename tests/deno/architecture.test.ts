/**
 * The architecture, checked (STYLE.md rules 1–3): folders under lib/ are
 * layers and imports point only down; no cycle among runtime imports; every
 * specifier is a relative `.ts` path so the files are importable by URL;
 * mod.ts is a doc comment plus export lines; nothing is a `utils.ts`; private
 * `_x.ts` files are never re-exported. Files are cut by concept, never by a
 * line count (STYLE.md rule 1): the loop is one class in one file however
 * long it is, so no size is checked here.
 *
 * Deno-only (it reads the source tree). The scanner is a small lexer that
 * masks comments, strings, template literals and regex literals, so the
 * `import` lines inside JSDoc examples are not mistaken for real imports; the
 * first tests run it on fixtures so every check is shown to be able to fail.
 *
 * Layers (an import may point at its own layer or one listed after it):
 *
 * | file                         | may import                                   |
 * |------------------------------|----------------------------------------------|
 * | `lib/*.ts` (root files)      | root files                                    |
 * | `lib/loop/**`                | loop, root                                    |
 * | `lib/task/**`                | task, loop, root                              |
 * | `lib/combinators/**`         | combinators, task, loop, root                 |
 * | `lib/sync/**`                | sync, task, loop, root                        |
 * | `lib/threads/**` (an entry)  | threads, task, loop, root                     |
 * | `lib/observe/**`             | observe, task, loop, root                     |
 * | `lib/io/**` (an entry)       | io, combinators, sync, task, loop, root       |
 * | `lib/inspector/**` (an entry) | inspector, observe, task, loop, root         |
 * | `lib/testing/**` (an entry)  | testing, observe, task, loop, root, `lib/io/_resources.ts` |
 * | `lib/io/**` (an entry)       | io, combinators, sync, task, loop, root       |
 * | `lib/lint/**` (an entry)     | lint only: the lint plugin loads without the library |
 * | `mod.ts`                     | anything under lib/ but the other entries     |
 *
 * `lib/testing/`, `lib/threads/`, `lib/inspector/`, `lib/io/` and `lib/lint/` are
 * entries of their own (`./testing`, `./threads`, `./inspector`, `./io`, `./lint` in
 * deno.json): each `mod.ts` is, like the root one, a doc comment plus export
 * lines; nothing else under lib/ imports them and the core's mod.ts does not
 * export them, so they stay out of the core bundle.
 *
 * `lib/io/` is the I/O entry (`./io` in deno.json), kept out of the core so
 * that mod.ts holds no host API. It alone may name Node's built-in modules,
 * and only as `import("node:…")` or a type-only import: a static runtime
 * `node:` import would load Node's modules in every runtime and break
 * browser bundles. The testing kit may import one I/O file,
 * `lib/io/_resources.ts` (no host code, no module state): its sanitizer reads
 * the registry of open I/O resources from it, without bundling the I/O layer
 * into a test that does not use it.
 *
 * The layer rule applies to type-only imports too (the loop knows nothing of
 * Future or Task, not even their types). The cycle rule counts only runtime
 * imports: type-only mutual imports within one layer (future.ts ⇄
 * event_loop.ts, for instance) are allowed, because they vanish when the
 * TypeScript is stripped. `import { type A, type B }` with every name marked
 * `type` counts as type-only, as TypeScript, Deno and esbuild elide it.
 */

import { assert, assertEquals } from "@std/assert";

const REPO = new URL("../../", import.meta.url);

// ------------------------------------------------------------------ scanner

/**
 * Masks what is not code, keeping every offset: comments become spaces, and
 * the contents of strings, template literals and regex literals become `_`
 * (newlines stay, quotes stay). Matching import syntax on the masked text can
 * then never be fooled by a comment or a string, and a match's offsets read
 * the real specifier back from the source.
 */
export function maskSource(src: string): string {
  let out = "";
  let i = 0;
  const n = src.length;
  /** One entry per open `${`: the `{` depth inside that template expression. */
  const templateDepths: number[] = [];
  let prev = ""; // last significant code character
  let word = ""; // last identifier-like word in code
  const mask = (ch: string): string => ch === "\n" ? "\n" : "_";

  const copyQuoted = (quote: string): void => {
    out += src[i++];
    while (i < n && src[i] !== quote && src[i] !== "\n") {
      if (src[i] === "\\" && i + 1 < n) out += mask(src[i++]);
      out += mask(src[i++]);
    }
    if (i < n) out += src[i++];
  };

  /** Masks template text from after "`" (or after a closing "}") up to "`" or "${". */
  const copyTemplate = (): void => {
    while (i < n) {
      const c = src[i];
      if (c === "\\" && i + 1 < n) {
        out += mask(src[i++]) + mask(src[i++]);
      } else if (c === "`") {
        out += src[i++];
        return;
      } else if (c === "$" && src[i + 1] === "{") {
        out += "${";
        i += 2;
        templateDepths.push(0);
        return;
      } else {
        out += mask(src[i++]);
      }
    }
  };

  const regexMayStart = (): boolean =>
    prev === "" || "(,=:[!&|?{};+-*%<>~^".includes(prev) ||
    ["return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw", "yield", "await"]
      .includes(word);

  while (i < n) {
    const c = src[i];
    const next = src[i + 1];
    if (c === "/" && next === "/") {
      while (i < n && src[i] !== "\n") {
        out += " ";
        i++;
      }
      continue;
    }
    if (c === "/" && next === "*") {
      const end = src.indexOf("*/", i + 2);
      const stop = end === -1 ? n : end + 2;
      out += src.slice(i, stop).replace(/[^\n]/g, " ");
      i = stop;
      continue;
    }
    if (c === '"' || c === "'") {
      copyQuoted(c);
      prev = c;
      word = "";
      continue;
    }
    if (c === "`") {
      out += src[i++];
      copyTemplate();
      prev = "`";
      word = "";
      continue;
    }
    if (c === "{" && templateDepths.length > 0) templateDepths[templateDepths.length - 1]++;
    if (c === "}" && templateDepths.length > 0) {
      if (templateDepths[templateDepths.length - 1] === 0) {
        templateDepths.pop();
        out += src[i++];
        copyTemplate();
        prev = "`";
        word = "";
        continue;
      }
      templateDepths[templateDepths.length - 1]--;
    }
    if (c === "/" && regexMayStart()) {
      out += src[i++];
      let inClass = false;
      while (i < n && src[i] !== "\n") {
        const r = src[i];
        if (r === "\\" && i + 1 < n) {
          out += mask(src[i++]);
        } else if (r === "[") {
          inClass = true;
        } else if (r === "]") {
          inClass = false;
        } else if (r === "/" && !inClass) {
          break;
        }
        out += mask(src[i++]);
      }
      if (i < n) out += src[i++];
      prev = "/";
      word = "";
      continue;
    }
    out += src[i++];
    if (/[\w$]/.test(c)) {
      word = /[\w$]/.test(src[i - 2] ?? "") ? word + c : c;
      prev = c;
    } else if (!/\s/.test(c)) {
      prev = c;
      word = "";
    }
  }
  return out;
}

/** One import or re-export found in a file. */
export interface ImportRef {
  specifier: string;
  typeOnly: boolean;
  kind: "import" | "export" | "side-effect" | "dynamic";
  line: number;
}

const CLAUSE = String.raw`(?:\*\s*(?:as\s+[\w$]+)?|\{[^}]*\}|[\w$]+(?:\s*,\s*(?:\{[^}]*\}|\*\s*as\s+[\w$]+))?)`;
const FROM_RE = new RegExp(
  String.raw`(?:^|[;{}\n])[ \t]*(import|export)\s+(type\s+)?(${CLAUSE})\s*from\s*(["'])([^"'\n]+)\4`,
  "dg",
);
const SIDE_EFFECT_RE = /(?:^|[;{}\n])[ \t]*(import)\s*(["'])([^"'\n]+)\2/dg;
const DYNAMIC_RE = /\b(import)\s*\(\s*(["'])([^"'\n]+)\2\s*\)/dg;

/**
 * Every static import, re-export, side-effect import and string-literal
 * dynamic import in `src`, with whether it is type-only.
 */
export function scanImports(src: string): ImportRef[] {
  const code = maskSource(src);
  const found: { at: number; ref: Omit<ImportRef, "line"> }[] = [];
  const text = (m: RegExpExecArray | RegExpMatchArray, group: number): string => {
    const [start, end] = m.indices![group]!;
    return src.slice(start, end);
  };
  for (const m of code.matchAll(FROM_RE)) {
    const clause = text(m, 3);
    const names = clause.startsWith("{") ? clause.slice(1, -1).split(",").map((s) => s.trim()).filter(Boolean) : [];
    const allInlineTypes = names.length > 0 && names.every((name) => /^type\s/.test(name));
    found.push({
      at: m.indices![1]![0],
      ref: { specifier: text(m, 5), typeOnly: m[2] !== undefined || allInlineTypes, kind: m[1] as "import" | "export" },
    });
  }
  for (const m of code.matchAll(SIDE_EFFECT_RE)) {
    found.push({ at: m.indices![1]![0], ref: { specifier: text(m, 3), typeOnly: false, kind: "side-effect" } });
  }
  for (const m of code.matchAll(DYNAMIC_RE)) {
    found.push({ at: m.indices![1]![0], ref: { specifier: text(m, 3), typeOnly: false, kind: "dynamic" } });
  }
  found.sort((a, b) => a.at - b.at);
  return found.map(({ at, ref }) => ({ ...ref, line: src.slice(0, at).split("\n").length }));
}

// ------------------------------------------------------------------ the tree

interface SourceFile {
  path: string; // relative to the repo, with "/"
  text: string;
  imports: ImportRef[];
}

function listTs(dir: URL, prefix: string): string[] {
  const paths: string[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    if (entry.isDirectory) paths.push(...listTs(new URL(`${entry.name}/`, dir), `${prefix}${entry.name}/`));
    else if (entry.isFile && entry.name.endsWith(".ts")) paths.push(`${prefix}${entry.name}`);
  }
  return paths.sort();
}

function loadTree(): SourceFile[] {
  const paths = ["mod.ts", ...listTs(new URL("lib/", REPO), "lib/")];
  return paths.map((path) => {
    const text = Deno.readTextFileSync(new URL(path, REPO));
    return { path, text, imports: scanImports(text) };
  });
}

/** Resolves a relative specifier against the importing file's path; null when not relative. */
function resolve(from: string, specifier: string): string | null {
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) return null;
  const parts = from.split("/").slice(0, -1);
  for (const part of specifier.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== ".") parts.push(part);
  }
  return parts.join("/");
}

type Layer =
  | "root"
  | "loop"
  | "task"
  | "combinators"
  | "sync"
  | "threads"
  | "observe"
  | "inspector"
  | "testing"
  | "lint"
  | "io"
  | "entry"
  | `unknown ${string}`;

function layerOf(path: string): Layer {
  if (path === "mod.ts") return "entry";
  const parts = path.split("/");
  if (parts[0] !== "lib") return `unknown ${path}`;
  if (parts.length === 2) return "root";
  const folder = parts[1];
  if (
    ["loop", "task", "combinators", "sync", "threads", "observe", "inspector", "testing", "lint", "io"].includes(folder)
  ) {
    return folder as Layer;
  }
  return `unknown lib/${folder}/`;
}

const ALLOWED: Record<string, readonly Layer[]> = {
  root: ["root"],
  loop: ["root", "loop"],
  task: ["root", "loop", "task"],
  combinators: ["root", "loop", "task", "combinators"],
  sync: ["root", "loop", "task", "sync"],
  // Threads are an entry too (deno.json's "./threads"): mod.ts never imports them.
  threads: ["root", "loop", "task", "threads"],
  observe: ["root", "loop", "task", "observe"],
  // The inspector page is its own entry (deno.json's "./inspector"): mod.ts never imports it.
  inspector: ["root", "loop", "task", "observe", "inspector"],
  // The testing kit is an entry too (deno.json's "./testing"): nothing else imports it.
  testing: ["root", "loop", "task", "observe", "testing"],
  // The lint plugin is an entry too (deno.json's "./lint"), loaded by `deno lint`: it imports nothing else.
  lint: ["lint"],
  // The I/O layer is an entry too (deno.json's "./io"): mod.ts never imports it.
  io: ["root", "loop", "task", "combinators", "sync", "io"],
  entry: ["root", "loop", "task", "combinators", "sync", "observe"],
};

/** The one I/O file the testing kit may import: the registry of open resources, with no host code. */
const RESOURCE_REGISTRY = "lib/io/_resources.ts";

/** Upward or sideways imports, and files in folders that are no known layer. */
function layerViolations(files: SourceFile[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const from = layerOf(file.path);
    const allowed = ALLOWED[from];
    if (allowed === undefined) {
      problems.push(`${file.path}: ${from} is not a known layer (add it to the layer table)`);
      continue;
    }
    for (const ref of file.imports) {
      const target = resolve(file.path, ref.specifier);
      if (target === null) continue; // reported by the specifier check
      const to = layerOf(target);
      if (from === "testing" && target === RESOURCE_REGISTRY) continue;
      if (!allowed.includes(to)) {
        problems.push(`${file.path}:${ref.line}: ${from} may not import ${target} (${to})`);
      }
    }
  }
  return problems;
}

/** Every cycle (strongly connected component) among runtime imports, each as a list of paths. */
function runtimeCycles(files: SourceFile[]): string[][] {
  const edges = new Map<string, string[]>();
  for (const file of files) {
    edges.set(
      file.path,
      file.imports.filter((r) => !r.typeOnly).map((r) => resolve(file.path, r.specifier)).filter((t): t is string =>
        t !== null
      ),
    );
  }
  // Tarjan's algorithm.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!edges.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (edges.get(v) ?? []).includes(v)) cycles.push(component.sort());
    }
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles;
}

/** Whether `ref` is a `node:` module that lib/io may name: lazily (dynamic) or for types only. */
function nodeBuiltinAllowed(path: string, ref: ImportRef): boolean {
  return path.startsWith("lib/io/") && ref.specifier.startsWith("node:") && (ref.kind === "dynamic" || ref.typeOnly);
}

/** Specifiers that are bare or import-mapped, lack `.ts`, or point at no file. */
function specifierViolations(files: SourceFile[], exists: (path: string) => boolean): string[] {
  const problems: string[] = [];
  for (const file of files) {
    for (const ref of file.imports) {
      const where = `${file.path}:${ref.line}: "${ref.specifier}"`;
      const target = resolve(file.path, ref.specifier);
      if (target === null && nodeBuiltinAllowed(file.path, ref)) continue;
      if (target === null) problems.push(`${where} is bare or import-mapped; use a relative path`);
      else if (!ref.specifier.endsWith(".ts")) problems.push(`${where} lacks the .ts extension`);
      else if (!exists(target)) problems.push(`${where} names no file (${target})`);
    }
  }
  return problems;
}

/** What in an entry (`mod.ts`, `lib/testing/mod.ts`) is neither the leading @module doc comment nor an export line. */
function entryViolations(text: string, entry = "mod.ts"): string[] {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith("/**")) return [`${entry} must open with a /** … @module */ doc comment`];
  const docEnd = trimmed.indexOf("*/");
  const doc = trimmed.slice(0, docEnd + 2);
  const problems: string[] = [];
  if (!doc.includes("@module")) problems.push(`${entry}'s opening doc comment lacks @module`);
  const rest = trimmed.slice(docEnd + 2);
  const EXPORT = /\s*export\s+(?:type\s+)?(?:\{[^}]*\}|\*(?:\s+as\s+[\w$]+)?)\s+from\s+"[^"\n]+";/y;
  let at = 0;
  while (at < rest.length) {
    EXPORT.lastIndex = at;
    const m = EXPORT.exec(rest);
    if (m !== null) {
      at = EXPORT.lastIndex;
      continue;
    }
    const tail = rest.slice(at);
    if (tail.trim() === "") break;
    problems.push(`${entry} has something other than an export line: ${JSON.stringify(tail.trim().split("\n")[0])}`);
    break;
  }
  return problems;
}

/** Files named utils.ts: a file is named after the one concept it holds. */
function utilsFiles(files: SourceFile[]): string[] {
  return files
    .filter((file) => file.path.startsWith("lib/") && /(^|\/)utils\.ts$/.test(file.path))
    .map((file) => `${file.path}: no utils.ts; name the file after what it does`);
}

/** An entry's exports whose file name starts with "_" (private by convention). */
function privateReexports(entry: SourceFile): string[] {
  return entry.imports.filter((r) => (r.specifier.split("/").pop() ?? "").startsWith("_")).map((r) =>
    `${entry.path}:${r.line} re-exports the private file ${r.specifier}`
  );
}

function fixture(files: Record<string, string>): SourceFile[] {
  return Object.entries(files).map(([path, text]) => ({ path, text, imports: scanImports(text) }));
}

// ------------------------------------------------------------------ the checks, shown able to fail

Deno.test("the import scanner ignores comments, strings, templates and regex literals and sees every import form", () => {
  const src = [
    `/**`,
    ` * @example`,
    ` * import { run } from "yieldio";`,
    ` */`,
    `// import { nope } from "./commented.ts";`,
    `import { a, type B } from "./a.ts";`,
    `import type { C } from "../c.ts";`,
    `import {`,
    `  type D,`,
    `  type E,`,
    `} from "./de.ts";`,
    `import * as ns from "./ns.ts";`,
    `import def, { f } from "./def.ts";`,
    `import "./side.ts";`,
    `export { g } from "./g.ts";`,
    `export type { H } from "./h.ts";`,
    `export * from "./star.ts";`,
    `const s = "import x from './in-a-string.ts'";`,
    `const s2 = "x\\"; import fake from './escaped-quote-string.ts'";`,
    `const t = \`import y from "./in-a-template.ts" \${ { a: "}" }.a } import z from "./still-template.ts"\`;`,
    `const r = /[/\\\\]lib[/\\\\]/.test(s) ? 1 : 2; // a regex with slashes`,
    `const lazy = () => import("./dynamic.ts");`,
    `export function fromPromise() {}`,
  ].join("\n");
  const refs = scanImports(src).map((r) => [r.kind, r.specifier, r.typeOnly, r.line]);
  assertEquals(refs, [
    ["import", "./a.ts", false, 6],
    ["import", "../c.ts", true, 7],
    ["import", "./de.ts", true, 8],
    ["import", "./ns.ts", false, 12],
    ["import", "./def.ts", false, 13],
    ["side-effect", "./side.ts", false, 14],
    ["export", "./g.ts", false, 15],
    ["export", "./h.ts", true, 16],
    ["export", "./star.ts", false, 17],
    ["dynamic", "./dynamic.ts", false, 22],
  ]);
});

Deno.test("the layer check flags upward and sideways imports and unknown folders", () => {
  const files = fixture({
    "lib/errors.ts": `import { x } from "./loop/a.ts";`,
    "lib/loop/a.ts": `import type { T } from "../task/t.ts";\nimport { e } from "../errors.ts";`,
    "lib/task/t.ts": `import { a } from "../loop/a.ts";\nimport { g } from "../combinators/g.ts";`,
    "lib/sync/lock.ts": `import { g } from "../combinators/g.ts";\nimport { t } from "../task/t.ts";`,
    "lib/combinators/g.ts": `import { w } from "./w.ts";`,
    "lib/misc/m.ts": ``,
  });
  assertEquals(layerViolations(files), [
    "lib/errors.ts:1: root may not import lib/loop/a.ts (loop)",
    "lib/loop/a.ts:1: loop may not import lib/task/t.ts (task)",
    "lib/task/t.ts:2: task may not import lib/combinators/g.ts (combinators)",
    "lib/sync/lock.ts:1: sync may not import lib/combinators/g.ts (combinators)",
    "lib/misc/m.ts: unknown lib/misc/ is not a known layer (add it to the layer table)",
  ]);
});

Deno.test("the layer check keeps the testing kit a separate entry: only lib/testing/ imports it, mod.ts does not export it", () => {
  const files = fixture({
    "mod.ts": `export { runTest } from "./lib/testing/mod.ts";`,
    "lib/sync/lock.ts": `import { waitAllTasksBlocked } from "../testing/wait.ts";`,
    "lib/testing/mod.ts": `export { runTest } from "./run_test.ts";`,
    "lib/testing/run_test.ts": `import { run } from "../task/runner.ts";\nimport { Lock } from "../sync/lock.ts";`,
  });
  assertEquals(layerViolations(files), [
    "mod.ts:1: entry may not import lib/testing/mod.ts (testing)",
    "lib/sync/lock.ts:1: sync may not import lib/testing/wait.ts (testing)",
    "lib/testing/run_test.ts:2: testing may not import lib/sync/lock.ts (sync)",
  ]);
  assertEquals(entryViolations(`/** Kit. @module */\nconst x = 1;\n`, "lib/testing/mod.ts"), [
    `lib/testing/mod.ts has something other than an export line: "const x = 1;"`,
  ]);
});

Deno.test("the layer check keeps lib/io an entry the core never imports, and lets the testing kit read only its resource registry", () => {
  const files = fixture({
    "mod.ts": `export { openConnection } from "./lib/io/open_connection.ts";`,
    "lib/io/open_connection.ts": `import { Queue } from "../sync/queue.ts";\nimport { x } from "../threads/x.ts";`,
    "lib/testing/_sanitizer.ts":
      `import { _openResources } from "../io/_resources.ts";\nimport { s } from "../io/server.ts";`,
  });
  assertEquals(layerViolations(files), [
    "mod.ts:1: entry may not import lib/io/open_connection.ts (io)",
    "lib/io/open_connection.ts:2: io may not import lib/threads/x.ts (threads)",
    "lib/testing/_sanitizer.ts:2: testing may not import lib/io/server.ts (io)",
  ]);
});

Deno.test("the specifier check lets lib/io name node: modules only lazily or for types", () => {
  const files = fixture({
    "lib/io/a.ts": [
      `const net = () => import("node:net");`,
      `import type { Socket } from "node:net";`,
      `import { spawn } from "node:child_process";`,
    ].join("\n"),
    "lib/task/b.ts": `const net = () => import("node:net");`,
  });
  assertEquals(specifierViolations(files, () => true), [
    `lib/io/a.ts:3: "node:child_process" is bare or import-mapped; use a relative path`,
    `lib/task/b.ts:1: "node:net" is bare or import-mapped; use a relative path`,
  ]);
});

Deno.test("the cycle check finds runtime cycles and ignores type-only mutual imports", () => {
  const files = fixture({
    "lib/task/a.ts": `import { b } from "./b.ts";`,
    "lib/task/b.ts": `import { c } from "./c.ts";`,
    "lib/task/c.ts": `import { a } from "./a.ts";`,
    "lib/task/x.ts": `import type { Y } from "./y.ts";`,
    "lib/task/y.ts": `import { x } from "./x.ts";\nimport { type Z } from "./z.ts";`,
    "lib/task/z.ts": `import { type Y } from "./y.ts";`,
  });
  assertEquals(runtimeCycles(files), [["lib/task/a.ts", "lib/task/b.ts", "lib/task/c.ts"]]);
});

Deno.test("the specifier check flags bare, mapped, extensionless and dangling specifiers", () => {
  const files = fixture({
    "lib/task/a.ts": [
      `import { x } from "yieldio";`,
      `import { y } from "@std/assert";`,
      `import { z } from "./b";`,
      `import { w } from "./missing.ts";`,
      `import { v } from "./b.ts";`,
      `import { u } from "https://example.com/u.ts";`,
    ].join("\n"),
    "lib/task/b.ts": "",
  });
  const exists = (p: string) => files.some((f) => f.path === p);
  assertEquals(specifierViolations(files, exists), [
    `lib/task/a.ts:1: "yieldio" is bare or import-mapped; use a relative path`,
    `lib/task/a.ts:2: "@std/assert" is bare or import-mapped; use a relative path`,
    `lib/task/a.ts:3: "./b" lacks the .ts extension`,
    `lib/task/a.ts:4: "./missing.ts" names no file (lib/task/missing.ts)`,
    `lib/task/a.ts:6: "https://example.com/u.ts" is bare or import-mapped; use a relative path`,
  ]);
});

Deno.test("the mod.ts check accepts doc + export lines and flags anything else", () => {
  const good =
    `/**\n * Doc.\n *\n * @module\n */\n\nexport { a } from "./lib/a.ts";\nexport type {\n  B,\n} from "./lib/b.ts";\nexport * from "./lib/c.ts";\n`;
  assertEquals(entryViolations(good), []);
  assertEquals(entryViolations(good + `const x = 1;\n`), [
    `mod.ts has something other than an export line: "const x = 1;"`,
  ]);
  assertEquals(entryViolations(good.replace("@module", "")), ["mod.ts's opening doc comment lacks @module"]);
  assertEquals(entryViolations(`export { a } from "./lib/a.ts";\n`), [
    "mod.ts must open with a /** … @module */ doc comment",
  ]);
  assertEquals(entryViolations(good + `// a stray comment\n`), [
    `mod.ts has something other than an export line: "// a stray comment"`,
  ]);
});

Deno.test("the name check flags utils.ts, and the private-file check flags _x.ts re-exports", () => {
  const files = fixture({
    "lib/utils.ts": "",
    "lib/task/utils_of_tasks.ts": "",
    "lib/task/long.ts": "x\n".repeat(5000),
    "mod.ts": `export { a } from "./lib/_private.ts";\nexport { b } from "./lib/public.ts";`,
  });
  assertEquals(utilsFiles(files), ["lib/utils.ts: no utils.ts; name the file after what it does"]);
  assertEquals(privateReexports(files[3]), ["mod.ts:1 re-exports the private file ./lib/_private.ts"]);
});

// ------------------------------------------------------------------ the real tree

const tree = loadTree();

Deno.test("the tree scan finds mod.ts and the lib/ layers with their imports", () => {
  const paths = tree.map((f) => f.path);
  assert(paths.includes("mod.ts") && paths.includes("lib/errors.ts") && paths.includes("lib/task/task.ts"));
  assert(tree.find((f) => f.path === "mod.ts")!.imports.length > 10);
});

Deno.test("no file under lib/ imports upward or sideways across layers", () => {
  assertEquals(layerViolations(tree), []);
});

Deno.test("runtime imports in mod.ts and lib/ form no cycle (type-only mutual imports within a layer are allowed)", () => {
  assertEquals(runtimeCycles(tree), []);
});

Deno.test("every import in mod.ts and lib/ is a relative path ending in .ts that exists (importable by URL)", () => {
  const exists = (path: string) => {
    try {
      return Deno.statSync(new URL(path, REPO)).isFile;
    } catch {
      return false;
    }
  };
  assertEquals(specifierViolations(tree, exists), []);
});

Deno.test("mod.ts holds only its @module doc comment and export lines", () => {
  assertEquals(entryViolations(tree.find((f) => f.path === "mod.ts")!.text), []);
});

Deno.test("no file under lib/ is named utils.ts", () => {
  assertEquals(utilsFiles(tree), []);
});

Deno.test("mod.ts never re-exports a _-prefixed private file", () => {
  assertEquals(privateReexports(tree.find((f) => f.path === "mod.ts")!), []);
});

for (
  const path of ["lib/testing/mod.ts", "lib/threads/mod.ts", "lib/inspector/mod.ts", "lib/lint/mod.ts", "lib/io/mod.ts"]
) {
  Deno.test(`the entry ${path} is a doc comment plus export lines and re-exports no private file`, () => {
    const entry = tree.find((f) => f.path === path)!;
    assertEquals(entryViolations(entry.text, entry.path), []);
    assertEquals(privateReexports(entry), []);
  });
}

Deno.test("only lib/io names node: modules, and only lazily (import()) or for types", () => {
  const named = tree.flatMap((file) =>
    file.imports.filter((ref) => ref.specifier.startsWith("node:")).map((ref) =>
      `${file.path}:${ref.line} ${ref.kind}${ref.typeOnly ? " (type)" : ""}`
    )
  );
  const outside = named.filter((line) => !line.startsWith("lib/io/"));
  const eager = named.filter((line) => !line.includes(" dynamic") && !line.includes("(type)"));
  assertEquals([outside, eager], [[], []]);
  assert(named.some((line) => line.includes(" dynamic")), "the Node back ends load node:net and friends with import()");
});
