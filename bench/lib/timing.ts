/** Latencies of one way of doing something, ms. */
export interface Timing {
  p50: number;
  p95: number;
  mean: number;
}

export function summarize(samples: number[]): Timing {
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  return { p50: at(0.5), p95: at(0.95), mean: samples.reduce((a, b) => a + b, 0) / samples.length };
}

/**
 * Times `ways` taking turns, one run of each per round (the order rotating), after `warmup`
 * untimed rounds: whatever the machine does meanwhile (a checkpoint, autovacuum, another process)
 * falls on all of them alike, so their ratio compares like with like. `onTimed` runs as the timed
 * rounds begin.
 */
export async function timeTogether(iterations: number, ways: (() => Promise<unknown>)[], warmup: number, onTimed?: () => Promise<unknown>): Promise<Timing[]> {
  const samples = ways.map(() => [] as number[]);
  for (let round = -warmup; round < iterations; round++) {
    if (round === 0) await onTimed?.();
    for (let k = 0; k < ways.length; k++) {
      const i = (round + warmup + k) % ways.length;
      const started = performance.now();
      await ways[i]!();
      if (round >= 0) samples[i]!.push(performance.now() - started);
    }
  }
  return samples.map(summarize);
}
