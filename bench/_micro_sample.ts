/**
 * One sample of one micro side, in a fresh process (see `scenarios/micro.ts`
 * for why a process per sample): what `run.ts` alternates over rounds and
 * `tools/ab_micro.ts` alternates over checkouts.
 *
 * @module
 */

/** How to take the sample. */
export interface MicroSampleOptions {
  quick?: boolean;
  python?: boolean;
  /** Runs of the side in the one process (the steady-state check); default 1. */
  repeat?: number;
  /** The `micro.ts` to run, e.g. another checkout's; default this one's. */
  script?: string;
}

/** Runs side `sideIndex` of scenario `id` in a fresh process; returns its time(s) in ms. */
export async function microSample(id: string, sideIndex: number, options: MicroSampleOptions = {}): Promise<number[]> {
  const script = options.script ?? new URL("./scenarios/micro.ts", import.meta.url).pathname;
  // --node-modules-dir=none: the npm peers come from Deno's global cache (see peers/_npm.ts).
  const args = [
    "run",
    "-A",
    "--no-lock",
    "--node-modules-dir=none",
    "--v8-flags=--expose-gc",
    script,
    id,
    String(sideIndex),
  ];
  if (options.quick) args.push("--quick");
  if (options.python) args.push("--python");
  if ((options.repeat ?? 1) > 1) args.push(`--repeat=${options.repeat}`);
  const out = await new Deno.Command(Deno.execPath(), { args, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(`micro ${id} side ${sideIndex} failed: ${new TextDecoder().decode(out.stderr).trim()}`);
  }
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1) as string);
}
