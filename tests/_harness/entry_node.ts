/**
 * The Node bundle's last module: runs the tests the bundle registered before
 * it, prints each result and the summary, and sets the exit code. It arms
 * nothing after the summary, so a process that outlives it has leaked a
 * handle (the Node stage times that).
 *
 * @module
 */

import { formatResult, formatSummary, runRegisteredTests } from "./deno_test_shim.ts";

interface NodeProcess {
  exitCode?: number;
  stdout: { write(text: string): boolean };
}

const proc = (globalThis as unknown as { process: NodeProcess }).process;

/** Runs the registered tests and reports them on stdout. */
export async function main(): Promise<void> {
  const report = await runRegisteredTests({
    label: "node",
    onResult: (result) => proc.stdout.write(formatResult(result) + "\n"),
  });
  proc.stdout.write(formatSummary(report) + "\n");
  proc.exitCode = report.failed > 0 || report.results.length === 0 ? 1 : 0;
}
