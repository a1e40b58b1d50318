import { assertEquals, assertGreater, assertStrictEquals } from "@std/assert";
import { type TimerEntry, TimerHeap } from "../../lib/loop/timer_heap.ts";
import { seededRandom } from "./_support.ts";

/** A heap entry that remembers its key and reports its cancellation the way TimerHandle does. */
class Entry implements TimerEntry {
  _inHeap = false;
  #cancelled = false;
  constructor(readonly when: number, readonly seq: number) {}
  cancelled(): boolean {
    return this.#cancelled;
  }
  cancel(heap: TimerHeap<Entry>): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    if (this._inHeap) heap.noteCancelled();
  }
  _run(): void {}
}

/** Builds a heap; `whens[i]` gets sequence number i. */
function heapOf(whens: number[]): { heap: TimerHeap<Entry>; entries: Entry[] } {
  const heap = new TimerHeap<Entry>();
  const entries = whens.map((when, seq) => new Entry(when, seq));
  for (const entry of entries) heap.push(entry.when, entry.seq, entry);
  return { heap, entries };
}

/** Pops everything, returning the `seq` of each live entry in pop order. */
function popAllLive(heap: TimerHeap<Entry>): number[] {
  const order: number[] = [];
  while (heap.size > 0) {
    const entry = heap.pop();
    if (!entry.cancelled()) order.push(entry.seq);
  }
  return order;
}

function byKey(a: Entry, b: Entry): number {
  return a.when - b.when || a.seq - b.seq;
}

Deno.test("TimerHeap pops entries by deadline, and equal deadlines by sequence number", () => {
  const { heap } = heapOf([30, 10, 20, 10, 30, 5, 10]);
  const popped: [number, number][] = [];
  while (heap.size > 0) {
    const entry = heap.pop();
    popped.push([entry.when, entry.seq]);
  }
  assertEquals(popped, [[5, 5], [10, 1], [10, 3], [10, 6], [20, 2], [30, 0], [30, 4]]);
});

Deno.test("TimerHeap.peekWhen is Infinity when empty and the earliest deadline otherwise", () => {
  const heap = new TimerHeap<Entry>();
  assertEquals(heap.peekWhen(), Infinity);
  heap.push(7.5, 0, new Entry(7.5, 0));
  heap.push(3.25, 1, new Entry(3.25, 1));
  heap.push(9, 2, new Entry(9, 2));
  assertEquals([heap.size, heap.peekWhen()], [3, 3.25]);
  heap.pop();
  assertEquals(heap.peekWhen(), 7.5);
});

Deno.test("TimerHeap orders a seeded random mix of deadlines and ties exactly like a sort by (when, seq)", () => {
  for (const seed of [1, 2, 3, 42, 9001]) {
    const random = seededRandom(seed);
    // Few distinct deadlines (with fractions and negatives) so most keys tie on `when`.
    const whens = Array.from({ length: 1500 }, () => Math.floor(random() * 40) / 4 - 2);
    const { heap, entries } = heapOf(whens);
    const expected = [...entries].sort(byKey).map((entry) => entry.seq);
    assertEquals(popAllLive(heap), expected, `seed ${seed}`);
  }
});

Deno.test("TimerHeap marks entries with _inHeap while they are in it", () => {
  const { heap, entries } = heapOf([2, 1, 3]);
  assertEquals(entries.map((entry) => entry._inHeap), [true, true, true]);
  const first = heap.pop();
  assertStrictEquals(first, entries[1]);
  assertEquals(entries.map((entry) => entry._inHeap), [true, false, true]);
});

Deno.test("TimerHeap.pop of a cancelled entry lowers the cancelled count", () => {
  const { heap, entries } = heapOf([1, 2, 3]);
  entries[0].cancel(heap);
  entries[2].cancel(heap);
  assertEquals(heap.cancelledCount, 2);
  heap.pop();
  assertEquals([heap.size, heap.cancelledCount], [2, 1]);
  heap.pop();
  assertEquals([heap.size, heap.cancelledCount], [1, 1]);
});

