/**
 * A stand-in for `Deno.test` so the same test files run in Node and in
 * Chromium (page and worker). The bundles import this module first; it
 * installs `globalThis.Deno = { test }` only where there is no `Deno`, so the
 * test modules that follow register into {@linkcode registeredTests} in
 * source order. {@linkcode runRegisteredTests} then runs them one at a time.
 *
 * What Deno's runner gives for free and this one must do by hand:
 * - a per-test timeout (a hung test fails and the run goes on; its leftover
 *   work cannot be killed, which is why the limit is generous);
 * - unhandled promise rejections and uncaught errors that happen while a test
 *   runs are failures of that test (Node: process events; browsers and
 *   workers: `unhandledrejection` / `error` events). Those that arrive between
 *   tests are charged to the test that just finished, since it caused them;
 * - `only` and `ignore`, as Deno interprets them (and like Deno, a run that
 *   used `only` fails, so it cannot be committed by accident);
 * - `console.error` calls are noted on the test that made them, so a browser
 *   stage that fails on console errors can name the test.
 *
 * Not supported: `t.step` and Deno's op/resource sanitizers (tests must not
 * rely on them; they would not be portable anyway). The stand-in `Deno` has
 * only `test`, so `typeof Deno` tells nothing about the runtime; a test that
 * must know should feature-test what it needs.
 *
 * @module
 */

/** A registered test: what `Deno.test` was given. */
export interface RegisteredTest {
  /** The test's name. */
  name: string;
  /** Its body; may return a promise. */
  fn: (t: unknown) => unknown;
  /** Skipped when true. */
  ignore: boolean;
  /** When any test has `only`, the others are skipped. */
  only: boolean;
}

/** The outcome of one test. */
export interface TestResult {
  /** The test's name. */
  name: string;
  /** "ok", "failed", or "ignored". */
  status: "ok" | "failed" | "ignored";
  /** Wall time in ms. */
  durationMs: number;
  /** Stacks (or messages) of everything that failed it. */
  errors: string[];
  /**
   * What it logged with `console.error`. Not a failure here (Deno and Node do
   * not fail on it); the Chromium stage fails on every console error and this
   * says which test logged it.
   */
  consoleErrors: string[];
}

/** What a whole run produced; plain data, so it crosses `postMessage` and `page.evaluate`. */
export interface RunReport {
  /** Where it ran, e.g. "node" or "chromium page". */
  label: string;
  /** Per-test outcomes in registration order. */
  results: TestResult[];
  /** Count of "ok" tests. */
  passed: number;
  /** Count of "failed" tests. */
  failed: number;
  /** Count of "ignored" tests. */
  ignored: number;
  /** Wall time of the whole run in ms. */
  durationMs: number;
  /** Whether `globalThis.gc` was callable (the tests may rely on it). */
  gcExposed: boolean;
  /** Errors that no test can be blamed for (e.g. before the first test). */
  strayErrors: string[];
}

/** Options for {@linkcode runRegisteredTests}. */
export interface RunOptions {
  /** Names the run in the report. */
  label: string;
  /** Per-test limit in ms; default 20 000. */
  timeoutMs?: number;
  /** Called after each test, e.g. to stream progress. */
  onResult?: (result: TestResult) => void;
}

interface DenoTestDefinition {
  name?: string;
  fn?: (t: unknown) => unknown;
  ignore?: boolean;
  only?: boolean;
}

type TestFn = (t: unknown) => unknown;

const tests: RegisteredTest[] = [];

/** @returns The tests registered so far, in registration order. */
export function registeredTests(): readonly RegisteredTest[] {
  return tests;
}

/**
 * The subset of `Deno.test` the suite uses: `(name, fn)`, `({ name, fn })`,
 * `(fn)` with a named function, and `(name, options, fn)`.
 */
