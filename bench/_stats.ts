/**
 * Small statistics and formatting helpers shared by the orchestrator and the
 * scenario scripts (which also run under Node, so nothing Deno-specific here).
 *
 * @module
 */

/** @returns The median of `xs` (mean of the middle two for even lengths); NaN when empty. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Nearest-rank percentile.
 *
 * @param sorted Ascending samples.
 * @param p Percentile in 0..100.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** A latency distribution, in ms. */
export interface Distribution {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** @returns p50/p90/p99/max of `samples`. */
export function distribution(samples: readonly number[]): Distribution {
  const s = [...samples].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p90: percentile(s, 90), p99: percentile(s, 99), max: s[s.length - 1] };
}

/** @returns `ms` as "12.3 ms" or "4.56 s", three significant digits. */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return "—";
  if (Math.abs(ms) >= 1000) return `${(ms / 1000).toPrecision(3)} s`;
  if (Math.abs(ms) >= 1) return `${ms.toPrecision(3)} ms`;
  return `${(ms * 1000).toPrecision(3)} µs`;
}

/** @returns A rate like "14.9 M/s". */
export function fmtRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return "—";
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toPrecision(3)} M/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toPrecision(3)} k/s`;
  return `${perSecond.toPrecision(3)} /s`;
}

/** @returns A byte count like "925 MiB" or "816 B". */
export function fmtBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return "—";
  if (bytes >= 1000 * 1024 ** 2) return `${(bytes / 1024 ** 3).toPrecision(3)} GiB`; // not "1.01e+3 MiB"
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toPrecision(3)} MiB`;
  if (bytes >= 1024 * 10) return `${(bytes / 1024).toPrecision(3)} KiB`;
  return `${Math.round(bytes)} B`;
}

/** @returns A ratio like "3.12×". */
export function fmtRatio(r: number): string {
  return Number.isFinite(r) ? `${r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(2)}×` : "—";
}

/** @returns `n` as "1k", "100k", "1M". */
export function fmtCount(n: number): string {
  if (n >= 1e6 && n % 1e6 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 1e3 === 0) return `${n / 1e3}k`;
  return String(n);
}
