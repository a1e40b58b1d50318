/**
 * What a page pays for yieldio: three programs that import mod.ts, bundled
 * as a user's bundler would (`esbuild --bundle --minify --format=esm
 * --target=es2022`, `node:*` external) and gzipped at level 9:
 *
 *   (a) hello world: `run` + `createTask` + `sleep` (size_programs/hello_world.ts);
 *   (b) a typical program: `gather`, `waitFor`, `timeout`, `taskGroup`,
 *       `Queue`, `Lock` (size_programs/typical.ts);
 *   (c) the whole of mod.ts, every export kept.
 *
 * The build measures them on every run and fails when one outgrows its
 * budget in {@linkcode SIZE_BUDGETS}; it also fails when hello world keeps a
 * layer it never uses (a top-level side effect defeats tree-shaking).
 *
 * `deno task sizes` prints the figures and esbuild's per-file breakdown of
 * (a) — what each kilobyte buys; `deno task sizes --all` breaks down all three.
 *
 * @module
 */

import * as esbuild from "esbuild";
import { gzipSync } from "node:zlib";
import { ROOT } from "./_repo.ts";

/** The figures, in the order they are printed. */
export type SizeName = "helloWorld" | "typical" | "whole";

/**
 * Gzip budgets in bytes, one per figure: a ceiling that stops growth, not a
 * goal (issue 14's goals are 6 KB, 10 KB and 18 KB). The figures, (a) / (b) / (c):
 *
 * - 8db47ab, before the redesign: 14 972 / 18 980 / 30 776;
 * - after the redesign (one loop class, diagnostics and threads out of the
 *   core bundle): 13 203 / 17 060 / 23 110;
 * - with what the core then gained — run()'s SIGTERM and SIGQUIT handling on
 *   one listener per thread, Runner, context variables in every step and
 *   callback, descriptions that survive hostile values, iterative cancels and
 *   the swallowed-cancel warning, the stall watchdog, the I/O close hook:
 *   17 577 / 22 185 / 29 679.
 *
 * Each budget is the last figure plus 5 %, rounded up to 50 bytes.
 */
export const SIZE_BUDGETS: Readonly<Record<SizeName, number>> = {
  helloWorld: 18_500,
  typical: 23_300,
  whole: 31_200,
};

/** What each figure bundles: an entry file, relative to the root. */
const PROGRAMS: Readonly<Record<SizeName, { entry: string; what: string }>> = {
  helloWorld: { entry: "tests/_harness/size_programs/hello_world.ts", what: "(a) run + createTask + sleep" },
  typical: {
    entry: "tests/_harness/size_programs/typical.ts",
    what: "(b) gather, waitFor, timeout, taskGroup, Queue, Lock",
  },
  whole: { entry: "mod.ts", what: "(c) the whole of mod.ts" },
};

/** What hello world must not carry: the layers it never touches. */
const UNUSED_BY_HELLO_WORLD = /^lib\/(threads|sync|combinators|testing|inspector|observe)\//;

/** One measured program. */
export interface SizeFigure {
  name: SizeName;
  /** What the program uses. */
  what: string;
  /** The minified bundle, in bytes. */
  minBytes: number;
  /** The minified bundle gzipped at level 9, in bytes. */
  gzipBytes: number;
  /** Its budget from {@linkcode SIZE_BUDGETS}. */
  budgetBytes: number;
  /** esbuild's metafile, for the per-file breakdown. */
  metafile: esbuild.Metafile;
}

/**
 * @returns The size of `bytes` gzipped at level 9 by the `gzip` command, as the
 * issue's figures and the before-stop hook measure; where there is no `gzip`,
 * by node:zlib, whose level 9 comes out about 1 % larger under Deno.
 */
async function gzip9Bytes(bytes: Uint8Array): Promise<number> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("gzip", { args: ["-9", "-n", "-c"], stdin: "piped", stdout: "piped" }).spawn();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return gzipSync(bytes, { level: 9 }).byteLength;
    throw e;
  }
  const writer = child.stdin.getWriter();
  await writer.write(bytes);
  await writer.close();
  const { code, stdout } = await child.output();
  if (code !== 0) throw new Error(`gzip -9 exited with code ${code}`);
  return stdout.byteLength;
}

async function measure(name: SizeName): Promise<SizeFigure> {
  const { entry, what } = PROGRAMS[name];
  const { outputFiles, metafile } = await esbuild.build({
    entryPoints: [entry],
    absWorkingDir: ROOT,
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2022",
    external: ["node:*"],
    write: false,
    metafile: true,
    outfile: `${name}.js`,
    logLevel: "warning",
  });
  const code = outputFiles[0].contents;
  return {
    name,
    what,
    minBytes: code.byteLength,
    gzipBytes: await gzip9Bytes(code),
    budgetBytes: SIZE_BUDGETS[name],
    metafile,
  };
}

/**
 * Bundles the three programs. The caller stops esbuild's service when done.
 * @returns The figures, in the order of {@linkcode SIZE_BUDGETS}.
 */
export function measureSizes(): Promise<SizeFigure[]> {
  return Promise.all((Object.keys(SIZE_BUDGETS) as SizeName[]).map(measure));
}

/** @returns One line per problem: a figure over its budget, or a layer hello world should not carry. */
export function sizeProblems(figures: SizeFigure[]): string[] {
  const problems: string[] = [];
  for (const figure of figures) {
    if (figure.gzipBytes > figure.budgetBytes) {
      problems.push(
        `${figure.what}: ${figure.gzipBytes} B gzipped is over its budget of ${figure.budgetBytes} B ` +
          "(SIZE_BUDGETS in tests/_harness/sizes.ts; `deno task sizes` shows what each file adds)",
      );
    }
    if (figure.name === "helloWorld") {
      const [output] = Object.values(figure.metafile.outputs);
      const kept = Object.entries(output.inputs)
        .filter(([path, { bytesInOutput }]) => bytesInOutput > 0 && UNUSED_BY_HELLO_WORLD.test(path))
        .map(([path]) => path);
      if (kept.length > 0) problems.push(`tree-shaking kept layers hello world never uses: ${kept.join(", ")}`);
    }
  }
  return problems;
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** @returns The figures as lines for the console, each against its budget. */
export function describeSizes(figures: SizeFigure[]): string {
  return figures.map((f) =>
    `${f.what.padEnd(54)} ${kb(f.minBytes).padStart(8)} min, ${kb(f.gzipBytes).padStart(7)} gzip -9 ` +
    `(${f.gzipBytes} of ${f.budgetBytes} B budget${f.gzipBytes > f.budgetBytes ? ": OVER" : ""})`
  ).join("\n");
}

if (import.meta.main) {
  try {
    const figures = await measureSizes();
    console.log(describeSizes(figures));
    for (const figure of Deno.args.includes("--all") ? figures : figures.slice(0, 1)) {
      console.log(`\n${figure.what}: esbuild's per-file breakdown of the minified bundle`);
      console.log(await esbuild.analyzeMetafile(figure.metafile, { color: false }));
    }
    const problems = sizeProblems(figures);
    for (const problem of problems) console.log(`FAILED ${problem}`);
    Deno.exitCode = problems.length > 0 ? 1 : 0;
  } finally {
    await esbuild.stop();
  }
}
