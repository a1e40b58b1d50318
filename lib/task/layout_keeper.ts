/**
 * One idle loop per thread, made alongside the first loop and kept, never run:
 * it keeps the loop's object layouts alive.
 *
 * V8 keeps a layout (a map) only while some object has it. Once every loop of
 * a process has been dropped, a full GC discards the loops' maps, the
 * optimised code of the loop's hot methods is thrown away with them, and
 * after about five such rounds those methods settle 2–3× slower (measured:
 * bench/README.md, "Steady state"). Test suites, and programs that call
 * `run()` again and again, drop all their loops over and over; one idle loop
 * (about 35 KB, no host resources) spares them that. It must be a loop of its
 * own: keeping one of the program's would keep whatever that loop references.
 *
 * @module
 */

/** `undefined` until the first loop is made; `null` while the keeper is being made (its constructor passes here). */
let keeper: object | null | undefined;

/** @internal Called by every new loop; makes the keeper with `make` the first time. */
export function keepLoopLayouts(make: () => object): void {
  if (keeper !== undefined) return;
  keeper = null;
  keeper = make();
}
