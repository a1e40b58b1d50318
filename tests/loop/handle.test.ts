import { assertEquals, assertFalse, assertInstanceOf, assertStrictEquals } from "@std/assert";
import { EventLoop, Handle, TimerHandle } from "../../mod.ts";
import { collectGarbage } from "./_support.ts";

Deno.test("callSoon returns a Handle that is not cancelled", () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    const handle = loop.callSoon(() => {});
    assertInstanceOf(handle, Handle);
    assertFalse(handle instanceof TimerHandle);
    assertFalse(handle.cancelled());
  } finally {
    loop.close();
  }
});

Deno.test("callLater and callAt return TimerHandles that are not cancelled", () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    const later = loop.callLater(5, () => {});
    const at = loop.callAt(5, () => {});
    assertInstanceOf(later, TimerHandle);
    assertInstanceOf(at, TimerHandle);
    assertEquals([later.cancelled(), at.cancelled()], [false, false]);
  } finally {
    loop.close();
  }
});

Deno.test("Handle.cancel() marks the handle cancelled and is idempotent", () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    const calls: string[] = [];
    const handle = loop.callSoon(() => calls.push("cancelled one"));
    handle.cancel();
    handle.cancel();
    loop.callSoon(() => calls.push("other"));
    loop.runOnce();
    assertEquals([handle.cancelled(), calls], [true, ["other"]]);
  } finally {
    loop.close();
  }
});

Deno.test("a handle that ran is not marked cancelled", () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    const soon = loop.callSoon(() => {});
    const later = loop.callLater(5, () => {});
    loop.runOnce();
    loop.runOnce();
    assertEquals([soon.cancelled(), later.cancelled(), loop.time()], [false, false, 5]);
  } finally {
    loop.close();
  }
});

Deno.test("TimerHandle.when() is the absolute deadline on the loop's clock", () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    const whens: number[] = [];
    assertEquals(loop.callLater(250, () => {}).when(), 250);
    assertEquals(loop.callAt(42.5, () => {}).when(), 42.5);
    loop.callLater(100, () => whens.push(loop.callLater(50, () => {}).when(), loop.callAt(7, () => {}).when()));
    loop.runOnce(); // jumps to 42.5
    loop.runOnce(); // jumps to 100
    assertEquals([loop.time(), whens], [100, [150, 7]]);
  } finally {
    loop.close();
  }
});

Deno.test("a Handle prints its callback's name, or that it was cancelled", () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    const named = loop.callSoon(function tick() {});
    const anonymous = loop.callSoon(
      (() => () => {})(), // an arrow function created in an expression has no name
    );
    assertEquals(String(named), "<Handle tick()>");
    assertEquals(String(anonymous), "<Handle <anonymous>()>");
    named.cancel();
    assertEquals(String(named), "<Handle cancelled>");
  } finally {
    loop.close();
  }
});

Deno.test("a TimerHandle prints its deadline and callback's name, or that it was cancelled", () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    const handle = loop.callLater(250, function tick() {});
    assertEquals(String(handle), "<TimerHandle when=250 tick()>");
    handle.cancel();
    assertEquals(String(handle), "<TimerHandle when=250 cancelled>");
  } finally {
    loop.close();
  }
});

Deno.test("Handle.cancel() drops the callback and its arguments so they can be collected before the loop runs", async () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    const { handles, refs } = scheduleGarbage(loop);
    for (const handle of handles) handle.cancel();
    await collectGarbage();
    assertEquals(refs.map((ref) => ref.deref() === undefined), [true, true, true, true]);
    assertEquals(handles.map((handle) => handle.cancelled()), [true, true]);
  } finally {
    loop.close();
  }
});

/** Schedules a callSoon and a callLater whose callback and argument are reachable only through their handles. */
function scheduleGarbage(loop: EventLoop): { handles: Handle[]; refs: WeakRef<object>[] } {
  const refs: WeakRef<object>[] = [];
  const make = () => {
    const arg = { big: new Array(1000).fill(1) };
    const callback = (x: unknown) => x;
    refs.push(new WeakRef(arg), new WeakRef(callback));
    return [callback, arg] as const;
  };
  const [soonCallback, soonArg] = make();
  const [laterCallback, laterArg] = make();
  const handles = [loop.callSoon(soonCallback, soonArg), loop.callLater(10, laterCallback, laterArg)];
  return { handles, refs };
}

Deno.test("a handle's callback receives exactly the arguments it was scheduled with", () => {
  const loop = new EventLoop({ clock: "virtual" });
  try {
    const object = { id: 1 };
    const received: unknown[][] = [];
    loop.callSoon((...args: unknown[]) => received.push(args), 1, "two", object, undefined);
    loop.callSoon((...args: unknown[]) => received.push(args));
    loop.runOnce();
    assertEquals(received, [[1, "two", object, undefined], []]);
    assertStrictEquals(received[0][2], object);
  } finally {
    loop.close();
  }
});
