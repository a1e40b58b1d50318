/**
 * Serves the inspector example on http://127.0.0.1:8001 (or `$PORT`): builds
 * the page into dist/examples/inspector/, then serves that folder.
 *
 * Run it: `deno run -A examples/inspector/serve.ts`, then open the printed
 * address (add `?demo=live` for the seed demo on the real clock).
 *
 * @module
 */

import * as esbuild from "esbuild";
import { buildInspectorPage } from "./bundle.ts";

const outdir = new URL("../../dist/examples/inspector/", import.meta.url).pathname;
const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript" };

if (import.meta.main) {
  await buildInspectorPage(outdir);
  await esbuild.stop();
  const port = Number(Deno.env.get("PORT") ?? 8001);
  Deno.serve({ port, hostname: "127.0.0.1" }, async (request) => {
    const name = new URL(request.url).pathname.slice(1) || "index.html";
    const type = TYPES[name.slice(name.lastIndexOf("."))];
    if (type === undefined || name.includes("/")) return new Response("not found", { status: 404 });
    return new Response(await Deno.readFile(outdir + name), { headers: { "content-type": type } });
  });
}