Deno.test("TimerHeap.dropCancelled pops cancelled entries off the top of a small heap and leaves deeper ones", () => {
  const { heap, entries } = heapOf([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  for (const i of [0, 1, 2, 6]) entries[i].cancel(heap);
  heap.dropCancelled();
  assertEquals([heap.size, heap.cancelledCount, heap.peekWhen()], [7, 1, 4]);
  assertEquals(entries.map((entry) => entry._inHeap), [false, false, false, true, true, true, true, true, true, true]);
  assertEquals(popAllLive(heap), [3, 4, 5, 7, 8, 9]);
});

Deno.test("TimerHeap.dropCancelled does nothing when the top entry is live", () => {
  const { heap, entries } = heapOf([1, 2, 3, 4]);
  entries[3].cancel(heap);
  heap.dropCancelled();
  assertEquals([heap.size, heap.cancelledCount, heap.peekWhen()], [4, 1, 1]);
});

Deno.test("TimerHeap.dropCancelled never rebuilds a heap of 100 entries or fewer", () => {
  const { heap, entries } = heapOf(Array.from({ length: 100 }, (_, i) => i));
  for (let i = 10; i < 100; i++) entries[i].cancel(heap);
  heap.dropCancelled();
  assertEquals([heap.size, heap.cancelledCount], [100, 90]);
  assertEquals(popAllLive(heap), Array.from({ length: 10 }, (_, i) => i));
});

Deno.test("TimerHeap.dropCancelled rebuilds a big heap once more than half of it is cancelled", () => {
  const random = seededRandom(7);
  const whens = Array.from({ length: 300 }, () => Math.floor(random() * 50));
  const { heap, entries } = heapOf(whens);
  // Keep the earliest entry live, so only a rebuild can remove the cancelled ones.
  const earliest = [...entries].sort(byKey)[0];
  let cancelled = 0;
  while (cancelled < 151) {
    const entry = entries[Math.floor(random() * 300)];
    if (entry === earliest || entry.cancelled()) continue;
    entry.cancel(heap);
    cancelled++;
  }
  heap.dropCancelled();
  assertEquals([heap.size, heap.cancelledCount, heap.peekWhen()], [149, 0, earliest.when]);
  assertEquals(entries.filter((entry) => entry.cancelled()).some((entry) => entry._inHeap), false);
  const live = entries.filter((entry) => !entry.cancelled()).sort(byKey).map((entry) => entry.seq);
  assertEquals(popAllLive(heap), live);
});

Deno.test("TimerHeap.dropCancelled leaves a big heap alone when exactly half of it is cancelled", () => {
  const { heap, entries } = heapOf(Array.from({ length: 200 }, (_, i) => i));
  for (let i = 1; i < 200; i += 2) entries[i].cancel(heap);
  heap.dropCancelled();
  assertEquals([heap.size, heap.cancelledCount], [200, 100]);
});

Deno.test("TimerHeap matches a sorted model under seeded random pushes, cancels, pops and drops", () => {
  for (const seed of [11, 12, 13]) {
    const random = seededRandom(seed);
    const heap = new TimerHeap<Entry>();
    const all: Entry[] = [];
    let rebuilds = 0;
    for (let step = 0; step < 6000; step++) {
      const r = random();
      const live = all.filter((entry) => entry._inHeap && !entry.cancelled());
      if (r < 0.45) {
        const entry = new Entry(Math.floor(random() * 100) / 2, all.length);
        all.push(entry);
        heap.push(entry.when, entry.seq, entry);
      } else if (r < 0.85) {
        if (live.length > 0) live[Math.floor(random() * live.length)].cancel(heap);
      } else if (r < 0.93) {
        heap.dropCancelled();
        const expected = live.sort(byKey)[0];
        if (expected !== undefined) {
          const entry = heap.pop();
          assertStrictEquals(entry, expected, `seed ${seed} step ${step}`);
        } else {
          assertEquals(heap.size, 0);
        }
      } else {
        const big = heap.size > 100 && heap.cancelledCount > heap.size / 2;
        heap.dropCancelled();
        if (big) {
          rebuilds++;
          assertEquals([heap.size, heap.cancelledCount], [live.length, 0]);
        }
        assertEquals(heap.peekWhen(), live.length === 0 ? Infinity : live.sort(byKey)[0].when);
      }
      const inHeap = all.filter((entry) => entry._inHeap);
      assertEquals(heap.size, inHeap.length, `size at seed ${seed} step ${step}`);
      assertEquals(heap.cancelledCount, inHeap.filter((entry) => entry.cancelled()).length);
    }
    assertGreater(rebuilds, 0, `seed ${seed} never exercised a rebuild`);
    heap.dropCancelled();
    const rest = all.filter((entry) => entry._inHeap && !entry.cancelled()).sort(byKey).map((entry) => entry.seq);
    assertEquals(popAllLive(heap), rest);
  }
});

Deno.test("TimerHeap grows past its initial capacity without losing entries", () => {
  const whens = Array.from({ length: 1000 }, (_, i) => 1000 - i);
  const { heap } = heapOf(whens);
  assertEquals(heap.size, 1000);
  assertEquals(popAllLive(heap), Array.from({ length: 1000 }, (_, i) => 999 - i));
});

Deno.test("TimerHeap.clear empties the heap, releases its entries and leaves it usable", () => {
  const { heap, entries } = heapOf(Array.from({ length: 150 }, (_, i) => i));
  entries[5].cancel(heap);
  heap.clear();
  assertEquals([heap.size, heap.cancelledCount, heap.peekWhen()], [0, 0, Infinity]);
  assertEquals(entries.some((entry) => entry._inHeap), false);
  const later = new Entry(3, 0);
  heap.push(3, 0, later);
  assertStrictEquals(heap.pop(), later);
});
