/**
 * Text from users in diagnostics: a task name or a wait label is printed as
 * one safe line everywhere — the task tree, the task table, a DeadlockError,
 * a call graph, the inspector page — so a newline cannot forge a line and an
 * escape sequence or a bidi override cannot reach the terminal raw. And the
 * inspector's BroadcastChannel ignores what it cannot use, never throwing.
 */

import { assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import {
  createTask,
  DeadlockError,
  Event,
  EventLoop,
  formatCallGraph,
  formatTaskTable,
  formatTaskTree,
  fromPromise,
  run,
  sleep,
  taskGroup,
} from "../../mod.ts";
import { renderSnapshot, watchSnapshots } from "../../lib/inspector/mod.ts";
import type { LoopSnapshot } from "../../mod.ts";

/** A name that tries everything: a forged tree line, a terminal escape, a bidi override. */
const FORGER = "evil\n├── forged — waiting on nothing\x1b[2J\u202eright-to-left";
const ESCAPED = "evil\\n├── forged — waiting on nothing\\x1b[2J\\u202eright-to-left";

Deno.test("the task tree and table print a hostile name on one line, escaped, and the loop goes on", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  const task = loop.createTask(sleep(10, "done"), { name: FORGER });
  const named = loop.createTask(fromPromise(new Promise<void>(() => {}), { name: "fetch\n/api" }), { name: "io" });
  loop.runOnce();
  assertEquals(formatTaskTree(loop).split("\n"), [
    `${ESCAPED} — waiting on sleep until t=10`,
    "io — waiting on fetch\\n/api",
  ]);
  assertEquals(formatTaskTable(loop).split("\n"), [
    `id  name${" ".repeat(ESCAPED.length - 4)}  state    waiting on        awaited by`,
    `1   ${ESCAPED}  waiting  sleep until t=10`,
    `2   io${" ".repeat(ESCAPED.length - 2)}  waiting  fetch\\n/api`,
  ]);
  named.cancel();
  assertEquals(await loop.runUntilComplete(task), "done");
  loop.close();
});

Deno.test("a DeadlockError's tree cannot be forged by a task name", async () => {
  const never = new Event();
  const error = await assertRejects(
    () =>
      run(function* () {
        yield* taskGroup(function* (tg) {
          tg.createTask(never.wait(), { name: FORGER });
        });
      }, { clock: "virtual" }),
    DeadlockError,
  );
  assertEquals(error.tree.split("\n"), ["main — waiting on taskGroup exit", `${ESCAPED} — waiting on Event#1`]);
  assertEquals(error.message.includes("\x1b"), false);
});

Deno.test("a call graph prints a hostile task name escaped", async () => {
  const text = await run(function* () {
    const worker = createTask(sleep(5), { name: FORGER });
    yield* sleep(0);
    const graph = formatCallGraph(worker);
    yield* worker;
    return graph;
  }, { clock: "virtual" });
  assertEquals(text.split("\n"), [
    `* Task(name='${ESCAPED}', id=2)`,
    "  + Waiting on: sleep until t=5",
  ]);
});

/** The smallest well-formed snapshot with one task, whose name is `name`. */
function snapshotNaming(name: string): LoopSnapshot {
  return {
    time: 0,
    iteration: 1,
    state: "idle",
    virtual: true,
    ready: 0,
    timerCount: 0,
    refs: 0,
    timers: [],
    warnings: [],
    tasks: [{
      id: 1,
      name,
      state: "waiting",
      cancelling: 0,
      waitingOn: "Event#1",
      awaitedBy: [],
      createdAt: null,
      steps: 0,
      busyMs: 0,
    }],
  };
}

Deno.test("the inspector page prints a hostile name on one line in the table and the tree, escaped", () => {
  const html = renderSnapshot(snapshotNaming(FORGER));
  const escapedHtml = ESCAPED.replace(">", "&gt;");
  assertStringIncludes(html, `<td>${escapedHtml}</td>`);
  assertStringIncludes(html, `<pre class="yi-tree">${escapedHtml} — waiting on Event#1</pre>`);
  assertEquals(html.includes("\u202e") || html.includes("\x1b"), false);
});

Deno.test("a watcher ignores forged and malformed messages without throwing, and renders the next good one", async () => {
  const element = { innerHTML: "", addEventListener() {}, removeEventListener() {} };
  const watcher = watchSnapshots({ element, channel: "user-text-forged" });
  const forger = new BroadcastChannel("user-text-forged");
  const good = snapshotNaming("honest task");
  const holey = snapshotNaming("holey");
  holey.tasks = new Array(2); // holes: every() skips them, a renderer would not
  holey.tasks[1] = good.tasks[0];
  for (
    const message of [
      null,
      42,
      "yieldio-snapshot",
      [],
      { kind: "yieldio-snapshot" },
      { kind: "yieldio-snapshot", source: { not: "a string" }, snapshot: good },
      { kind: "yieldio-snapshot", source: "holes", snapshot: holey },
      {
        kind: "yieldio-snapshot",
        source: "bad awaitedBy",
        snapshot: { ...good, tasks: [{ ...good.tasks[0], awaitedBy: [, 1] }] },
      },
      { kind: "yieldio-snapshot", source: "honest", snapshot: good },
    ]
  ) {
    forger.postMessage(message);
  }
  for (let i = 0; i < 100 && !element.innerHTML.includes("honest"); i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  forger.close();
  watcher.close();
  assertStringIncludes(element.innerHTML, "yieldio inspector — honest");
  assertEquals(element.innerHTML.match(/yieldio inspector — /g)?.length, 1, "only the honest source is shown");
});
