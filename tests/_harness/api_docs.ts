/**
 * `deno task docs [--out DIR]` (run by `deno task check`): the API reference,
 * `deno doc --html` of every entry in deno.json, in dist/docs/ (or DIR).
 * Open dist/docs/index.html in a browser.
 *
 * deno doc 2.9.6 has two gaps this fills, generically and visibly:
 *
 * - `@internal` does not hide a member (denoland/deno#29020); `@ignore`
 *   does. The reference is made from a copy of the sources in which every
 *   `@internal` tag reads `@ignore`, so what the npm declarations strip
 *   (`stripInternal`) the reference omits too.
 * - A subclass page lists only the members the subclass declares
 *   (denoland/deno_doc#136, jsr-io/jsr#747): `EventLoop`'s page would not show
 *   `callSoon`. From `deno doc --json`, each class's `extends` chain is
 *   followed through the imports to the class that declares each member; every
 *   class page then gets one "Inherited from X" section per ancestor, holding
 *   deno doc's own entry for each public member the class does not override
 *   (copied from X's page, its links kept working) and linking to X's page. An
 *   ancestor that no entry exports (`BaseEventLoop`) gets its page from deno
 *   doc run on its file, added beside the others with a note that it is not
 *   exported; built-in ancestors (`Error`) end the chain, and so does an
 *   ancestor marked `@ignore` (`PrintsAsToString`, whose members are all
 *   `@internal`), which deno doc leaves out.
 *
 * Source links point at the checkout (`file://`), as deno doc's do.
 *
 * @module
 */

import { type Entry, NPM_NAME, type PackageInfo, readPackageInfo } from "./_package.ts";
import { DIST, ROOT } from "./_repo.ts";

/** deno doc's JSON (format version 2): the parts read here. */
interface DocJson {
  version: number;
  nodes: Record<string, { symbols: DocSymbol[] }>;
}

interface DocSymbol {
  name: string;
  declarations: DocDeclaration[];
}

interface DocDeclaration {
  kind: string;
  declarationKind: string;
  location: { filename: string };
  def?: ClassDef;
}

/** A class as deno doc's JSON describes it. */
export interface ClassDef {
  extends?: string;
  properties?: DocMember[];
  methods?: DocMember[];
}

/** A property, accessor or method of a class. */
export interface DocMember {
  name: string;
  kind?: string;
  isStatic?: boolean;
  accessibility?: "public" | "protected" | "private";
}

/** A class and where it is declared. */
interface ClassRef {
  name: string;
  /** The declaring file's URL (in the staged copy). */
  file: string;
  def: ClassDef;
}

/** What the reference holds. */
export interface DocsReport {
  /** The folder written, with a trailing slash. */
  out: string;
  /** Exported classes whose pages got at least one "Inherited from" section. */
  subclasses: number;
  /** Inherited members added to class pages, in all. */
  inheritedMembers: number;
  /** Pages added for ancestors no entry exports, by class name. */
  hiddenBases: string[];
}

const DENO = Deno.execPath();

async function deno(args: string[], cwd: string): Promise<string> {
  const { code, stdout, stderr } = await new Deno.Command(DENO, {
    args,
    cwd,
    env: { NO_COLOR: "1" },
    stdin: "null",
  }).output();
  const text = new TextDecoder().decode(stdout);
  if (code !== 0) throw new Error(`deno ${args.join(" ")} failed (${code}):\n${new TextDecoder().decode(stderr)}`);
  return text;
}

