/**
 * The phases of one iteration are written in three places — the README's
 * "How one iteration works", the module doc of `lib/loop/base_event_loop.ts`, and
 * the comments on the phase calls in `#iterate()` — and must stay the same
 * list in the same order (STYLE rule 7).
 */

import { assertEquals } from "@std/assert";

const root = new URL("../../", import.meta.url);
const read = (path: string) => Deno.readTextFileSync(new URL(path, root));

/** The bold phase names of a numbered list, lower-cased: `1. **Drop cancelled timers** …` → "drop cancelled timers". */
function boldNumberedItems(text: string): string[] {
  return [...text.matchAll(/^\s*(?:\* )?\d\. \*\*([^*]+)\*\*/gm)].map((m) => m[1].toLowerCase());
}

function readmePhases(): string[] {
  const readme = read("README.md");
  const start = readme.indexOf("## How one iteration works");
  const end = readme.indexOf("\n## ", start + 1);
  return boldNumberedItems(readme.slice(start, end));
}

function moduleDocPhases(): string[] {
  const source = read("lib/loop/base_event_loop.ts");
  return boldNumberedItems(source.slice(0, source.indexOf("@module")));
}

function iterateCommentPhases(): string[] {
  const source = read("lib/loop/base_event_loop.ts");
  const start = source.indexOf("  #iterate(): number {");
  const body = source.slice(start, source.indexOf("\n  }", start));
  return [...body.matchAll(/\/\/\s+\d\. ([a-z ]+?)(?: \(|$)/gm)].map((m) => m[1].trim());
}

Deno.test("the README lists the five phases of an iteration", () => {
  assertEquals(readmePhases().length, 5);
});

Deno.test("the README and base_event_loop.ts's module doc list the same phases in the same order", () => {
  assertEquals(readmePhases(), moduleDocPhases());
});

Deno.test("the phase comments in #iterate() follow the documented phases", () => {
  assertEquals(iterateCommentPhases(), moduleDocPhases());
});
