/**
 * The internal roles public classes play. A public class may not name an
 * internal type (`deno doc --lint` reports a private-type-ref, and the
 * reference would show a name it has no page for), so these classes fit
 * their roles by shape, with no `implements` clause; the annotated bindings
 * below are where the compiler holds them to it. Checked by `deno check`
 * (and by `deno test`, which type-checks first); the runtime test only
 * checks that the function is there.
 */

import { assertEquals } from "@std/assert";
import type { BaseEventLoop, Context, Handle, Lock, Task, TimerHandle } from "../../mod.ts";
import type { ContextHolder } from "../../lib/loop/context.ts";
import type { TimerOwner } from "../../lib/loop/handle.ts";
import type { TimerEntry } from "../../lib/loop/timer_heap.ts";
import type { WaitDetail } from "../../lib/task/waiters.ts";
import type { SleepingTask } from "../../lib/task/yield_protocol.ts";

/** Never called: it exists to be type-checked. */
function roles(
  loop: BaseEventLoop,
  context: Context,
  handle: Handle,
  timer: TimerHandle,
  task: Task<unknown>,
  lock: Lock,
): void {
  const holders: ContextHolder[] = [context, handle, task];
  const entry: TimerEntry = timer;
  const owner: TimerOwner = loop;
  const sleeper: SleepingTask = task;
  const detailed: WaitDetail = lock;
  void [holders, entry, owner, sleeper, detailed];
}

Deno.test("public classes fit the internal roles they play, with no implements clause to say so", () => {
  assertEquals(typeof roles, "function");
});