/** @returns `text` with every JSDoc `@internal` tag turned into `@ignore`, which deno doc honours. */
export function internalAsIgnore(text: string): string {
  return text.replace(/\/\*\*[^]*?\*\//g, (comment) => comment.replace(/@internal\b/g, "@ignore"));
}

/** Copies mod.ts, lib/ and the entries into `stage`, `@internal` as `@ignore`, with a deno.json of the exports. */
async function stageSources(info: PackageInfo, stage: string): Promise<void> {
  async function copy(rel: string): Promise<void> {
    const stat = await Deno.stat(`${ROOT}${rel}`);
    if (stat.isDirectory) {
      await Deno.mkdir(`${stage}${rel}`, { recursive: true });
      for await (const entry of Deno.readDir(`${ROOT}${rel}`)) await copy(`${rel}/${entry.name}`);
    } else if (rel.endsWith(".ts")) {
      await Deno.mkdir(`${stage}${rel.slice(0, rel.lastIndexOf("/") + 1)}`, { recursive: true });
      await Deno.writeTextFile(`${stage}${rel}`, internalAsIgnore(await Deno.readTextFile(`${ROOT}${rel}`)));
    }
  }
  for (const rel of new Set(["mod.ts", "lib", ...info.entries.map((entry) => entry.source)])) await copy(rel);
  const exports = Object.fromEntries(info.entries.map((entry) => [entry.subpath, `./${entry.source}`]));
  await Deno.writeTextFile(
    `${stage}deno.json`,
    JSON.stringify({ name: info.jsrName, version: info.version, exports }, null, 2),
  );
}

/** @returns Every exported class of every entry, with its page (relative to the reference's root). */
function exportedClasses(json: DocJson, info: PackageInfo, stage: string): Map<string, ClassRef & { page: string }> {
  const classes = new Map<string, ClassRef & { page: string }>();
  for (const entry of info.entries) {
    const module = json.nodes[new URL(`file://${stage}${entry.source}`).href];
    if (module === undefined) throw new Error(`deno doc --json has no module for ${entry.source}`);
    for (const symbol of module.symbols) {
      const declaration = symbol.declarations.find((d) => d.kind === "class");
      if (declaration?.def === undefined || classes.has(symbol.name)) continue;
      classes.set(symbol.name, {
        name: symbol.name,
        file: declaration.location.filename,
        def: declaration.def,
        page: `${pageDir(entry)}~/${symbol.name}.html`,
      });
    }
  }
  return classes;
}

/** @returns The folder deno doc writes an entry's symbol pages under: "" for ".", "testing/" for "./testing". */
function pageDir(entry: Entry): string {
  return entry.subpath === "." ? "" : `${entry.subpath.slice(2)}/`;
}

/** The names a module imports, as local name → [specifier, exported name]. */
export function importedNames(source: string): Map<string, [string, string]> {
  const names = new Map<string, [string, string]>();
  for (const m of source.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s*from\s*["']([^"']+)["']/g)) {
    for (const part of m[1].split(",")) {
      const [imported, local] = part.replace(/^\s*type\s+/, "").trim().split(/\s+as\s+/);
      if (imported !== "") names.set(local ?? imported, [m[2], imported]);
    }
  }
  return names;
}

/** @returns Whether `source` declares class `name` under a JSDoc comment that has an `@ignore` tag. */
export function declaresIgnoredClass(source: string, name: string): boolean {
  const declaration = new RegExp(String.raw`/\*\*((?:(?!\*/)[^])*)\*/\s*export\s+(?:abstract\s+)?class\s+${name}\b`);
  return /@ignore\b/.test(declaration.exec(source)?.[1] ?? "");
}

/** Resolves `extends` names to the classes they mean, reading each declaring file's doc once. */
class Ancestry {
  readonly #stage: string;
  readonly #docs = new Map<string, DocSymbol[]>();

  constructor(stage: string) {
    this.#stage = stage;
  }

