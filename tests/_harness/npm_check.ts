/**
 * The npm package as a user gets it, checked in the node stage after the
 * suite: the tarball the build packed is installed into a fresh scratch
 * project (offline: it has no dependencies), then
 *
 * 1. the installed package.json is checked: name, version (deno.json's),
 *    "type": "module", an export with `types` and `import` per entry of
 *    deno.json, and no dependencies;
 * 2. a strict TypeScript program is type-checked against it by the pinned
 *    tsc (`skipLibCheck: false`, so the declarations are checked too), in
 *    which `yield*` result types must flow, and `@ts-expect-error` lines
 *    mark what must not compile (tsc fails when such a line compiles);
 * 3. the compiled program runs under Node: a program on the core, a test on
 *    the testing kit whose body uses the core (so the two entries must share
 *    one loop, one `Task` class and one `CancelledError`), and an import of
 *    every entry.
 *
 * Run alone with `deno run -A tests/_harness/npm_check.ts` after a build.
 *
 * @module
 */

import { NPM_NAME, type PackageInfo, readPackageInfo } from "./_package.ts";
import { DIST, ROOT } from "./_repo.ts";

/** One named check and how it went. */
export interface NpmCheck {
  name: string;
  ok: boolean;
  /** What was seen, when it failed. */
  detail: string;
}

/** The program the scratch project compiles, with one import per entry (`entries`, as `entry0`, `entry1`, …). */
export function consumerProgram(info: PackageInfo): string {
  const imports = info.npmEntries.map((entry, i) => `import * as entry${i} from "${entry.specifier}";`);
  const table = info.npmEntries.map((entry, i) => `  "${entry.specifier}": entry${i},`);
  return `// Compiled by tsc --strict against the installed package, then run by Node.
import { CancelledError, type Coro, createTask, EventLoop, getRunningLoop, run, sleep, Task } from "yieldio";
import { runTest } from "yieldio/testing";
${imports.join("\n")}

function* double(ms: number): Coro<number> {
  const n: number = yield* sleep(ms, 21);
  return n * 2;
}

const onCore = await run(function* () {
  const task: Task<number> = createTask(double(10));
  const n: number = yield* task;
  // @ts-expect-error sleep(5, "five") resumes with a string, which is not a number
  const wrong: number = yield* sleep(5, "five");
  return [n, wrong, getRunningLoop().time()];
}, { clock: "virtual" });

// The testing kit drives the body on its own loop: getRunningLoop, createTask and
// CancelledError from the core entry must be the ones the kit's loop uses.
const onKit = await runTest(function* () {
  const sleeper = createTask(sleep(1000));
  yield* sleep(1);
  sleeper.cancel("stop");
  let cancelled = false;
  try {
    yield* sleeper;
  } catch (error) {
    cancelled = error instanceof CancelledError;
  }
  const label: string = yield* createTask(sleep(1, "slept"));
  return [getRunningLoop() instanceof EventLoop, sleeper instanceof Task, cancelled, label];
});

// @ts-expect-error runTest wants a coroutine or a generator function, not a number
void (() => runTest(42));

const entries: Record<string, object> = {
${table.join("\n")}
};
const exported = Object.fromEntries(Object.entries(entries).map(([name, ns]) => [name, Object.keys(ns).length]));
console.log(JSON.stringify({ onCore, onKit, exported }));
`;
}

const TSCONFIG = {
  compilerOptions: {
    strict: true,
    target: "es2022",
    module: "nodenext",
    moduleResolution: "nodenext",
    lib: ["es2022", "dom"],
    types: [],
    skipLibCheck: false,
    outDir: "out",
    newLine: "lf",
  },
  files: ["main.ts"],
};

interface Ran {
  code: number;
  out: string;
}

async function exec(cmd: string, args: string[], cwd: string): Promise<Ran> {
  const { code, stdout, stderr } = await new Deno.Command(cmd, { args, cwd, stdin: "null" }).output();
  return { code, out: new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr) };
}

