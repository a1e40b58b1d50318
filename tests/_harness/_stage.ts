/**
 * What the stages of run_all.ts share: a result shape, and running a child
 * process whose output is passed through live (a long stage should never look
 * hung) while its lines are also handed to a parser.
 *
 * @module
 */

/** The outcome of one stage. */
export interface StageResult {
  /** Whether the stage passed. */
  ok: boolean;
  /** Tests (or checks) that passed; 0 where the stage counts none. */
  passed: number;
  /** Tests (or checks) that failed, plus 1 for a stage that failed without counting. */
  failed: number;
  /** One line for the summary table. */
  detail: string;
}

/** How a child process ended. */
export interface Finished {
  /** Its exit code; null when it was killed by a signal. */
  code: number | null;
  /** True when the harness killed it for running too long. */
  timedOut: boolean;
  /** Everything it printed on stdout and stderr, in arrival order per stream. */
  output: string;
}

/** Options for {@linkcode runChild}. */
export interface RunChildOptions {
  /** Kill it (SIGKILL) after this long; the result says it timed out. */
  timeoutMs: number;
  /** Called with each complete line of stdout, ANSI colours stripped. */
  onLine?: (line: string) => void;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Working directory. */
  cwd?: string;
  /** Lets the caller kill it early (e.g. when it outlives its work). */
  signal?: AbortSignal;
}

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/** @returns `text` without ANSI colour codes. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

async function pump(
  stream: ReadableStream<Uint8Array>,
  sink: { write(p: Uint8Array): Promise<number> },
  collect: (text: string) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    let written = 0;
    while (written < chunk.length) written += await sink.write(chunk.subarray(written));
    collect(decoder.decode(chunk, { stream: true }));
  }
  collect(decoder.decode());
}

/**
 * Runs `cmd args...`, passing its output through and collecting it.
 * @returns How it ended.
 */
export async function runChild(cmd: string, args: string[], options: RunChildOptions): Promise<Finished> {
  const child = new Deno.Command(cmd, {
    args,
    cwd: options.cwd,
    env: options.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let timedOut = false;
  const kill = () => {
    try {
      child.kill("SIGKILL");
    } catch {
      // It already exited.
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, options.timeoutMs);
  options.signal?.addEventListener("abort", kill);
  let output = "";
  let partial = "";
  const onStdout = (text: string) => {
    output += text;
    if (options.onLine === undefined) return;
    partial += text;
    const lines = partial.split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) options.onLine(stripAnsi(line));
  };
  try {
    await Promise.all([
      pump(child.stdout, Deno.stdout, onStdout),
      pump(child.stderr, Deno.stderr, (text) => output += text),
    ]);
    const status = await child.status;
    if (partial !== "") options.onLine?.(stripAnsi(partial));
    return { code: status.signal === null ? status.code : null, timedOut, output };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", kill);
  }
}

/**
 * Adds up Deno's test summaries (`ok | 12 passed (3 steps) | 0 failed`).
 * @returns The totals, or null when the output has no summary line.
 */
export function denoTestCounts(output: string): { passed: number; failed: number } | null {
  let found = false;
  let passed = 0, failed = 0;
  for (const m of stripAnsi(output).matchAll(/\|\s*(\d+) passed(?: \(\d+ steps?\))?\s*\|\s*(\d+) failed/g)) {
    found = true;
    passed += Number(m[1]);
    failed += Number(m[2]);
  }
  return found ? { passed, failed } : null;
}

/** @returns `ms` as seconds with one decimal, e.g. "12.3 s". */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
