/** The inspector entry: rendering, driving a virtual loop from its controls, and watching over a BroadcastChannel. */

import { assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { Event, EventLoop, fromPromise, inspect, Lock, sleep } from "../../mod.ts";
import {
  attachInspector,
  type InspectorClick,
  type InspectorElement,
  publishSnapshots,
  renderSnapshot,
  watchSnapshots,
} from "../../lib/inspector/mod.ts";
import { _isSnapshot } from "../../lib/inspector/channel.ts";
import type { LoopSnapshot } from "../../mod.ts";

/** An element stand-in that records the click listener, so a test can press the rendered buttons. */
class FakeElement implements InspectorElement {
  innerHTML = "";
  listener: ((event: InspectorClick) => void) | null = null;
  addEventListener(_type: "click", listener: (event: InspectorClick) => void): void {
    this.listener = listener;
  }
  removeEventListener(): void {
    this.listener = null;
  }
  /** Clicks the button whose data-yi-action is `action` (it must be rendered). */
  press(action: string): void {
    assertStringIncludes(this.innerHTML, `data-yi-action="${action}"`);
    const button = { getAttribute: (name: string) => name === "data-yi-action" ? action : null };
    this.listener?.({ target: { closest: () => button } });
  }
  rows(): number {
    return this.innerHTML.match(/<tr data-task-id=/g)?.length ?? 0;
  }
  tree(): string {
    return /<pre class="yi-tree[^"]*">([^<]*)<\/pre>/.exec(this.innerHTML)?.[1] ?? "";
  }
}

Deno.test("renderSnapshot shows one row per task, the tree, timers and warnings, escaping every name", () => {
  const loop = new EventLoop({ clock: "virtual" });
  const lock = new Lock();
  lock.acquire().next();
  loop.createTask(lock.acquire(), { name: "<b>bold</b>" });
  loop.createTask(sleep(30), { name: "napper" });
  loop.runOnce();
  const html = renderSnapshot(inspect(loop), { title: "demo & co", note: "a note" });
  assertEquals(html.match(/<tr data-task-id=/g)?.length, 2);
  assertStringIncludes(html, "&lt;b&gt;bold&lt;/b&gt; — waiting on Lock#1");
  assertEquals(html.includes("<b>bold</b>"), false);
  assertStringIncludes(html, "<h2>demo &amp; co</h2>");
  assertStringIncludes(html, "<li>t=30 &lt;sleep until t=30&gt;</li>");
  assertStringIncludes(html, `<div class="yi-warnings yi-warn yi-none">none</div>`);
  assertStringIncludes(html, "t=0 ms (virtual clock) · iteration 1 · idle · 0 ready · 1 timer · 2 tasks");
  assertEquals(html.includes("data-yi-action"), false); // no controls unless asked
  lock.release();
  loop.runOnce();
  loop.runOnce();
  loop.runOnce();
  loop.close();
});

Deno.test("an inspector that drives a virtual loop steps it from its Step button and plays it to the end", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  loop.createTask(sleep(20), { name: "napper" });
  const element = new FakeElement();
  const inspector = attachInspector(loop, { element, drive: true, intervalMs: 0, stepsPerSecond: 1000 });
  assertEquals([inspector.paused, element.rows(), element.tree()], [true, 1, "napper — ready"]);
  element.press("step");
  assertEquals(element.tree(), "napper — waiting on sleep until t=20");
  element.press("play");
  assertEquals(inspector.paused, false);
  for (let i = 0; i < 100 && !inspector.paused; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assertEquals([inspector.paused, element.rows(), loop.time()], [true, 0, 20]);
  assertStringIncludes(element.innerHTML, "nothing left to run");
  inspector.close();
  assertEquals(element.listener, null);
  loop.close();
});

Deno.test("stepping a deadlocked virtual loop pauses with a note; a host wait in flight is not a deadlock", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  const reports: string[] = [];
  loop.setExceptionHandler((_loop, context) => reports.push(context.message));
  const never = new Event();
  let settle: (value: string) => void = () => {};
  loop.createTask(never.wait(), { name: "stuck" });
  const host = loop.createTask(fromPromise(new Promise<string>((resolve) => settle = resolve)), { name: "host" });
  const element = new FakeElement();
  const inspector = attachInspector(loop, { element, drive: true, intervalMs: 0 });
  element.press("step"); // both park: one on the event, one on the promise (a ref)
  assertEquals(inspect(loop).refs, 1);
  element.press("step");
  assertEquals(element.innerHTML.includes("deadlock"), false); // the promise may still wake it
  settle("late");
  await Promise.resolve();
  element.press("step");
  element.press("step");
  assertEquals([host.done(), inspect(loop).refs], [true, 0]);
  element.press("step"); // now only the event waiter is left, and nothing can wake it
  assertEquals(inspector.paused, true);
  assertStringIncludes(
    element.innerHTML,
    "deadlock: nothing is ready, no timer is armed and no host wake-up is expected",
  );
  assertEquals(element.tree(), "stuck — waiting on Event#1");
  inspector.close();
  loop.close();
  assertEquals(reports, ["Task was destroyed but it is pending!"]); // the stuck task, as asyncio reports it
});

