// yieldio keeps one idle loop of its own alive per thread (lib/task/
// layout_keeper.ts) so that V8 keeps the loop's object layouts between runs. It
// must be a loop of its own: the program's loops — the very first one
// included, which is when the keeper is made — must still be collected once
// dropped. Only a fresh process has a "first loop", so these spawn one.
import { assertEquals } from "@std/assert";
import { bundleForNode, MOD, timedRun, withProgram } from "./_child.ts";

const PROGRAM = `
import { EventLoop, sleep } from "MOD";
function runOne() {
  const loop = new EventLoop({ clock: "virtual" });
  loop.runUntilCompleteSync(loop.createTask(sleep(10)));
  loop.close();
  return new WeakRef(loop);
}
const refs = [runOne(), runOne()];
for (let i = 0; i < 5; i++) {
  await new Promise((resolve) => setTimeout(resolve, 0));
  globalThis.gc();
}
console.log(JSON.stringify(refs.map((ref) => ref.deref() === undefined)));
`;

const LIMIT_MS = 30_000;

Deno.test("the program's loops, the first one included, are collected once dropped (Deno)", async () => {
  await withProgram(PROGRAM.replace("MOD", MOD.deno), async (dir) => {
    const exit = await timedRun(
      Deno.execPath(),
      ["run", "--no-config", "--v8-flags=--expose-gc", `${dir}/main.ts`],
      LIMIT_MS,
    );
    assertEquals([exit.code, exit.out.trim()], [0, "[true,true]"], exit.err);
  });
});

Deno.test("the program's loops, the first one included, are collected once dropped (Node)", async () => {
  await withProgram(PROGRAM.replace("MOD", MOD.node), async (dir) => {
    const exit = await timedRun("node", ["--expose-gc", await bundleForNode(dir)], LIMIT_MS);
    assertEquals([exit.code, exit.out.trim()], [0, "[true,true]"], exit.err);
  });
});
