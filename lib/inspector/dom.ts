/**
 * The little of the DOM the inspector touches, typed here so the entry needs
 * no DOM library to type-check (Deno checks it with its own globals) and a
 * test can hand it a plain object. Any `HTMLElement` fits {@linkcode InspectorElement}.
 *
 * @module
 */

/** What a click on the inspector's controls carries. */
export interface InspectorClick {
  /** The clicked node; the inspector looks up its `data-yi-action`. */
  readonly target: unknown;
}

/** Where the inspector renders: an `HTMLElement`, or anything with these members. */
export interface InspectorElement {
  /** Replaced on every refresh. */
  innerHTML: string;
  /** Clicks on the controls (Step, Play, Pause) arrive here. */
  addEventListener(type: "click", listener: (event: InspectorClick) => void): void;
  /** Called by `close()`. */
  removeEventListener(type: "click", listener: (event: InspectorClick) => void): void;
}

interface DomDocument {
  body: { append(node: unknown): void };
  createElement(tag: string): InspectorElement;
}

/** @returns A new `<section>` appended to the page, or null where there is no `document` (a worker, Deno, Node). */
export function newSection(): InspectorElement | null {
  const document = (globalThis as { document?: DomDocument }).document;
  if (document === undefined) return null;
  const section = document.createElement("section");
  document.body.append(section);
  return section;
}

/** @returns The `data-yi-action` of the clicked control, or null. */
export function actionOf(event: InspectorClick): string | null {
  const target = event.target as { closest?(selector: string): { getAttribute(name: string): string | null } | null };
  return target?.closest?.("[data-yi-action]")?.getAttribute("data-yi-action") ?? null;
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** @returns `text` safe inside HTML text and attribute values (task names are user data). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]);
}