Deno.test("Pause stops a playing inspector; a closed loop is not stepped", () => {
  const loop = new EventLoop({ clock: "virtual" });
  const element = new FakeElement();
  const inspector = attachInspector(loop, { element, drive: true, playing: true, intervalMs: 0, stepsPerSecond: 1 });
  assertEquals(inspector.paused, false);
  element.press("pause");
  assertEquals(inspector.paused, true);
  inspector.close();
  loop.close();
  const again = attachInspector(loop, { element, drive: true, intervalMs: 0 });
  again.step();
  assertEquals(again.paused, true);
  assertStringIncludes(element.innerHTML, "the loop is closed");
  again.close();
});

Deno.test("attachInspector refuses to drive a real-clock loop and needs an element where there is no document", () => {
  const loop = new EventLoop();
  assertThrows(() => attachInspector(loop, { element: new FakeElement(), drive: true }), TypeError, "virtual-clock");
  assertThrows(() => attachInspector(loop, { element: new FakeElement(), intervalMs: -1 }), RangeError, "intervalMs");
  if (!("document" in globalThis)) {
    assertThrows(() => attachInspector(loop), TypeError, "needs options.element where there is no document");
  }
  const watching = attachInspector(loop, { element: new FakeElement(), intervalMs: 0 });
  assertThrows(() => watching.step(), TypeError, "drive: true");
  watching.close();
  loop.close();
});

Deno.test("snapshots published on a BroadcastChannel are rendered by a watcher", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  loop.createTask(sleep(5), { name: "remote task" });
  loop.runOnce();
  const element = new FakeElement();
  const watcher = watchSnapshots({ element, channel: "inspector-test" });
  assertStringIncludes(element.innerHTML, "Waiting for snapshots");
  const publisher = publishSnapshots(loop, { channel: "inspector-test", source: "worker 7", intervalMs: 1000 });
  for (let i = 0; i < 100 && element.rows() === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  publisher.close();
  watcher.close();
  assertEquals([element.rows(), element.tree()], [1, "remote task — waiting on sleep until t=5"]);
  assertStringIncludes(element.innerHTML, "yieldio inspector — worker 7");
  loop.runOnce();
  loop.runOnce();
  loop.close();
});

/** A snapshot as another tab could forge it: markup in every field the page prints, numbers included. */
function forgedSnapshot(): LoopSnapshot {
  const evil = `"><img src=x onerror=alert(1)>`;
  return {
    time: 0,
    iteration: 1,
    state: "idle",
    virtual: true,
    ready: 0,
    timerCount: 1,
    refs: 0,
    timers: [{ when: evil, what: evil }],
    tasks: [{
      id: evil,
      name: evil,
      state: `waiting${evil}`,
      cancelling: 0,
      waitingOn: evil,
      awaitedBy: [],
      createdAt: null,
      steps: evil,
      busyMs: evil,
    }],
    warnings: [{ kind: evil, task: null, message: evil }],
  } as unknown as LoopSnapshot;
}

Deno.test("renderSnapshot escapes every value of a forged snapshot, numbers and states included", () => {
  const html = renderSnapshot(forgedSnapshot());
  assertEquals(html.includes("<img"), false);
  assertStringIncludes(html, `<tr data-task-id="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">`);
  assertStringIncludes(html, `<td>waiting&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</td>`); // no class from a bad state
});

Deno.test("a watcher drops a message that is not a well-formed snapshot", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  const real = inspect(loop);
  assertEquals(_isSnapshot(real), true);
  assertEquals(_isSnapshot(JSON.parse(JSON.stringify(real))), true);
  assertEquals(_isSnapshot(forgedSnapshot()), false);
  assertEquals(_isSnapshot({ ...real, time: "0" }), false);
  assertEquals(_isSnapshot({ ...real, tasks: [{}] }), false);
  assertEquals(_isSnapshot(null), false);
  const element = new FakeElement();
  const watcher = watchSnapshots({ element, channel: "inspector-forged" });
  const forger = new BroadcastChannel("inspector-forged");
  forger.postMessage({ kind: "yieldio-snapshot", source: "forger", snapshot: forgedSnapshot() });
  forger.postMessage({ kind: "yieldio-snapshot", source: "forger", snapshot: { ...real, busyMs: "x", tasks: "x" } });
  forger.postMessage({ kind: "yieldio-snapshot", source: "honest", snapshot: real });
  for (let i = 0; i < 100 && !element.innerHTML.includes("honest"); i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  forger.close();
  watcher.close();
  assertStringIncludes(element.innerHTML, "yieldio inspector — honest");
  assertEquals(element.innerHTML.includes("forger"), false);
  loop.close();
});