  async #symbols(file: string): Promise<DocSymbol[]> {
    let symbols = this.#docs.get(file);
    if (symbols === undefined) {
      const json = JSON.parse(await deno(["doc", "--json", "--private", file], this.#stage)) as DocJson;
      symbols = json.nodes[file]?.symbols ?? [];
      this.#docs.set(file, symbols);
    }
    return symbols;
  }

  /**
   * @returns The class `name` means in `file`, or null for a global (a
   *   built-in such as `Error`) or a class deno doc ignores (`@ignore`).
   */
  async resolve(name: string, file: string): Promise<ClassRef | null> {
    const local = (await this.#symbols(file)).find((s) => s.name === name);
    const declaration = local?.declarations.find((d) => d.kind === "class");
    if (declaration?.def !== undefined) {
      return { name, file: declaration.location.filename, def: declaration.def };
    }
    const imported = importedNames(await Deno.readTextFile(new URL(file))).get(name);
    if (imported === undefined) return null;
    const [specifier, exportedName] = imported;
    if (!specifier.startsWith(".")) return null;
    const target = new URL(specifier, file).href;
    const symbol = (await this.#symbols(target)).find((s) => s.name === exportedName);
    const found = symbol?.declarations.find((d) => d.kind === "class");
    if (found?.def === undefined && declaresIgnoredClass(await Deno.readTextFile(new URL(target)), exportedName)) {
      return null;
    }
    if (found?.def === undefined) throw new Error(`cannot find class ${exportedName} in ${target} (from ${file})`);
    return { name: exportedName, file: found.location.filename, def: found.def };
  }

  /** @returns The ancestors of `cls`, nearest first, up to the first one that is built in. */
  async chain(cls: ClassRef): Promise<ClassRef[]> {
    const chain: ClassRef[] = [];
    for (let current = cls; current.def.extends !== undefined;) {
      const base = await this.resolve(current.def.extends, current.file);
      if (base === null) break;
      chain.push(base);
      current = base;
    }
    return chain;
  }
}

/** @returns A member's key: its name, `static ` first for a static one. */
function memberKey(member: DocMember): string {
  return `${member.isStatic ? "static " : ""}${member.name}`;
}

/** @returns The public members a class declares, by key (accessors and overloads once). */
export function publicMembers(def: ClassDef): Set<string> {
  const keys = new Set<string>();
  for (const member of [...def.properties ?? [], ...def.methods ?? []]) {
    if (member.accessibility !== "private" && member.accessibility !== "protected") keys.add(memberKey(member));
  }
  return keys;
}

/** @returns The end (exclusive) of the element that opens with the `<div` at `start`, by counting divs. */
function divEnd(html: string, start: number): number {
  const tag = /<div\b|<\/div>/g;
  tag.lastIndex = start;
  let depth = 0;
  for (let m = tag.exec(html); m !== null; m = tag.exec(html)) {
    depth += m[0] === "</div>" ? -1 : 1;
    if (depth === 0) return m.index + m[0].length;
  }
  throw new Error("unbalanced <div> in deno doc's HTML");
}

/** One member entry of a class page: its section and name, and its HTML. */
interface PageEntry {
  key: string;
  html: string;
}

/** @returns The member entries of a deno doc class page, in page order. */
export function pageEntries(html: string): PageEntry[] {
  const entries: PageEntry[] = [];
  const section = /<section class="section"\s+id="((?:static-)?(?:properties|methods))">/g;
  for (let s = section.exec(html); s !== null; s = section.exec(html)) {
    const isStatic = s[1].startsWith("static-");
    const end = html.indexOf("</section>", s.index);
    const entry = /<div class="anchorable docEntry" id="[^"]*">/g;
    entry.lastIndex = s.index;
    for (let e = entry.exec(html); e !== null && e.index < end; e = entry.exec(html)) {
      const close = divEnd(html, e.index);
      const block = html.slice(e.index, close);
      const name = /class="font-bold font-lg(?: link)?"[^>]*>([^<]*)</.exec(block)?.[1];
      if (name === undefined) throw new Error(`a deno doc entry without a name: ${block.slice(0, 200)}`);
      entries.push({ key: `${isStatic ? "static " : ""}${unescapeHtml(name)}`, html: block });
      entry.lastIndex = close;
    }
  }
  return entries;
}

function unescapeHtml(text: string): string {
  return text.replace(/&#x2F;/g, "/").replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">")
    .replace(/&#x27;/g, "'").replace(/&amp;/g, "&");
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * Rewrites the relative links of HTML taken from page `from` so they work in
 * page `to` (both relative to the reference's root); a link to a page the
 * reference lacks loses its href and reads as plain text.
 */
function relink(html: string, from: string, to: string, exists: (page: string) => boolean): string {
  const base = new URL(`file:///docs/${from}`);
  const target = new URL(`file:///docs/${to}`);
  return html.replace(/href="([^"]*)"/g, (whole, raw: string) => {
    const href = unescapeHtml(raw);
    if (/^[a-z]+:/i.test(href) || href.startsWith("#")) return whole;
    const url = new URL(href, base);
    const page = url.pathname.slice("/docs/".length);
    if (!exists(page === "" || page.endsWith("/") ? `${page}index.html` : page)) return 'data-missing-page=""';
    return `href="${escapeHtml(relativePath(target.pathname, url.pathname) + url.hash)}"`;
  });
}

/** @returns The path from the page at `from` to `to`, both absolute. */
function relativePath(from: string, to: string): string {
  const a = from.split("/").slice(0, -1);
  const b = to.split("/");
  let i = 0;
  while (i < a.length && i < b.length - 1 && a[i] === b[i]) i++;
  return "../".repeat(a.length - i) + b.slice(i).join("/");
}

/** @returns `html` with `addition` placed at the end of the page's main column (after its last section). */
function appendToMain(html: string, addition: string): string {
  const start = html.indexOf('<div class="space-y-7"', html.indexOf("<main"));
  if (start === -1) throw new Error("a deno doc class page without its main column");
  const end = divEnd(html, start) - "</div>".length;
  return html.slice(0, end) + addition + html.slice(end);
}

/** @returns `html` with `links` added to the page's document navigation. */
function appendToNavigation(html: string, links: string): string {
  const nav = html.indexOf('<nav class="documentNavigation">');
  const end = nav === -1 ? -1 : html.indexOf("</ul></nav>", nav);
  return end === -1 ? html : html.slice(0, end) + links + html.slice(end);
}

function inheritedSection(
  base: string,
  basePage: string,
  page: string,
  exported: boolean,
  entries: string[],
  forClass: string,
): string {
  const id = `inherited_from_${base.toLowerCase()}`;
  const note = exported ? "" : `<div class="markdown"><p>${base} is not exported: its public members are part of ` +
    `${forClass}, and its page documents them.</p></div>`;
  return `<section class="section" id="${id}"><div>
<h2 class="anchorable mb-1"><a href="#${id}" class="anchor" aria-label="Anchor" tabIndex="-1"></a>
Inherited from <a class="link" href="${escapeHtml(relativePath(`/${page}`, `/${basePage}`))}">${base}</a></h2></div>
${note}<div class="space-y-8">${entries.join("\n")}</div></section>
`;
}

/**
 * Builds the reference into `out` (a folder, trailing slash).
 * @returns What it holds.
 */
export async function buildApiDocs(out: string): Promise<DocsReport> {
  const info = await readPackageInfo();
  const stage = `${await Deno.makeTempDir({ prefix: "yieldio_docs_" })}/`;
  const side = `${await Deno.makeTempDir({ prefix: "yieldio_docs_bases_" })}/`;
  try {
    await stageSources(info, stage);
    await Deno.remove(out, { recursive: true }).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    });
    // deno doc makes its output folder but not the folders above it (dist/ in a fresh clone).
    await Deno.mkdir(out, { recursive: true });
    const sources = info.entries.map((entry) => entry.source);
    await deno(["doc", "--html", `--name=${NPM_NAME}`, `--output=${out}`, ...sources], stage);
    const json = JSON.parse(await deno(["doc", "--json", ...sources], stage)) as DocJson;
    if (json.version !== 2) throw new Error(`deno doc --json has format ${json.version}; this reads format 2`);

    const classes = exportedClasses(json, info, stage);
    const ancestry = new Ancestry(stage);
    const pages = new Map<string, string>();
    const read = async (page: string) => {
      let html = pages.get(page);
      if (html === undefined) pages.set(page, html = await Deno.readTextFile(`${out}${page}`));
      return html;
    };
    const exists = (page: string) => {
      try {
        return pages.has(page) || Deno.statSync(`${out}${page}`).isFile;
      } catch {
        return false;
      }
    };

    // Ancestors no entry exports get deno doc's pages for their own file, copied into the root module's folder.
    const hidden = new Map<string, ClassRef & { page: string }>();
    const copied = new Set<string>();
    const hiddenPage = async (base: ClassRef): Promise<string> => {
      const known = classes.get(base.name) ?? hidden.get(base.name);
      if (known !== undefined) {
        if (known.file !== base.file) throw new Error(`two classes named ${base.name}: ${known.file}, ${base.file}`);
        return known.page;
      }
      const dir = `${side}${hidden.size}/`;
      await deno(["doc", "--html", `--name=${NPM_NAME}`, `--output=${dir}`, base.file], stage);
      const page = `~/${base.name}.html`;
      for await (const file of Deno.readDir(`${dir}~`)) {
        if (file.name !== `${base.name}.html` && !file.name.startsWith(`${base.name}.prototype.`)) continue;
        if (exists(`~/${file.name}`)) throw new Error(`${file.name} is already in the reference`);
        pages.set(`~/${file.name}`, await Deno.readTextFile(`${dir}~/${file.name}`));
        copied.add(`~/${file.name}`);
      }
      hidden.set(base.name, { ...base, page });
      return page;
    };

    let subclasses = 0, inheritedMembers = 0;
    const todo = [...classes.values()];
    for (let i = 0; i < todo.length; i++) {
      const cls = todo[i];
      const chain = await ancestry.chain(cls);
      const seen = publicMembers(cls.def);
      const sections: string[] = [];
      const links: string[] = [];
      for (const base of chain) {
        const wanted = [...publicMembers(base.def)].filter((key) => !seen.has(key));
        wanted.forEach((key) => seen.add(key));
        if (wanted.length === 0) continue;
        const basePage = await hiddenPage(base);
        const baseInfo = hidden.get(base.name);
        if (baseInfo !== undefined && !todo.includes(baseInfo)) todo.push(baseInfo);
        const entries = pageEntries(await read(basePage)).filter((entry) => wanted.includes(entry.key));
        const found = new Set(entries.map((entry) => entry.key));
        const lost = wanted.filter((key) => !found.has(key));
        if (lost.length > 0) {
          throw new Error(`${basePage} has no entry for ${lost.join(", ")} (inherited by ${cls.name})`);
        }
        sections.push(inheritedSection(
          base.name,
          basePage,
          cls.page,
          classes.has(base.name),
          entries.map((entry) => relink(entry.html, basePage, cls.page, exists)),
          cls.name,
        ));
        links.push(`<li><a href="#inherited_from_${base.name.toLowerCase()}">Inherited from ${base.name}</a></li>`);
        inheritedMembers += found.size;
      }
      if (sections.length === 0) continue;
      if (classes.has(cls.name)) subclasses++;
      let html = appendToNavigation(appendToMain(await read(cls.page), sections.join("")), links.join(""));
      const parent = classes.get(chain[0].name) ?? hidden.get(chain[0].name);
      if (parent !== undefined) {
        // deno doc links the parent in "extends X" only when it is exported; link the added page too.
        const href = escapeHtml(relativePath(`/${cls.page}`, `/${parent.page}`));
        html = html.replace(
          `<span class="type"> extends </span><span>${parent.name}</span>`,
          `<span class="type"> extends </span><a class="link" href="${href}">${parent.name}</a>`,
        );
      }
      pages.set(cls.page, html);
    }

    for (const [name, base] of hidden) {
      // In place of the usage box (an import of it would fail): why the page is here.
      const note = `<div class="markdown"><p><strong>Not exported.</strong> No entry of ${NPM_NAME} exports ` +
        `${name}; this page documents the public members its subclasses inherit.</p></div>`;
      const html = await read(base.page);
      const usage = html.indexOf('<div class="usageContent">');
      pages.set(base.page, usage === -1 ? html : html.slice(0, usage) + note + html.slice(divEnd(html, usage)));
    }
    const stageUrl = new URL(`file://${stage}`).href.replaceAll("/", "&#x2F;");
    const rootUrl = new URL(`file://${ROOT}`).href.replaceAll("/", "&#x2F;");
    for (const [page, html] of pages) {
      await Deno.writeTextFile(`${out}${page}`, copied.has(page) ? relink(html, page, page, exists) : html);
    }
    await rewriteEverywhere(out, info, (html) => html.replaceAll(stageUrl, rootUrl));
    return { out, subclasses, inheritedMembers, hiddenBases: [...hidden.keys()] };
  } finally {
    await Deno.remove(stage, { recursive: true });
    await Deno.remove(side, { recursive: true });
  }
}

/** Applies `rewrite` to every page, and shows each entry's usage under its npm name ("yieldio/testing"). */
async function rewriteEverywhere(out: string, info: PackageInfo, rewrite: (html: string) => string): Promise<void> {
  const usage = info.entries.map((
    entry,
  ) => [
    `from &quot;${entry.subpath === "." ? "." : entry.subpath.slice(2)}&quot;`,
    `from &quot;${entry.specifier}&quot;`,
  ]);
  async function walk(dir: string): Promise<void> {
    for await (const entry of Deno.readDir(dir)) {
      const path = `${dir}${entry.name}`;
      if (entry.isDirectory) await walk(`${path}/`);
      else if (entry.name.endsWith(".html")) {
        let html = rewrite(await Deno.readTextFile(path));
        for (const [local, named] of usage) html = html.replaceAll(local, named);
        await Deno.writeTextFile(path, html);
      }
    }
  }
  await walk(out);
}

if (import.meta.main) {
  const at = Deno.args.indexOf("--out");
  if (at !== -1 && Deno.args[at + 1] === undefined) {
    throw new TypeError("--out needs a directory: deno task docs --out DIR");
  }
  const given = Deno.args[at + 1];
  // deno doc runs in a staged copy of the sources, so a relative DIR is made absolute here.
  const out = at === -1
    ? `${DIST}docs/`
    : `${given.startsWith("/") ? "" : `${Deno.cwd()}/`}${given}`.replace(/\/?$/, "/");
  const report = await buildApiDocs(out);
  console.log(
    `API reference in ${out} (open index.html): ${report.inheritedMembers} inherited members on ` +
      `${report.subclasses} subclass pages; pages for ancestors no entry exports: ${report.hiddenBases.join(", ")}`,
  );
}
