/**
 * The worker side of scenario 8's wake-up measurement: a loop in a worker
 * (blocking or host-driven) that sends back every number it receives on its
 * channel end until it gets -1. Deno imports it as is; Node imports a bundle
 * of it (`threads.ts` builds `.bench-out/threads_echo.mjs`).
 *
 * @module
 */

import { run, runSync } from "../../mod.ts";
import { Channel, type ChannelEnd } from "../../lib/threads/mod.ts";

function* echo(end: ChannelEnd<number, number>) {
  const channel = new Channel(end);
  for (let n = yield* channel.get(); n !== -1; n = yield* channel.get()) channel.putNowait(n);
  return "done";
}

/** Echoes on a loop blocked in Atomics.wait between messages. */
export function echoBlocking(end: ChannelEnd<number, number>): string {
  return runSync(() => echo(end));
}

/** Echoes on a host-driven loop. */
export function echoHost(end: ChannelEnd<number, number>): Promise<string> {
  return run(() => echo(end));
}
