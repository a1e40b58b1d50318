/** Helpers shared by the I/O tests: bytes and text, and what the host offers, by feature test. */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** @returns `s` as UTF-8 bytes. */
export function bytes(s: string): Uint8Array {
  return encoder.encode(s);
}

/** @returns UTF-8 bytes as a string. */
export function text(b: Uint8Array): string {
  return decoder.decode(b);
}

const g = globalThis as {
  Deno?: { connect?: unknown; version?: unknown };
  process?: { versions?: { node?: unknown } };
};

/** Deno itself (not the harness's stand-in `Deno` with only `test`). */
export const isDeno = typeof g.Deno?.connect === "function" && typeof g.Deno.version === "object";

/** Node (the bundled suite). */
export const isNode = !isDeno && typeof g.process?.versions?.node === "string";

/** Whether this host has sockets and child processes: Deno and Node, not browsers. */
export const hasHostIo = isDeno || isNode;
