/**
 * The registry of open I/O resources (lib/io/_resources.ts): what the testing
 * kit's sanitizer reads; and the loop closes whatever is still open on it
 * when it closes, so that nothing outlives `run()`.
 */

import { assertEquals } from "@std/assert";
import { getRunningLoop, run, sleep } from "../../mod.ts";
import { subscribe, wrapReadable, wrapWritable } from "../../lib/io/mod.ts";
import { _openResources } from "../../lib/io/_resources.ts";

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

Deno.test("run() closes every resource its program left open, newest first, as its loop closes", async () => {
  const closed: string[] = [];
  let loop: ReturnType<typeof getRunningLoop> | null = null;
  const before = await run(function* () {
    loop = getRunningLoop();
    subscribe(new EventTarget(), "x");
    wrapReadable(new ReadableStream({ cancel: () => void closed.push("readable") }));
    wrapWritable(new WritableStream({ abort: () => void closed.push("writable") }));
    yield* sleep(0);
    return _openResources(loop).length;
  });
  assertEquals([before, _openResources(loop!).length], [3, 0]);
  assertEquals(closed, ["writable", "readable"]);
});