export function test(
  nameOrDef: string | DenoTestDefinition | TestFn,
  optionsOrFn?: DenoTestDefinition | TestFn,
  maybeFn?: TestFn,
): void {
  let def: DenoTestDefinition;
  if (typeof nameOrDef === "string") {
    def = typeof optionsOrFn === "function"
      ? { name: nameOrDef, fn: optionsOrFn }
      : { ...optionsOrFn, name: nameOrDef, fn: maybeFn };
  } else if (typeof nameOrDef === "function") {
    def = { name: nameOrDef.name, fn: nameOrDef };
  } else {
    def = nameOrDef;
  }
  if (typeof def.fn !== "function") {
    throw new TypeError(`Deno.test(${JSON.stringify(def.name)}): fn must be a function`);
  }
  if (!def.name) throw new TypeError("Deno.test: the test needs a name");
  tests.push({ name: def.name, fn: def.fn, ignore: def.ignore === true, only: def.only === true });
}

if (typeof (globalThis as { Deno?: unknown }).Deno === "undefined") {
  (globalThis as { Deno?: unknown }).Deno = { test };
}

/** What a test body receives; Deno's `t.step` has no portable equivalent. */
const context = Object.freeze({
  step(): never {
    throw new Error("t.step is not supported by the cross-runtime harness; register separate Deno.test cases");
  },
});

interface NodeProcess {
  on(event: string, listener: (value: unknown) => void): void;
  off(event: string, listener: (value: unknown) => void): void;
}

interface EventHost {
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
}

/**
 * Routes uncaught errors to `sink` for the duration of a run.
 * @returns A function that removes the listeners.
 */
function catchUncaught(sink: (what: string, error: unknown) => void): () => void {
  const proc = (globalThis as { process?: Partial<NodeProcess> }).process;
  if (typeof proc?.on === "function" && typeof proc.off === "function") {
    const node = proc as NodeProcess;
    const onRejection = (reason: unknown) => sink("unhandled rejection", reason);
    const onException = (error: unknown) => sink("uncaught exception", error);
    node.on("unhandledRejection", onRejection);
    node.on("uncaughtException", onException);
    return () => {
      node.off("unhandledRejection", onRejection);
      node.off("uncaughtException", onException);
    };
  }
  const host = globalThis as unknown as Partial<EventHost>;
  if (typeof host.addEventListener === "function" && typeof host.removeEventListener === "function") {
    const events = host as EventHost;
    const onRejection = (event: Event) => sink("unhandled rejection", (event as PromiseRejectionEvent).reason);
    const onError = (event: Event) => {
      const e = event as ErrorEvent;
      sink("uncaught error", e.error ?? e.message);
    };
    events.addEventListener("unhandledrejection", onRejection);
    events.addEventListener("error", onError);
    return () => {
      events.removeEventListener("unhandledrejection", onRejection);
      events.removeEventListener("error", onError);
    };
  }
  return () => {};
}

/** @returns The error's stack when it has one that names it, else a readable string. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const head = `${error.name}: ${error.message}`;
    const stack = typeof error.stack === "string" ? error.stack : "";
    let text = stack.includes(error.message) ? stack : stack === "" ? head : `${head}\n${stack}`;
    if (error.cause !== undefined) text += `\nCaused by: ${describeError(error.cause)}`;
    if (error instanceof AggregateError) {
      for (const inner of error.errors) text += `\n  - ${describeError(inner).replaceAll("\n", "\n    ")}`;
    }
    return text;
  }
  try {
    return `non-Error thrown: ${typeof error === "string" ? error : JSON.stringify(error)}`;
  } catch {
    return `non-Error thrown: ${String(error)}`;
  }
}

/**
 * Notes console.error calls on `note` while still printing them (a browser
 * driver listens for them). A test that swaps console.error out for its own
 * capture hides its calls from both, as it means to.
 * @returns A function that restores the original.
 */
function tapConsoleError(note: (text: string) => void): () => void {
  const original = console.error;
  console.error = function (this: Console, ...args: unknown[]): void {
    note(args.map((a) => typeof a === "string" ? a : a instanceof Error ? describeError(a) : String(a)).join(" "));
    original.apply(this, args);
  };
  return () => {
    console.error = original;
  };
}

/** A fresh macrotask: pending rejection events have been dispatched by then. */
function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Runs every registered test in order, one at a time.
 * @param options Label, per-test timeout, progress callback.
 * @returns The report.
 */
