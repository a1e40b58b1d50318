// The API reference (tests/_harness/api_docs.ts) against an independent
// account of the API: TypeScript's checker, which knows every member a class
// has, inherited ones included. For every class an entry exports, its page
// must show each public member — own or inherited, instance or static — and
// no member marked @internal, and no page may exist for an @internal member.
import { assert, assertEquals } from "@std/assert";
import ts from "typescript";
import { buildApiDocs, declaresIgnoredClass } from "../_harness/api_docs.ts";
import { readPackageInfo } from "../_harness/_package.ts";
import { ROOT } from "../_harness/_repo.ts";

interface ClassApi {
  name: string;
  /** The entry's page folder: "" for ".", "testing/" for "./testing". */
  dir: string;
  /** Public members by name, `static ` first for a static one. */
  public: Set<string>;
  /** Members marked @internal. */
  internal: Set<string>;
}

/** Every class each entry exports, with its members as TypeScript's checker sees them. */
async function classesByChecker(): Promise<ClassApi[]> {
  const info = await readPackageInfo();
  const program = ts.createProgram(info.entries.map((entry) => `${ROOT}${entry.source}`), {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    noEmit: true,
    lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
    types: [],
  });
  const checker = program.getTypeChecker();
  const classes: ClassApi[] = [];
  for (const entry of info.entries) {
    const module = checker.getSymbolAtLocation(program.getSourceFile(`${ROOT}${entry.source}`)!)!;
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      if (!(symbol.flags & ts.SymbolFlags.Class) || classes.some((c) => c.name === exported.name)) continue;
      const api: ClassApi = {
        name: exported.name,
        dir: entry.subpath === "." ? "" : `${entry.subpath.slice(2)}/`,
        public: new Set(),
        internal: new Set(),
      };
      const sides: [string, ts.Type][] = [
        ["", checker.getDeclaredTypeOfSymbol(symbol)],
        ["static ", checker.getTypeOfSymbol(symbol)],
      ];
      for (const [prefix, type] of sides) {
        for (const member of checker.getPropertiesOfType(type)) {
          const declarations = member.declarations ?? [];
          // Members of built-in ancestors (Error's message, stack…) are the platform's, documented there.
          const file = declarations[0]?.getSourceFile().fileName ?? "";
          if (!file.startsWith(ROOT) || file.startsWith(`${ROOT}node_modules/`)) continue;
          // `#private` members and the class's own `prototype` are no one's API.
          if (member.name.startsWith("#") || member.name === "prototype") continue;
          const modifiers = ts.getCombinedModifierFlags(declarations[0]);
          if (modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
          const name = prefix + checker.symbolToString(member);
          const internal = declarations.some((d) => ts.getJSDocTags(d).some((tag) => tag.tagName.text === "internal"));
          (internal ? api.internal : api.public).add(name);
        }
      }
      classes.push(api);
    }
  }
  return classes;
}

/** The members a class page shows: its entries' names, `static ` first in a static section. */
function membersOnPage(html: string): Set<string> {
  const main = html.slice(html.indexOf("<main"), html.indexOf("</main>"));
  const names = new Set<string>();
  let isStatic = false;
  const marks =
    /<section class="section"\s+id="([^"]*)"|<div class="anchorable docEntry" id="(?:method|property|accessor)_[^"]*">\s*<div class="docEntryHeader">[^]*?class="font-bold font-lg(?: link)?"[^>]*>([^<]*)</g;
  for (const m of main.matchAll(marks)) {
    if (m[1] !== undefined) isStatic = m[1].startsWith("static-");
    else names.add((isStatic ? "static " : "") + m[2].replaceAll("&quot;", '"'));
  }
  return names;
}

Deno.test("the API reference shows every public member of every exported class, inherited ones too, and no @internal one", async () => {
  const out = `${await Deno.makeTempDir({ prefix: "yieldio_docs_test_" })}/`;
  try {
    const [classes, report] = await Promise.all([classesByChecker(), buildApiDocs(out)]);
    assert(classes.length > 30, `the checker found only ${classes.length} exported classes`);
    for (const names of ["EventLoop", "Task", "LifoQueue", "BoundedSemaphore"]) {
      assert(classes.some((c) => c.name === names), `${names} is not among the exported classes`);
    }
    const missing: string[] = [];
    const leaked: string[] = [];
    for (const cls of classes) {
      const shown = membersOnPage(await Deno.readTextFile(`${out}${cls.dir}~/${cls.name}.html`));
      for (const member of cls.public) if (!shown.has(member)) missing.push(`${cls.name}: ${member}`);
      for (const member of cls.internal) {
        if (shown.has(member)) leaked.push(`${cls.name}: ${member} on the page`);
        const page = `${out}${cls.dir}~/${cls.name}${member.startsWith("static ") ? "." : ".prototype."}` +
          `${member.replace(/^static /, "")}.html`;
        if (await Deno.stat(page).then(() => true, () => false)) leaked.push(`${cls.name}: ${member} has a page`);
      }
    }
    assertEquals(missing, [], "public members missing from their class's page");
    assertEquals(leaked, [], "@internal members in the reference");
    // deno doc lists only a class's own members; EventLoop's page must show
    // what it inherits from BaseEventLoop too.
    const loop = membersOnPage(await Deno.readTextFile(`${out}~/EventLoop.html`));
    for (const member of ["callSoon", "callLater", "runForever", "time", "stop", "createTask"]) {
      assert(loop.has(member), `EventLoop's page lacks ${member}`);
    }
    assert(classes.some((c) => c.name === "BaseEventLoop"), "BaseEventLoop is not among the exported classes");
    assertEquals(report.hiddenBases.includes("BaseEventLoop"), false, "BaseEventLoop is exported: it has its own page");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("an ancestor marked @ignore ends a class's chain: only the JSDoc right above the class counts", () => {
  const source = `/** A base. */\nexport class Shown {}\n/**\n * Hidden.\n * @ignore\n */\nexport class Hidden {}\n` +
    `/** @ignore */\nconst x = 1;\n/** Plain. */\nexport class Plain {}\n`;
  assertEquals(["Shown", "Hidden", "Plain", "Missing"].map((name) => declaresIgnoredClass(source, name)), [
    false,
    true,
    false,
    false,
  ]);
});
