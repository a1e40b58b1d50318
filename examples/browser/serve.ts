/**
 * Serves the browser demo on http://127.0.0.1:8000 (or `$PORT`): builds the
 * page into dist/examples/ (see `bundle.ts`), then serves that folder.
 *
 * Run it: `deno task demo:browser`, then open the printed address.
 *
 * @module
 */

import * as esbuild from "esbuild";
import { buildDemoPage } from "./bundle.ts";

const outdir = new URL("../../dist/examples/", import.meta.url).pathname;
const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript" };

if (import.meta.main) {
  await buildDemoPage(outdir);
  await esbuild.stop();
  const port = Number(Deno.env.get("PORT") ?? 8000);
  Deno.serve({ port, hostname: "127.0.0.1" }, async (request) => {
    const name = new URL(request.url).pathname.slice(1) || "index.html";
    const type = TYPES[name.slice(name.lastIndexOf("."))];
    if (type === undefined || name.includes("/")) return new Response("not found", { status: 404 });
    return new Response(await Deno.readFile(outdir + name), { headers: { "content-type": type } });
  });
}
