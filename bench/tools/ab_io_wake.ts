/**
 * What bounds scenario 9's round trips, measured: the TCP echo round trip
 * (one client, yieldio streams) on the default idle adapter beside a
 * prototype host adapter that resumes a sleeping loop in a microtask when a
 * host callback wakes it — as plain async/await continues — falling back to
 * `setImmediate` after 64 such wakes in a row, so timers and host I/O still
 * get their turn. Alternates the two in one process, 6 times, and prints the
 * median µs per round trip of each. The prototype lives here, not in
 * lib/loop/idle/: the adapters are the core's, and this is the evidence for
 * proposing one.
 *
 * usage: deno run -A bench/tools/ab_io_wake.ts [bytes=1024] [trips=2000]
 * (Node: bundle it with esbuild, --platform=node, and pass the same arguments.)
 *
 * @module
 */

import { type HostIdleAdapter, run } from "../../mod.ts";
import { openConnection, startServer } from "../../lib/io/mod.ts";

/** The prototype: `wake()` from a host callback resumes the loop in a microtask, at most 64 times in a row. */
class MicrotaskWakeIdle implements HostIdleAdapter {
  readonly kind = "host" as const;
  #resume: (() => void) | null = null;
  #immediate: ReturnType<typeof setImmediate> | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #streak = 0;

  schedule(timeoutMs: number | null, resume: () => void): void {
    this.#clear();
    this.#resume = resume;
    if (timeoutMs === null) return;
    if (timeoutMs <= 0) {
      this.#streak = 0;
      this.#immediate = setImmediate(this.#fire);
    } else {
      this.#timer = setTimeout(this.#fire, Math.ceil(timeoutMs));
    }
  }

  wake(): void {
    if (this.#resume === null) return;
    this.#clear();
    if (this.#streak++ < 64) {
      queueMicrotask(this.#fire);
    } else {
      this.#streak = 0;
      this.#immediate = setImmediate(this.#fire);
    }
  }

  close(): void {
    this.#clear();
    this.#resume = null;
  }

  #fire = (): void => {
    const resume = this.#resume;
    this.#clear();
    this.#resume = null;
    resume?.();
  };

  #clear(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    if (this.#immediate !== null) clearImmediate(this.#immediate);
    this.#timer = this.#immediate = null;
  }
}

const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ??
  (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
const SIZE = Number(args[0] ?? 1024);
const TRIPS = Number(args[1] ?? 2000);

/** µs per echo round trip of one client. */
async function roundTrip(idle: HostIdleAdapter | undefined): Promise<number> {
  return await run(function* () {
    const server = yield* startServer(
      function* (reader, writer) {
        for (let chunk = yield* reader.read(65536); chunk.length > 0; chunk = yield* reader.read(65536)) {
          writer.write(chunk);
          yield* writer.drain();
        }
      },
      "127.0.0.1",
      0,
    );
    const [reader, writer] = yield* openConnection("127.0.0.1", (server.addresses()[0] as [string, number])[1]);
    const message = new Uint8Array(SIZE);
    const start = performance.now();
    for (let i = 0; i < TRIPS; i++) {
      writer.write(message);
      yield* writer.drain();
      yield* reader.readexactly(SIZE);
    }
    const us = (performance.now() - start) * 1000 / TRIPS;
    writer.close();
    server.close();
    yield* server.waitClosed();
    return us;
  }, idle === undefined ? undefined : { idle });
}

const plain: number[] = [];
const microtask: number[] = [];
for (let i = 0; i < 6; i++) {
  plain.push(await roundTrip(undefined));
  microtask.push(await roundTrip(new MicrotaskWakeIdle()));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(
  `${SIZE} B × ${TRIPS} round trips: default adapter ${median(plain).toFixed(0)} µs, ` +
    `microtask wake ${median(microtask).toFixed(0)} µs`,
);
