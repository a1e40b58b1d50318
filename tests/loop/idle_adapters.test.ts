/**
 * The idle-adapter contract (research/idle-wait.md §8.3), one suite run
 * against every adapter this runtime offers. An adapter that is missing here
 * must refuse to be built, so each runtime checks one branch or the other.
 *
 * These tests are about the host, so they use real time, with generous
 * upper bounds and lower bounds that allow only the clock's resolution.
 */
import { assertEquals, assertGreaterOrEqual, assertLess, assertStringIncludes, assertThrows } from "@std/assert";
import {
  AtomicsIdle,
  CannotBlockError,
  type HostIdleAdapter,
  MessageChannelIdle,
  PerformanceClock,
  SetImmediateIdle,
  SetTimeoutIdle,
} from "../../mod.ts";
import { blockingRefusal } from "../../lib/loop/idle/atomics.ts";
import { hasMessageChannel } from "../../lib/loop/idle/message_channel.ts";
import { hasSetImmediate } from "../../lib/loop/idle/set_immediate.ts";
import { sharedCell } from "../../lib/loop/idle/atomics.ts";
import { hostDelay, ResumeRecorder, within } from "./_support.ts";

/** How long "never" is watched for: long enough for any macrotask and a few timer ticks. */
const QUIET_MS = 30;
/** Lower bounds on real time allow for the clock's resolution, nothing more. */
const slack = 2 * new PerformanceClock().resolution + 1e-6;

interface HostAdapterUnderTest {
  name: string;
  available: () => boolean;
  make: () => HostIdleAdapter;
}

const HOST_ADAPTERS: HostAdapterUnderTest[] = [
  { name: "SetImmediateIdle", available: hasSetImmediate, make: () => new SetImmediateIdle() },
  { name: "MessageChannelIdle", available: hasMessageChannel, make: () => new MessageChannelIdle() },
  { name: "SetTimeoutIdle", available: () => true, make: () => new SetTimeoutIdle() },
];

for (const adapter of HOST_ADAPTERS) {
  if (adapter.available()) hostAdapterContract(adapter);
  else {
    Deno.test(`${adapter.name} refuses to be built where its host primitive is missing`, () => {
      assertThrows(adapter.make, TypeError, adapter.name);
    });
  }
}

