/**
 * Serves the browser demo: bundles `examples/seed_demo.ts` (the library
 * included) with esbuild, then serves this folder on http://localhost:8000.
 *
 * Run it: `deno task demo:browser`, then open the printed address.
 *
 * @module
 */

import * as esbuild from "esbuild";

const here = new URL(".", import.meta.url);

/** Bundles the demo module for the page. */
export async function bundleDemo(): Promise<string> {
  const built = await esbuild.build({
    entryPoints: [new URL("../seed_demo.ts", import.meta.url).pathname],
    bundle: true,
    format: "esm",
    target: "es2022",
    minify: true,
    write: false,
  });
  await esbuild.stop();
  return built.outputFiles[0].text;
}

if (import.meta.main) {
  const demo = await bundleDemo();
  const page = await Deno.readTextFile(new URL("index.html", here));
  const port = Number(Deno.env.get("PORT") ?? 8000);
  Deno.serve({ port, hostname: "127.0.0.1" }, (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/seed_demo.js") return new Response(demo, { headers: { "content-type": "text/javascript" } });
    if (path === "/" || path === "/index.html") {
      return new Response(page, { headers: { "content-type": "text/html; charset=utf-8" } });
    }
    return new Response("not found", { status: 404 });
  });
}
