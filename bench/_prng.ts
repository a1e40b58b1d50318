/**
 * The seeded delays every peer of the seed scenario sleeps.
 *
 * mulberry32 is a 32-bit generator that needs only 32-bit integer arithmetic,
 * so `peers/seed_scale_asyncio.py` reproduces it bit for bit; `run.ts`
 * compares the checksums each peer reports to prove the inputs were equal.
 *
 * @module
 */

/** Longest delay, in ms: delays are integers in 0..MAX_DELAY_MS. */
export const MAX_DELAY_MS = 1000;

/**
 * @param seed Any 32-bit integer.
 * @returns A generator of floats in [0, 1).
 */
export function mulberry32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    // `| 0` rather than the usual `+=`: the running sum would lose integer
    // precision after ~5M draws and drift from the Python twin.
    a = (a + 0x6D2B79F5) | 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * @param n How many delays.
 * @param seed The PRNG seed.
 * @returns `n` integer delays in 0..1000 ms.
 */
export function seededDelays(n: number, seed: number): Int32Array {
  const next = mulberry32(seed);
  const delays = new Int32Array(n);
  for (let i = 0; i < n; i++) delays[i] = Math.floor(next() * (MAX_DELAY_MS + 1));
  return delays;
}