function hostAdapterContract({ name, make }: HostAdapterUnderTest): void {
  /** Runs `body` with a fresh adapter and closes it afterwards, whatever happens. */
  async function withAdapter(body: (idle: HostIdleAdapter) => Promise<void>): Promise<void> {
    const idle = make();
    try {
      await body(idle);
    } finally {
      idle.close();
    }
  }

  Deno.test(`${name} is a host adapter`, () => {
    const idle = make();
    idle.close();
    assertEquals(idle.kind, "host");
  });

  Deno.test(`${name}.schedule() never calls resume synchronously`, async () => {
    await withAdapter(async (idle) => {
      const resumes = new ResumeRecorder();
      idle.schedule(0, resumes.resume);
      const afterSchedule = resumes.count;
      idle.wake();
      const afterWake = resumes.count;
      idle.schedule(-5, resumes.resume);
      const afterNegative = resumes.count;
      assertEquals([afterSchedule, afterWake, afterNegative], [0, 0, 0]);
      await resumes.first();
    });
  });

  Deno.test(`${name}.schedule(0) resumes in a macrotask, after the microtasks queued behind it`, async () => {
    await withAdapter(async (idle) => {
      const order: string[] = [];
      const resumes = new ResumeRecorder();
      idle.schedule(0, () => {
        order.push("resume");
        resumes.resume();
      });
      let chain = Promise.resolve();
      for (let i = 0; i < 50; i++) chain = chain.then(() => void order.push("microtask"));
      queueMicrotask(() => order.push("queueMicrotask"));
      await resumes.first();
      assertEquals(order.length, 52);
      assertEquals(order.at(-1), "resume");
    });
  });

  Deno.test(`${name} coalesces repeated schedule and wake calls into one resume`, async () => {
    await withAdapter(async (idle) => {
      const resumes = new ResumeRecorder();
      idle.schedule(0, resumes.resume);
      idle.wake();
      idle.schedule(0, resumes.resume);
      idle.schedule(0, resumes.resume);
      idle.wake();
      idle.wake();
      await resumes.first();
      await hostDelay(QUIET_MS);
      assertEquals(resumes.count, 1);
    });
  });

  Deno.test(`${name}.wake() after schedule(null) resumes exactly once`, async () => {
    await withAdapter(async (idle) => {
      const resumes = new ResumeRecorder();
      idle.schedule(null, resumes.resume);
      await hostDelay(5);
      idle.wake();
      idle.wake();
      await resumes.first();
      await hostDelay(QUIET_MS);
      assertEquals(resumes.count, 1);
    });
  });

  Deno.test(`${name}.schedule(null) alone never resumes`, async () => {
    await withAdapter(async (idle) => {
      const resumes = new ResumeRecorder();
      idle.schedule(null, resumes.resume);
      await hostDelay(QUIET_MS);
      assertEquals(resumes.count, 0);
    });
  });

  Deno.test(`${name}.wake() resumes at once an adapter waiting for a far deadline`, async () => {
    await withAdapter(async (idle) => {
      const resumes = new ResumeRecorder();
      idle.schedule(60_000, resumes.resume);
      const start = performance.now();
      idle.wake();
      assertLess((await resumes.first()) - start, 2000);
      await hostDelay(QUIET_MS);
      assertEquals(resumes.count, 1);
    });
  });

  Deno.test(`${name}: a later schedule(0) replaces an earlier far deadline and resumes once`, async () => {
    await withAdapter(async (idle) => {
      const early = new ResumeRecorder();
      const late = new ResumeRecorder();
      idle.schedule(5000, late.resume);
      const start = performance.now();
      idle.schedule(0, early.resume);
      assertLess((await early.first()) - start, 2000);
      await hostDelay(QUIET_MS);
      assertEquals([early.count, late.count], [1, 0]);
    });
  });

  Deno.test(`${name}: a later schedule(null) replaces an earlier schedule(0)`, async () => {
    await withAdapter(async (idle) => {
      const first = new ResumeRecorder();
      const second = new ResumeRecorder();
      idle.schedule(0, first.resume);
      idle.schedule(null, second.resume);
      await hostDelay(QUIET_MS);
      assertEquals([first.count, second.count], [0, 0]);
      idle.wake();
      await second.first();
      await hostDelay(QUIET_MS);
      assertEquals([first.count, second.count], [0, 1]);
    });
  });

  Deno.test(`${name}: a later deadline replaces an earlier schedule(0)`, async () => {
    await withAdapter(async (idle) => {
      const first = new ResumeRecorder();
      const second = new ResumeRecorder();
      idle.schedule(0, first.resume);
      const start = performance.now();
      idle.schedule(15, second.resume);
      const elapsed = (await second.first()) - start;
      assertGreaterOrEqual(elapsed, 15 - slack);
      await hostDelay(QUIET_MS);
      assertEquals([first.count, second.count], [0, 1]);
    });
  });

  Deno.test(`${name}: a deadline never resumes before its delay, fractional delays included`, async () => {
    await withAdapter(async (idle) => {
      for (const delay of [1, 2.5, 4.2, 12]) {
        const resumes = new ResumeRecorder();
        const start = performance.now();
        idle.schedule(delay, resumes.resume);
        const elapsed = (await resumes.first()) - start;
        assertGreaterOrEqual(elapsed, delay - slack, `schedule(${delay}) resumed after ${elapsed} ms`);
        assertLess(elapsed, 5000);
      }
    });
  });

  Deno.test(`${name} caps a delay beyond setTimeout's range instead of resuming at once`, async () => {
    await withAdapter(async (idle) => {
      const resumes = new ResumeRecorder();
      idle.schedule(2 ** 31 + 1000, resumes.resume);
      await hostDelay(QUIET_MS);
      idle.schedule(1e15, resumes.resume);
      await hostDelay(QUIET_MS);
      assertEquals(resumes.count, 0);
    });
  });

  Deno.test(`${name}.close() cancels whatever is pending and is idempotent`, async () => {
    const ready = new ResumeRecorder();
    const deadline = new ResumeRecorder();
    const wakeOnly = new ResumeRecorder();
    const a = make(), b = make(), c = make();
    a.schedule(0, ready.resume);
    b.schedule(10, deadline.resume);
    c.schedule(null, wakeOnly.resume);
    a.close();
    b.close();
    c.close();
    c.wake();
    a.close();
    await hostDelay(QUIET_MS);
    assertEquals([ready.count, deadline.count, wakeOnly.count], [0, 0, 0]);
  });

  Deno.test(`${name}.wake() during resume does not cause a second resume`, async () => {
    await withAdapter(async (idle) => {
      const resumes = new ResumeRecorder();
      idle.schedule(0, () => {
        resumes.resume();
        idle.wake();
      });
      await resumes.first();
      await hostDelay(QUIET_MS);
      assertEquals(resumes.count, 1);
    });
  });

  Deno.test(`${name} can be scheduled again from inside resume, as a driver does each slice`, async () => {
    await withAdapter(async (idle) => {
      const kinds: string[] = [];
      let done!: () => void;
      const finished = new Promise<void>((resolve) => (done = resolve));
      const plan: (number | "wake")[] = [0, 2, "wake", 0];
      const next = () => {
        const step = plan.shift();
        if (step === undefined) return done();
        kinds.push(String(step));
        if (step === "wake") {
          idle.schedule(null, next);
          idle.wake();
        } else {
          idle.schedule(step, next);
        }
      };
      next();
      await within(finished, 5000, "four resumes in a row");
      assertEquals(kinds, ["0", "2", "wake", "0"]);
      assertEquals(plan, []);
    });
  });
}

