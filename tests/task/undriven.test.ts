/** Debug mode reports yieldio coroutines that were created and never driven (`sleep(5)` without `yield*`). */

import { assertEquals, assertMatch } from "@std/assert";
import { type ExceptionContext, fromPromise, getRunningLoop, run, sleep } from "../../mod.ts";

function reportsOf(debug: boolean, body: () => void): Promise<ExceptionContext[]> {
  const reports: ExceptionContext[] = [];
  return run(function* () {
    getRunningLoop().setExceptionHandler((_loop, context) => reports.push(context));
    body();
    yield* sleep(1); // a driven one, never reported
  }, { clock: "virtual", debug }).then(() => reports);
}

/** The `file:line` of the caller's caller frame: where a call in the test body is. */
function hereFile(): string {
  const frame = (new Error().stack ?? "").split("\n").filter((line) => line.trim().startsWith("at "))[1] ?? "";
  return frame.replace(/^.*?\(?((?:https?|file):\/\/[^)]*?|\/[^)]*?):\d+:\d+\)?$/, "$1");
}

Deno.test("in debug mode, a sleep created without yield* is reported at close, by name and creation site", async () => {
  let file = "";
  const reports = await reportsOf(true, () => {
    file = hereFile();
    sleep(5); // the bug: nothing waits
  });
  assertEquals(reports.length, 1);
  assertEquals(reports[0].message, "sleep(5) was created but never driven: did you forget `yield*`?");
  // The site is this test's own line: its file (this file, or the bundle it was built into) and a position.
  const site = String(reports[0].createdAt);
  assertMatch(site, /:\d+:\d+\)?$/);
  assertEquals(site.includes(file), true, `${site} is not in ${file}`);
  assertEquals(/creationSite|trackUndriven|sleep \(/.test(site), false, `${site} is yieldio's own frame`);
});

Deno.test("in debug mode, a fromPromise() that is never driven is reported too", async () => {
  const reports = await reportsOf(true, () => {
    fromPromise(Promise.resolve(1));
  });
  assertEquals(reports.map((r) => r.message), ["fromPromise() was created but never driven: did you forget `yield*`?"]);
});

Deno.test("without debug mode nothing is tracked or reported", async () => {
  const reports = await reportsOf(false, () => {
    sleep(5);
  });
  assertEquals(reports, []);
});

Deno.test("a tracked sleep still works as a sleep: its value, its time, createTask", async () => {
  const seen = await run(function* () {
    const value = yield* sleep(10, "v");
    return [value, getRunningLoop().time()];
  }, { clock: "virtual", debug: true });
  assertEquals(seen, ["v", 10]);
});
