// Does memory grow with the iteration count? The retained bytes after each iteration (each after a full
// collection) are fitted with a robust slope: Theil–Sen's, the median of the slopes between every two
// points, which a few outliers (a collection that V8 postponed, a lazily compiled function) cannot
// move. How sure the growth is comes from the Mann–Kendall trend test over the same points: the
// probability that the readings rise with the iteration count rather than in random order.

import { median } from '../../shared/statistics';

export interface Growth {
  /** Theil–Sen slope over the points after warm-up, in bytes per iteration. */
  bytesPerIteration: number;
  /** The same over the last half of those points: a leak keeps growing, warm-up effects level off. */
  recentBytesPerIteration: number;
  /** One-sided Mann–Kendall confidence (0 to 1) that the points increase with the iteration count. */
  confidence: number;
}

/** Theil–Sen slope of `values` against their index: the median of all pairwise slopes. */
export function theilSenSlope(values: readonly number[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < values.length; i++) {
    for (let j = i + 1; j < values.length; j++) slopes.push((values[j] - values[i]) / (j - i));
  }
  return median(slopes);
}

/** The standard normal distribution function (Abramowitz and Stegun 7.1.26, error below 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/**
 * One-sided Mann–Kendall test: the probability that `values` trend upwards. Ties (a plateau reads the
 * same bytes again and again) lower the variance as the test prescribes, and a continuity correction
 * keeps short series honest.
 */
export function trendConfidence(values: readonly number[]): number {
  const n = values.length;
  if (n < 3) return 0;
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) s += Math.sign(values[j] - values[i]);
  const ties = new Map<number, number>();
  for (const value of values) ties.set(value, (ties.get(value) ?? 0) + 1);
  let variance = (n * (n - 1) * (2 * n + 5)) / 18;
  for (const count of ties.values()) variance -= (count * (count - 1) * (2 * count + 5)) / 18;
  if (variance <= 0 || s === 0) return s > 0 ? 1 : s < 0 ? 0 : 0.5;
  const z = (s - Math.sign(s)) / Math.sqrt(variance);
  return normalCdf(z);
}

/** Fits the retained bytes measured after each iteration, leaving out the first `warmup` of them. */
export function fitGrowth(retainedBytes: readonly number[], warmup: number): Growth {
  const measured = retainedBytes.slice(warmup);
  const recent = measured.slice(Math.floor(measured.length / 2));
  return {
    bytesPerIteration: theilSenSlope(measured),
    recentBytesPerIteration: theilSenSlope(recent),
    confidence: trendConfidence(measured),
  };
}
