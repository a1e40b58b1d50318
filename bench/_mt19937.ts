/**
 * CPython's `random` module, the part pyperformance's `bm_async_tree` draws
 * from: MT19937 seeded as `random.seed(n)` seeds it (`init_by_array` over the
 * 32-bit words of |n|), `random()` (53-bit floats from two draws) and
 * `randint(a, b)` (`_randbelow` by rejection on `getrandbits(k)`).
 *
 * The async_tree ports draw exactly the sequence the Python original draws,
 * so their leaf counts (sleeps, factorials) match it draw for draw; the
 * orchestrator (`scenarios/async_tree.ts`) checks that against the Python
 * side on every run, and checks the first draws against `python3` itself.
 * Runs in Deno and, bundled, in Node: nothing runtime-specific here.
 *
 * @module
 */

const N = 624, M = 397;
const UPPER_MASK = 0x80000000, LOWER_MASK = 0x7fffffff, MATRIX_A = 0x9908b0df;

/** A Mersenne Twister with CPython `random.Random`'s seeding and derived draws. */
export class PythonRandom {
  #mt = new Uint32Array(N);
  #index = N + 1;

  /** @param seed A non-negative integer below 2^53, as `random.seed(seed)`. */
  constructor(seed: number) {
    this.seed(seed);
  }

  /** Reseeds as CPython's `random.seed(n)` for an int `n` (below 2^53 here). */
  seed(n: number): void {
    let rest = Math.abs(n);
    const key: number[] = [];
    do {
      key.push(rest % 0x100000000);
      rest = Math.floor(rest / 0x100000000);
    } while (rest > 0); // CPython: a zero seed is the one-word key [0]
    this.#initByArray(key);
  }

  /** @returns The next 32-bit output (`genrand_uint32`). */
  uint32(): number {
    const mt = this.#mt;
    if (this.#index >= N) {
      let kk = 0;
      for (; kk < N - M; kk++) {
        const y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
        mt[kk] = mt[kk + M] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      for (; kk < N - 1; kk++) {
        const y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
        mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      const y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
      mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      this.#index = 0;
    }
    let y = mt[this.#index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** @returns A float in [0, 1) with 53 random bits, as `random.random()`. */
  random(): number {
    const a = this.uint32() >>> 5, b = this.uint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** @returns `k` random bits (1 ≤ k ≤ 32), as `random.getrandbits(k)`. */
  getrandbits(k: number): number {
    return this.uint32() >>> (32 - k);
  }

  /** @returns An integer in [a, b], as `random.randint(a, b)` (b − a + 1 ≤ 2^32). */
  randint(a: number, b: number): number {
    const n = b - a + 1;
    const k = 32 - Math.clz32(n); // n.bit_length(): CPython's _randbelow_with_getrandbits
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return a + r;
  }

  #initGenrand(s: number): void {
    const mt = this.#mt;
    mt[0] = s;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = Math.imul(1812433253, prev) + i;
    }
    this.#index = N;
  }

  #initByArray(key: number[]): void {
    const mt = this.#mt;
    this.#initGenrand(19650218);
    let i = 1, j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (mt[i] ^ Math.imul(prev, 1664525)) + key[j] + j;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (mt[i] ^ Math.imul(prev, 1566083941)) - i;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }
}
