/**
 * The latency percentile `q` (0-1) of `count` samples in `samples` (sorted in place), counting
 * `missing` messages that never arrived as infinitely late: a lossy step cannot look fast.
 */
export function percentile(samples: Float64Array, count: number, missing: number, q: number): number {
  const total = count + missing;
  if (total === 0) return Number.NaN;
  const rank = Math.max(0, Math.ceil(q * total) - 1);
  if (rank >= count) return Number.POSITIVE_INFINITY;
  return samples[rank]!;
}

/** Sorts the first `count` samples in place. */
export function sortSamples(samples: Float64Array, count: number): void {
  samples.subarray(0, count).sort();
}
