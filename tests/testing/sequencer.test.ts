/** Sequencer: `seq.at(n, body)` blocks run in order 0, 1, 2, … whatever order the tasks reach them. */

import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { CancelledError, type Coro, createTask, InvalidStateError, sleep, type Task } from "../../mod.ts";
import { exploreSeeds, runTest, Sequencer } from "../../lib/testing/mod.ts";
import { caught } from "../_support/caught.ts";

/** All orders of `items`. */
function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((p) => [item, ...p])
  );
}

/** Three workers, each with two positions; started in `spawnOrder`; returns the order the blocks ran in. */
function* sixBlocks(spawnOrder: number[]): Coro<number[]> {
  const seq = new Sequencer();
  const ran: number[] = [];
  const positions = [[0, 4], [2, 5], [1, 3]];
  const worker = (mine: number[], delay: number) =>
    (function* () {
      for (const n of mine) {
        yield* sleep(delay);
        yield* seq.at(n, function* () {
          yield* sleep(5 - delay); // the blocks take time, and yield
          ran.push(n);
        });
      }
    })();
  const tasks: Task<void>[] = spawnOrder.map((w) => createTask(worker(positions[w], w)));
  for (const task of tasks) yield* task;
  return ran;
}

Deno.test("Sequencer blocks run 0..5 in order whatever the spawn order", async () => {
  for (const order of permutations([0, 1, 2])) {
    assertEquals(await runTest(() => sixBlocks(order), { seed: null }), [0, 1, 2, 3, 4, 5], `spawn order ${order}`);
  }
});

Deno.test("Sequencer blocks run in order under every schedule", async () => {
  const { failures } = await exploreSeeds(function* () {
    assertEquals(yield* sixBlocks([2, 1, 0]), [0, 1, 2, 3, 4, 5]);
  }, { seeds: 20, shuffle: "all" });
  assertEquals(failures, []);
});

Deno.test("a block that throws still lets the next one run", async () => {
  const ran: string[] = [];
  await runTest(function* () {
    const seq = new Sequencer();
    // deno-lint-ignore require-yield
    const second = createTask(seq.at(1, function* () {
      ran.push("second");
    }));
    try {
      yield* seq.at(0, function* () {
        throw new Error("first fails");
      });
    } catch (e) {
      ran.push(String(e));
    }
    yield* second;
  }, { seed: null });
  assertEquals(ran, ["Error: first fails", "second"]);
});

Deno.test("a position used twice is an InvalidStateError", async () => {
  await runTest(function* () {
    const seq = new Sequencer();
    yield* seq.at(0, function* () {});
    const error = yield* caught(seq.at(0, function* () {}));
    assert(error instanceof InvalidStateError);
    assertEquals(error.message, "Sequencer position 0 was already used");
  }, { seed: null });
});

Deno.test("a task cancelled while waiting breaks the sequence: it gets CancelledError, the others InvalidStateError", async () => {
  await runTest(function* () {
    const seq = new Sequencer();
    const atTwo = createTask(seq.at(2, function* () {}));
    const atThree = createTask(seq.at(3, function* () {}));
    yield* sleep(1);
    atTwo.cancel();
    assert((yield* caught(atTwo)) instanceof CancelledError);
    const error = yield* caught(atThree);
    assert(error instanceof InvalidStateError);
    assertStringIncludes(error.message, "the Sequencer is broken");
    assert((yield* caught(seq.at(0, function* () {}))) instanceof InvalidStateError);
    assertEquals(String(seq), "<Sequencer broken used=2>");
  }, { seed: null });
});

Deno.test("bad Sequencer.at() arguments are typed errors naming the value", async () => {
  await runTest(function* () {
    const seq = new Sequencer();
    assert((yield* caught(seq.at("1" as unknown as number, function* () {}))) instanceof TypeError);
    const negative = yield* caught(seq.at(-1, function* () {}));
    assert(negative instanceof RangeError && negative.message.includes("-1"));
    const notBody = yield* caught(seq.at(0, 5 as never));
    assert(notBody instanceof TypeError && notBody.message.includes("5 (a number)"));
  }, { seed: null });
});
