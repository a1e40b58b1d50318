/**
 * Debug mode and call graphs — the README's "Debugging a stuck program"
 * section prints this file's output. Three classic problems: who is waiting
 * for this code (`printCallGraph`), a step that hogs the thread (the
 * slow-step warning names the task and where it was created), and a
 * coroutine created without `yield*` (reported at close, with its site).
 *
 *     deno run examples/debug_mode.ts
 *
 * @module
 */

import { createTask, gather, printCallGraph, run, sleep } from "../mod.ts";

function* fetchUser() {
  printCallGraph(); // who is waiting for me?
  yield* sleep(10);
}

function* loadPage() {
  yield* gather([fetchUser()]);
}

await run(function* () {
  sleep(5); // the bug: without yield*, nothing waits for this sleep
  yield* createTask(loadPage(), { name: "loadPage" });
  const start = performance.now();
  while (performance.now() - start < 150) { /* a step that hogs the thread */ }
  yield* sleep(1);
}, { debug: true });
