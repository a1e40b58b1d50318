/**
 * Worker-side loops for the channel tests: each opens the channel end it was
 * given on a loop of its own and answers the other thread.
 *
 * @module
 */

import { QueueShutDown, run, runSync, sleep } from "../../../mod.ts";
import { Channel, type ChannelEnd } from "../../../lib/threads/mod.ts";

/** What the echo loops understand. */
export type Request = { add: number } | { sleep: number } | "stop";

function* serve(end: ChannelEnd<number | string, Request>) {
  const channel = new Channel(end);
  let served = 0;
  for (;;) {
    let request: Request;
    try {
      request = yield* channel.get();
    } catch (e) {
      if (e instanceof QueueShutDown) return `closed after ${served}`;
      throw e;
    }
    if (request === "stop") return `stopped after ${served}`;
    served++;
    if (typeof request === "object" && "sleep" in request) {
      yield* sleep(request.sleep); // a real blocking wait under runSync
      channel.putNowait(`slept ${request.sleep}`);
    } else {
      channel.putNowait(request.add + 1);
    }
  }
}

/** Answers on a blocking loop (`runSync`): it sleeps in Atomics.wait between messages. */
export function echoBlocking(end: ChannelEnd<number | string, Request>): string {
  return runSync(() => serve(end));
}

/** Answers on a host-driven loop (`run`). */
export function echoHost(end: ChannelEnd<number | string, Request>): Promise<string> {
  return run(() => serve(end));
}

/** Fails before it opens the end it was given. */
export function failBeforeOpening(_end: ChannelEnd<number, number>): never {
  throw new RangeError("failed before opening");
}

/** Opens its end, answers one message, then never returns to its event loop: only terminating the worker stops it. */
export function openThenHang(end: ChannelEnd<number, number>): Promise<never> {
  return run(function* () {
    const channel = new Channel(end);
    channel.putNowait((yield* channel.get()) + 1);
    for (;;) { /* spin */ }
  });
}
