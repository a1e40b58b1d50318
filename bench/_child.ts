/**
 * Helpers for the scenarios that run a script in another runtime: bundle it
 * with esbuild (Node runs bundles, browsers load them), and run a child that
 * prints its report as the last line of its output, in JSON.
 *
 * @module
 */

const ESBUILD = new URL("../node_modules/.bin/esbuild", import.meta.url).pathname;

/**
 * Bundles `entry` into one ES module at `outfile` for `platform`.
 *
 * @returns null on success, else esbuild's error text (or why it could not start).
 */
export async function bundle(entry: string, outfile: string, platform: "node" | "browser"): Promise<string | null> {
  const build = await new Deno.Command(ESBUILD, {
    args: [entry, "--bundle", "--format=esm", `--platform=${platform}`, `--outfile=${outfile}`, "--log-level=warning"],
    stdout: "piped",
    stderr: "piped",
  }).output().catch((e: Error) => ({ success: false, stderr: new TextEncoder().encode(e.message) }));
  return build.success ? null : new TextDecoder().decode(build.stderr).trim();
}

/**
 * Runs `cmd args` to its end and parses the last line it printed.
 *
 * @throws {Error} With the last lines of its stderr when it fails.
 */
export async function runJson<T>(cmd: string, args: string[]): Promise<T> {
  const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr).trim().split("\n").slice(-3).join(" / "));
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) as string);
}