export async function runRegisteredTests(options: RunOptions): Promise<RunReport> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const anyOnly = tests.some((t) => t.only);
  const results: TestResult[] = [];
  const strayErrors: string[] = [];
  let current: TestResult | null = null;
  let lastFinished: TestResult | null = null;
  const uninstall = catchUncaught((what, error) => {
    const text = `${what}: ${describeError(error)}`;
    const blame = current ?? lastFinished;
    if (blame === null) {
      strayErrors.push(text);
    } else {
      blame.errors.push(current === null ? `${text}\n(arrived after the test had finished)` : text);
      blame.status = "failed";
    }
  });
  const untap = tapConsoleError((text) => {
    const blame = current ?? lastFinished;
    if (blame !== null) blame.consoleErrors.push(current === null ? `${text} (after the test had finished)` : text);
  });
  const runStart = performance.now();
  try {
    for (const registered of tests) {
      const result: TestResult = { name: registered.name, status: "ok", durationMs: 0, errors: [], consoleErrors: [] };
      results.push(result);
      if (registered.ignore || (anyOnly && !registered.only)) {
        result.status = "ignored";
        options.onResult?.(result);
        continue;
      }
      current = result;
      const start = performance.now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        const timedOut = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`test timed out after ${timeoutMs} ms (its work may still be running)`)),
            timeoutMs,
          );
        });
        // Promise.resolve().then: a synchronous throw becomes a rejection too.
        await Promise.race([Promise.resolve().then(() => registered.fn(context)), timedOut]);
      } catch (error) {
        result.errors.unshift(describeError(error));
        result.status = "failed";
      } finally {
        clearTimeout(timer);
      }
      result.durationMs = performance.now() - start;
      // Let rejections the test left unhandled surface while it is still "current".
      await nextMacrotask();
      await nextMacrotask();
      current = null;
      lastFinished = result;
      options.onResult?.(result);
    }
    await nextMacrotask();
    if (anyOnly) strayErrors.push('a test used `only`, so the others did not run; remove "only" before committing');
  } finally {
    untap();
    uninstall();
  }
  return {
    label: options.label,
    results,
    passed: results.filter((r) => r.status === "ok").length,
    failed: results.filter((r) => r.status === "failed").length + strayErrors.length,
    ignored: results.filter((r) => r.status === "ignored").length,
    durationMs: performance.now() - runStart,
    gcExposed: typeof (globalThis as { gc?: unknown }).gc === "function",
    strayErrors,
  };
}

/** @returns One line for a finished test, with its errors indented below when it failed. */
export function formatResult(result: TestResult): string {
  const tag = result.status === "ok" ? "ok    " : result.status === "ignored" ? "ignore" : "FAILED";
  let line = `${tag} ${result.name} (${Math.round(result.durationMs)} ms)`;
  for (const error of result.errors) line += `\n    ${error.replaceAll("\n", "\n    ")}`;
  for (const text of result.consoleErrors) {
    line += `\n    console.error during this test: ${text.replaceAll("\n", "\n    ")}`;
  }
  return line;
}

/**
 * @returns The closing lines: each failure again, then `label: N passed, N failed`
 *   (the last line is exactly that, so CI can read it).
 */
export function formatSummary(report: RunReport): string {
  const lines: string[] = [];
  const failures = report.results.filter((r) => r.status === "failed");
  if (failures.length > 0 || report.strayErrors.length > 0) {
    lines.push(`\n${report.label}: failures`);
    for (const f of failures) lines.push(formatResult(f));
    for (const e of report.strayErrors) lines.push(`FAILED (outside any test) ${e}`);
  }
  if (!report.gcExposed) lines.push(`${report.label}: note: globalThis.gc was not exposed`);
  lines.push(
    `${report.label} took ${Math.round(report.durationMs)} ms` +
      (report.ignored > 0 ? `, ${report.ignored} ignored` : ""),
  );
  lines.push(`${report.label.replace(/\W+/g, "-")}: ${report.passed} passed, ${report.failed} failed`);
  return lines.join("\n");
}
