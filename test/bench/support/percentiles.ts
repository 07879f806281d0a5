/** Nearest-rank percentile (p in 0..100) of a sample; NaN for an empty sample. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export const median = (values: readonly number[]): number => percentile(values, 50);

/** Rounds for display and JSON: 3 significant decimals are plenty for a benchmark. */
export const rounded = (value: number, digits = 3): number => Number(value.toFixed(digits));