function manifestProblems(manifest: Record<string, unknown>, info: PackageInfo): string[] {
  const problems: string[] = [];
  if (manifest.name !== NPM_NAME) problems.push(`name is ${JSON.stringify(manifest.name)}`);
  if (manifest.version !== info.version) {
    problems.push(`version ${JSON.stringify(manifest.version)} differs from deno.json's ${info.version}`);
  }
  if (manifest.type !== "module") problems.push(`"type" is ${JSON.stringify(manifest.type)}, not "module"`);
  if (manifest.license !== info.license) problems.push(`license ${JSON.stringify(manifest.license)}`);
  for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
    if (field in manifest) problems.push(`it has ${field}`);
  }
  const exports = (manifest.exports ?? {}) as Record<string, Record<string, unknown>>;
  const keys = Object.keys(exports);
  const expected = info.npmEntries.map((entry) => entry.subpath);
  if (JSON.stringify(keys) !== JSON.stringify(expected)) {
    problems.push(`exports ${keys.join(", ")}; deno.json's entries for npm are ${expected.join(", ")}`);
  }
  for (const key of keys) {
    const conditions = Object.keys(exports[key]);
    if (JSON.stringify(conditions) !== '["types","import"]') {
      problems.push(`export "${key}" has conditions ${conditions.join(", ")}, not types then import`);
    }
  }
  return problems;
}

/**
 * Installs the packed tarball into a scratch project and uses it.
 * @returns One check per step and per entry.
 */
export async function checkNpmPackage(): Promise<NpmCheck[]> {
  const info = await readPackageInfo();
  const tarball = `${DIST}${NPM_NAME}-${info.version}.tgz`;
  const checks: NpmCheck[] = [];
  const add = (name: string, problems: string[]) =>
    checks.push({ name, ok: problems.length === 0, detail: problems.join("; ") });
  const dir = await Deno.makeTempDir({ prefix: "yieldio_npm_check_" });
  try {
    await Deno.writeTextFile(`${dir}/package.json`, '{ "name": "scratch", "private": true, "type": "module" }\n');
    const install = await exec(
      "npm",
      ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock", tarball],
      dir,
    );
    add(
      `npm install --offline ${tarball.slice(DIST.length)} into a scratch project`,
      install.code === 0 ? [] : [
        install.out,
      ],
    );
    if (install.code !== 0) return checks;

    const installed = `${dir}/node_modules/${NPM_NAME}/`;
    const manifest = JSON.parse(await Deno.readTextFile(`${installed}package.json`)) as Record<string, unknown>;
    add(
      `the installed package.json: ${NPM_NAME}@${info.version}, ES modules, ${info.npmEntries.length} typed exports, ` +
        "no dependencies",
      manifestProblems(manifest, info),
    );
    const modules = (await Array.fromAsync(Deno.readDir(`${dir}/node_modules`))).map((entry) => entry.name);
    add(
      "the install brought nothing but the package",
      modules.filter((name) => name !== NPM_NAME && !name.startsWith(".")),
    );

    await Deno.writeTextFile(`${dir}/tsconfig.json`, JSON.stringify(TSCONFIG, null, 2));
    await Deno.writeTextFile(`${dir}/main.ts`, consumerProgram(info));
    const tsc = await exec("node", [`${ROOT}node_modules/typescript/bin/tsc`, "-p", "tsconfig.json"], dir);
    add("tsc --strict type-checks a program and the declarations against the package", tsc.code === 0 ? [] : [tsc.out]);
    if (tsc.code !== 0) return checks;

    const ran = await exec("node", ["out/main.js"], dir);
    let seen: { onCore?: unknown; onKit?: unknown; exported?: Record<string, number> } = {};
    try {
      seen = JSON.parse(ran.out.trim().split("\n").at(-1) ?? "");
    } catch {
      add("node runs the compiled program", [`exit code ${ran.code}:\n${ran.out}`]);
      return checks;
    }
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    add(
      "node runs it: yield* of a task and of sleep give their values on virtual time",
      same(seen.onCore, [42, "five", 15]) ? [] : [`got ${JSON.stringify(seen.onCore)}`],
    );
    add(
      "yieldio/testing shares the core: one loop, one Task class, one CancelledError",
      same(seen.onKit, [true, true, true, "slept"]) ? [] : [`got ${JSON.stringify(seen.onKit)}`],
    );
    for (const entry of info.npmEntries) {
      const count = seen.exported?.[entry.specifier] ?? 0;
      add(`import * from "${entry.specifier}" in Node gives its exports (${count})`, count > 0 ? [] : ["none"]);
    }
    return checks;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  const checks = await checkNpmPackage();
  for (const check of checks) {
    console.log(`${check.ok ? "ok    " : "FAILED"} ${check.name}${check.ok ? "" : `\n${check.detail}`}`);
  }
  const failed = checks.filter((check) => !check.ok).length;
  console.log(`\nnpm package: ${checks.length - failed} passed, ${failed} failed`);
  Deno.exit(failed === 0 ? 0 : 1);
}
