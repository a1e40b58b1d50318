/**
 * Where the worker fixtures are, as URLs a worker can import: the TypeScript
 * source beside this file under Deno; in the bundled suites (Node, Chromium)
 * `import.meta.url` is the suite bundle's, and tests/_harness/build.ts puts a
 * bundle of each fixture in `threads_fixtures/` beside it.
 *
 * @module
 */

/** @returns The URL of fixture `name` (a file in `_fixtures/`, without extension). */
export function fixtureUrl(name: string): string {
  return import.meta.url.endsWith(".ts")
    ? new URL(`./_fixtures/${name}.ts`, import.meta.url).href
    : new URL(`./threads_fixtures/${name}.js`, import.meta.url).href;
}