// ------------------------------------------------------------------ blocking

/**
 * Whether this test runs in a browser (Chromium's page or worker, whose page is visible in a headless run) rather
 * than in Deno or Node: by the user agent (browsers' begin "Mozilla/", Deno's "Deno/", Node's "Node.js/"), not by the
 * adapter's own check. (The suite's browser harness defines a `Deno` global, so that cannot tell.)
 */
function inABrowser(): boolean {
  const agent = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent ?? "";
  return agent.startsWith("Mozilla/");
}

if (hasMessageChannel()) {
  Deno.test(
    "MessageChannelIdle resumes a fired deadline through one port message in a browser, and directly in Deno and Node",
    async () => {
      const proto = MessagePort.prototype as { postMessage(this: MessagePort, ...args: unknown[]): void };
      const post = proto.postMessage;
      let posts = 0;
      proto.postMessage = function (...args) {
        posts++;
        return post.apply(this, args);
      };
      const idle = new MessageChannelIdle();
      try {
        const resumes = new ResumeRecorder();
        idle.schedule(2, resumes.resume);
        await resumes.first();
        assertEquals(posts, inABrowser() ? 1 : 0);
      } finally {
        proto.postMessage = post;
        idle.close();
      }
    },
  );
}

Deno.test("AtomicsIdle can be built exactly where blockingRefusal() is null", () => {
  const refusal = blockingRefusal();
  if (refusal === null) {
    const idle = new AtomicsIdle();
    idle.close();
    assertEquals(idle.kind, "blocking");
  } else {
    const error = assertThrows(() => new AtomicsIdle(), CannotBlockError);
    assertStringIncludes(error.message, refusal);
  }
});

Deno.test("AtomicsIdle.wait(timeout) returns after about the timeout", () => {
  if (blockingRefusal() !== null) return void assertThrows(() => new AtomicsIdle(), CannotBlockError);
  const idle = new AtomicsIdle();
  try {
    const start = performance.now();
    idle.wait(20, idle.snapshot());
    const elapsed = performance.now() - start;
    assertGreaterOrEqual(elapsed, 20 - slack);
    assertLess(elapsed, 5000);
  } finally {
    idle.close();
  }
});

Deno.test("AtomicsIdle: a wake() between snapshot() and wait() makes wait return at once (no lost wake-up)", () => {
  if (blockingRefusal() !== null) return void assertThrows(() => new AtomicsIdle(), CannotBlockError);
  const idle = new AtomicsIdle();
  try {
    const seen = idle.snapshot();
    idle.wake();
    const start = performance.now();
    idle.wait(5000, seen);
    assertLess(performance.now() - start, 1000);
  } finally {
    idle.close();
  }
});

Deno.test("AtomicsIdle: a wake() before snapshot() does not cut the next wait short", () => {
  if (blockingRefusal() !== null) return void assertThrows(() => new AtomicsIdle(), CannotBlockError);
  const idle = new AtomicsIdle();
  try {
    idle.wake();
    const start = performance.now();
    idle.wait(15, idle.snapshot());
    assertGreaterOrEqual(performance.now() - start, 15 - slack);
  } finally {
    idle.close();
  }
});

Deno.test("AtomicsIdle: a wake() through another adapter on the same shared cell ends the wait", () => {
  if (blockingRefusal() !== null) return void assertThrows(() => new AtomicsIdle(), CannotBlockError);
  const cell = sharedCell();
  const waiter = new AtomicsIdle(cell);
  const waker = new AtomicsIdle(cell);
  try {
    const seen = waiter.snapshot();
    waker.wake(); // what another thread holding the cell does
    const start = performance.now();
    waiter.wait(5000, seen);
    assertLess(performance.now() - start, 1000);
  } finally {
    waiter.close();
    waker.close();
  }
});

Deno.test("AtomicsIdle.close() is idempotent", () => {
  if (blockingRefusal() !== null) return void assertThrows(() => new AtomicsIdle(), CannotBlockError);
  const idle = new AtomicsIdle();
  idle.close();
  idle.close();
  assertEquals(idle.kind, "blocking");
});
