/**
 * Builds the inspector example: `index.html` plus `app.js` (the page script,
 * the library and the inspector, bundled by esbuild). Used by `serve.ts` and
 * by the test build, whose Chromium stage opens the page, checks it and saves
 * the screenshot the README shows (`inspector.png`).
 *
 * @module
 */

import * as esbuild from "esbuild";

const here = new URL(".", import.meta.url);

/**
 * Writes the page and its script into `outdir`; leaves esbuild's service
 * running (the caller stops it once all its builds are done).
 *
 * @param outdir A directory path; created if missing.
 */
export async function buildInspectorPage(outdir: string): Promise<void> {
  await Deno.mkdir(outdir, { recursive: true });
  await esbuild.build({
    entryPoints: [new URL("app.ts", here).pathname],
    bundle: true,
    format: "esm",
    target: "es2022",
    minify: true,
    outfile: `${outdir}/app.js`,
    logLevel: "warning",
  });
  await Deno.copyFile(new URL("index.html", here), `${outdir}/index.html`);
}
