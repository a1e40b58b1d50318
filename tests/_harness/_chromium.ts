/**
 * How this repository starts headless Chromium, shared by the test suite's
 * Chromium stage and the benchmark's idle-latency scenario.
 *
 * @module
 */

/** Where Debian's chromium package puts the browser. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Flags for a quiet headless run in a container: no sandbox, GPU, background network or first-run work. */
export const CHROMIUM_ARGS: readonly string[] = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--js-flags=--expose-gc",
];

/** Responses that make a page cross-origin isolated: SharedArrayBuffer, and `Atomics.wait` in its workers. */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

/** Whether the browser is installed at {@linkcode CHROMIUM_PATH}. */
export async function chromiumInstalled(): Promise<boolean> {
  try {
    await Deno.stat(CHROMIUM_PATH);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}
