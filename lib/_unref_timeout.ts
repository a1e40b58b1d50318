/**
 * A host timer that never holds the process open: `Deno.unrefTimer` in Deno,
 * Node's `unref()`, a plain timer elsewhere (where nothing decides an exit).
 *
 * @module
 */

/**
 * Calls `callback` after `ms` on the host's own timer, unreferenced.
 * @returns A function that clears the timer; idempotent.
 */
export function unrefTimeout(callback: () => void, ms: number): () => void {
  const id = setTimeout(callback, ms);
  const deno = (globalThis as { Deno?: { unrefTimer?(id: number): void } }).Deno;
  if (typeof deno?.unrefTimer === "function") deno.unrefTimer(id as unknown as number);
  else (id as { unref?(): void }).unref?.();
  return () => clearTimeout(id);
}
