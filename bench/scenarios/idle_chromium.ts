/**
 * Scenario 7 in Chromium: `idle_latency.ts`, bundled by esbuild for the
 * browser, run on a page's main thread and then in a dedicated module worker
 * of a cross-origin isolated page (COOP + COEP, as the test suite serves
 * them), where `AtomicsIdle` may block. Each run prints its report as one
 * JSON line on the console, which playwright-core hands back here.
 *
 * @module
 */

import { type Browser, chromium, type ConsoleMessage } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH, ISOLATION_HEADERS } from "../../tests/_harness/_chromium.ts";
import { bundle } from "../_child.ts";
import type { IdleReport } from "./idle.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const SCRIPT = new URL("./idle_latency.ts", import.meta.url).pathname;
const DIR = `${ROOT}.bench-out/idle_chromium/`;
/** Per context; a full run takes about 15 s. */
const TIMEOUT_MS = 180_000;

const PAGES: Record<string, string> = {
  "page.html": `<!doctype html><link rel="icon" href="data:,"><script type="module" src="./idle_latency.js"></script>`,
  "worker.html": `<!doctype html><link rel="icon" href="data:,"><script type="module">
new Worker("./idle_latency.js" + location.search, { type: "module" });
</script>`,
};

/** Builds the bundle, serves it and returns the reports of the page's main thread and of the worker. */
export async function runIdleInChromium(quick: boolean): Promise<IdleReport[]> {
  await Deno.mkdir(DIR, { recursive: true });
  const failed = await bundle(SCRIPT, `${DIR}idle_latency.js`, "browser");
  if (failed !== null) throw new Error(`esbuild failed: ${failed}`);
  for (const [name, html] of Object.entries(PAGES)) await Deno.writeTextFile(`${DIR}${name}`, html);

  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const name = new URL(request.url).pathname.slice(1);
    const type = name.endsWith(".js") ? "text/javascript" : "text/html";
    const body = /^[\w.]+$/.test(name) ? await Deno.readFile(`${DIR}${name}`).catch(() => null) : null;
    return new Response(body ?? "not found", {
      status: body === null ? 404 : 200,
      headers: { ...ISOLATION_HEADERS, "Content-Type": `${type}; charset=utf-8`, "Cache-Control": "no-store" },
    });
  });
  try {
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
    try {
      const origin = `http://127.0.0.1:${server.addr.port}`;
      const reports: IdleReport[] = [];
      for (const page of Object.keys(PAGES)) {
        const report = await reportOf(browser, `${origin}/${page}`, quick);
        // The user agent string freezes all but the major version; the browser knows its own.
        reports.push({
          ...report,
          runtime: report.runtime.replace(/^Chromium [\d.?]+/, `Chromium ${browser.version()}`),
        });
      }
      return reports;
    } finally {
      await browser.close();
    }
  } finally {
    await server.shutdown();
  }
}

/** Opens `url` and waits for the JSON report line; a page error or `console.error` fails the run. */
async function reportOf(browser: Browser, url: string, quick: boolean): Promise<IdleReport> {
  const page = await browser.newPage();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const report = new Promise<IdleReport>((resolve, reject) => {
      page.on("console", (msg: ConsoleMessage) => {
        if (msg.type() === "error") reject(new Error(`console.error at ${url}: ${msg.text()}`));
        else if (msg.text().startsWith('{"runtime"')) resolve(JSON.parse(msg.text()));
      });
      page.on("pageerror", (error) => reject(new Error(`uncaught error at ${url}: ${error.message}`)));
      timer = setTimeout(() => reject(new Error(`no report from ${url} within ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS);
    });
    // Together: a report that fails while the page is still loading must not go unhandled meanwhile.
    const [, result] = await Promise.all([page.goto(quick ? `${url}?quick` : url), report]);
    return result;
  } finally {
    clearTimeout(timer);
    await page.close();
  }
}
