/**
 * Real child processes for the Deno-only tests that only a process can show:
 * that it exits by itself, that SIGINT runs `finally`. A program is written
 * to a temporary directory as `main.ts`, importing yieldio through `MOD`
 * (replaced by a URL for Deno, a path for the Node bundle).
 *
 * @module
 */

import { assertEquals } from "@std/assert";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const ESBUILD = `${ROOT}node_modules/esbuild/bin/esbuild`;

/** How to import yieldio from a child program run by Deno, and from one bundled for Node. */
export const MOD = { deno: new URL("../../mod.ts", import.meta.url).href, node: `${ROOT}mod.ts` } as const;

/** How a child ended. */
export interface Exit {
  /** Its exit code, or null when a signal ended it. */
  code: number | null;
  ms: number;
  out: string;
  err: string;
  /** Whether it outlived its limit and was killed. */
  killed: boolean;
}

/** Runs a command to its end, killing it if it outlives `limitMs`. */
export async function timedRun(cmd: string, args: string[], limitMs: number): Promise<Exit> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), limitMs);
  const start = performance.now();
  try {
    const output = await new Deno.Command(cmd, {
      args,
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: abort.signal,
    }).output();
    return {
      code: output.signal === null ? output.code : null,
      ms: performance.now() - start,
      out: new TextDecoder().decode(output.stdout),
      err: new TextDecoder().decode(output.stderr),
      killed: abort.signal.aborted,
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Writes `source` to `<tmp>/main.ts`, calls `body` with the directory and
 * removes it afterwards.
 */
export async function withProgram<T>(source: string, body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "yieldio_child_" });
  try {
    await Deno.writeTextFile(`${dir}/main.ts`, source);
    return await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Bundles `<dir>/main.ts` for Node as `<dir>/main.mjs` (Node 20 cannot run TypeScript). */
export async function bundleForNode(dir: string): Promise<string> {
  const bundled = await new Deno.Command(ESBUILD, {
    args: [
      `${dir}/main.ts`,
      "--bundle",
      "--format=esm",
      "--platform=node",
      "--target=es2022",
      `--outfile=${dir}/main.mjs`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(bundled.code, 0, `esbuild failed:\n${new TextDecoder().decode(bundled.stderr)}`);
  return `${dir}/main.mjs`;
}
