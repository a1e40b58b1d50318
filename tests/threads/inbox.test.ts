import { assertEquals, assertThrows } from "@std/assert";
import { Inbox } from "../../lib/loop/inbox.ts";

Deno.test("Inbox.close() closes every source even when one throws, then rethrows the first error", () => {
  const inbox = new Inbox();
  const closed: string[] = [];
  const source = (name: string, fail: boolean) => ({
    drain() {},
    close() {
      closed.push(name);
      if (fail) throw new Error(`${name} failed`);
    },
  });
  inbox.add(source("a", false));
  inbox.add(source("b", true));
  inbox.add(source("c", true));
  assertThrows(() => inbox.close(), Error, "c failed");
  assertEquals(closed, ["c", "b", "a"], "last added first, and none skipped");
});
