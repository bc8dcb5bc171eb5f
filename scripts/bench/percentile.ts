/** The value at percentile `p` (0–100) of `sorted` (ascending), nearest-rank; NaN for no values. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
