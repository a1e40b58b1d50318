/**
 * Where things are, for the harness scripts: the repository root and dist/,
 * found from this file's location so the scripts work from any cwd.
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/** The repository root, with a trailing slash. */
export const ROOT: string = fileURLToPath(new URL("../../", import.meta.url));

/** The variable that moves the build output out of the checkout, e.g. for a read-only one. */
export const DIST_ENV = "YIELDIO_DIST";

/**
 * The build output folder (gitignored; rebuilt on demand), with a trailing
 * slash: `$YIELDIO_DIST` when set, else dist/ in the checkout. A live binding:
 * {@linkcode useDist} moves it before a build (`deno task build --out DIR`),
 * and the stages read it when they run.
 */
export let DIST: string = asDir(Deno.env.get(DIST_ENV) || `${ROOT}dist/`);

/** Points {@linkcode DIST} at `dir` (absolute, or relative to the working directory). */
export function useDist(dir: string): void {
  DIST = asDir(dir);
}

function asDir(dir: string): string {
  const absolute = dir.startsWith("/") || /^[A-Za-z]:[\\/]/.test(dir) ? dir : `${Deno.cwd()}/${dir}`;
  return absolute.endsWith("/") ? absolute : `${absolute}/`;
}

/** @returns `path` relative to the repository root, for messages. */
export function fromRoot(path: string): string {
  return path.startsWith(ROOT) ? path.slice(ROOT.length) : path;
}
