/**
 * What the figures were measured on: CPU, cores, memory, kernel and every
 * runtime and peer version. Recorded in results.json and printed above the tables.
 *
 * @module
 */

import { EFFECT_SPECIFIER, EFFECTION_SPECIFIER } from "./peers/_npm.ts";

/** The machine and software a run measured. */
export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  deno: string;
  v8: string;
  typescript: string;
  node: string | null;
  python: string | null;
  effection: string;
  effect: string;
  /** The yieldio commit measured, and whether lib/ or mod.ts differed from it. */
  commit: string | null;
  libDirty: boolean;
}

async function versionOf(cmd: string, args: string[]): Promise<string | null> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
    if (!out.success) return null;
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    return text.trim().split("\n")[0];
  } catch {
    return null; // not installed
  }
}

async function gitOutput(args: string[]): Promise<string | null> {
  const root = new URL("../", import.meta.url).pathname;
  try {
    const out = await new Deno.Command("git", { args: ["-C", root, ...args], stdout: "piped", stderr: "null" })
      .output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : null;
  } catch {
    return null; // no git
  }
}

/** @returns The machine description; fields that cannot be read say "unknown". */
export async function describeMachine(): Promise<Machine> {
  let cpu = "unknown", memoryGiB = NaN;
  try {
    cpu = Deno.readTextFileSync("/proc/cpuinfo").match(/^model name\s*:\s*(.+)$/m)?.[1].trim() ?? "unknown";
    const kb = Number(Deno.readTextFileSync("/proc/meminfo").match(/^MemTotal:\s+(\d+) kB/m)?.[1]);
    memoryGiB = Math.round((kb / 1024 / 1024) * 10) / 10;
  } catch {
    // not Linux: leave unknown
  }
  return {
    cpu,
    cores: navigator.hardwareConcurrency,
    memoryGiB,
    kernel: `${Deno.build.os} ${Deno.osRelease()}`,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
    node: await versionOf("node", ["--version"]),
    python: await versionOf("python3", ["--version"]),
    effection: EFFECTION_SPECIFIER.replace("npm:", ""),
    effect: EFFECT_SPECIFIER.replace("npm:", ""),
    commit: await gitOutput(["log", "-1", "--format=%h %s"]),
    // Uncommitted library changes make the figures unreproducible from the commit alone.
    libDirty: ((await gitOutput(["status", "--porcelain", "--", "lib", "mod.ts"])) ?? "") !== "",
  };
}

/**
 * @returns The 1/5/15-minute load averages, or null off Linux. Recorded at the
 *   start and end of a run: other work on the machine shows up as spread.
 */
export function loadAverage(): string | null {
  try {
    return Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).join(" ");
  } catch {
    return null;
  }
}

/** @returns The machine as a markdown bullet list. */
export function machineMarkdown(m: Machine): string {
  return [
    `- CPU: ${m.cpu}, ${m.cores} cores; ${m.memoryGiB} GiB RAM; ${m.kernel}`,
    `- Deno ${m.deno} (V8 ${m.v8}, TypeScript ${m.typescript}); Node ${m.node ?? "not found"}; ` +
    `${m.python ?? "python3 not found"}`,
    `- Peers: ${m.effection}, ${m.effect} (npm, bench-only)`,
    `- yieldio: ${m.commit ?? "unknown commit"}${m.libDirty ? " **plus uncommitted changes in lib/ or mod.ts**" : ""}`,
  ].join("\n");
}
