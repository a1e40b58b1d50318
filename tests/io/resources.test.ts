/**
 * The registry of open I/O resources (lib/io/_resources.ts): what the testing
 * kit's sanitizer reads, and `_closeOpenResources`, which `run()` is meant to
 * call before it closes its loop so that nothing outlives it.
 */

import { assertEquals } from "@std/assert";
import { getRunningLoop, run, sleep } from "../../mod.ts";
import { subscribe, wrapReadable, wrapWritable } from "../../lib/io/mod.ts";
import { _closeOpenResources, _openResources } from "../../lib/io/_resources.ts";

Deno.test("each loop has its own open resources, listed in the order they were opened", async () => {
  const [mine, other] = await run(function* () {
    const target = new EventTarget();
    const sub = subscribe(target, "x");
    const reader = wrapReadable(new Blob(["x"]).stream());
    const mine = _openResources(getRunningLoop()).map(String);
    const other = _openResources({}).length;
    sub.close();
    reader.cancel();
    yield* sleep(0);
    return [mine, other];
  });
  assertEquals(mine, [
    '<Subscription to "x" events queued=0 dropped=0>',
    "<ReadableStream being read by a StreamReader>",
  ]);
  assertEquals(other, 0);
});

Deno.test("_closeOpenResources closes every resource still open, newest first", async () => {
  const [before, after, cancelled] = await run(function* () {
    const loop = getRunningLoop();
    let cancelled: unknown = null;
    subscribe(new EventTarget(), "x");
    wrapReadable(new ReadableStream({ cancel: (reason) => void (cancelled = reason ?? "cancelled") }));
    wrapWritable(new WritableStream());
    const before = _openResources(loop).length;
    _closeOpenResources(loop);
    yield* sleep(0);
    return [before, _openResources(loop).length, cancelled];
  });
  assertEquals([before, after, cancelled], [3, 0, "cancelled"]);
});
