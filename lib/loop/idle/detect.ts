/**
 * Picks each driver's default idle adapter by feature tests, never by user
 * agent (`research/idle-wait.md` §7.6, §8.1):
 *
 * | host                         | host-driven       | blocking                 |
 * |------------------------------|-------------------|--------------------------|
 * | Node, Deno ≥ 2.4 (`setImmediate`) | SetImmediateIdle | AtomicsIdle           |
 * | browser window               | MessageChannelIdle | refused (CannotBlockError) |
 * | dedicated worker             | MessageChannelIdle | AtomicsIdle              |
 * | anything else                | SetTimeoutIdle    | AtomicsIdle if the probe allows |
 *
 * @module
 */

import type { BlockingIdleAdapter, HostIdleAdapter } from "./adapter.ts";
import { AtomicsIdle } from "./atomics.ts";
import { hasMessageChannel, MessageChannelIdle } from "./message_channel.ts";
import { hasSetImmediate, SetImmediateIdle } from "./set_immediate.ts";
import { SetTimeoutIdle } from "./set_timeout.ts";

/** @returns The best host-driven adapter this runtime offers. */
export function defaultHostIdle(): HostIdleAdapter {
  if (hasSetImmediate()) return new SetImmediateIdle();
  if (hasMessageChannel()) return new MessageChannelIdle();
  return new SetTimeoutIdle();
}

/**
 * @returns A blocking adapter.
 * @throws {CannotBlockError} Where this thread may not block.
 */
export function defaultBlockingIdle(): BlockingIdleAdapter {
  return new AtomicsIdle();
}
