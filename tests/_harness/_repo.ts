/**
 * Where things are, for the harness scripts: the repository root and dist/,
 * found from this file's location so the scripts work from any cwd.
 *
 * @module
 */

import { fileURLToPath } from "node:url";

/** The repository root, with a trailing slash. */
export const ROOT: string = fileURLToPath(new URL("../../", import.meta.url));

/** The build output folder (gitignored; rebuilt on demand). */
export const DIST: string = `${ROOT}dist/`;

/** @returns `path` relative to the repository root, for messages. */
export function fromRoot(path: string): string {
  return path.startsWith(ROOT) ? path.slice(ROOT.length) : path;
}
