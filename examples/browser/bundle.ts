/**
 * Builds the browser demo: `index.html` plus `seed_demo.js`, the seed demo
 * bundled with the library (esbuild, one minified ES module). Used by
 * `serve.ts` (`deno task demo:browser`) and by the test build, whose Chromium
 * stage opens the page and checks the run.
 *
 * @module
 */

import * as esbuild from "esbuild";

const here = new URL(".", import.meta.url);

/**
 * Writes the page and its script into `outdir`. Leaves esbuild's service
 * running (the caller stops it once all its builds are done).
 *
 * @param outdir A directory path; created if missing.
 */
export async function buildDemoPage(outdir: string): Promise<void> {
  await Deno.mkdir(outdir, { recursive: true });
  await esbuild.build({
    entryPoints: [new URL("../seed_demo.ts", here).pathname],
    bundle: true,
    format: "esm",
    target: "es2022",
    minify: true,
    outfile: `${outdir}/seed_demo.js`,
    logLevel: "warning",
  });
  await Deno.copyFile(new URL("index.html", here), `${outdir}/index.html`);
}
