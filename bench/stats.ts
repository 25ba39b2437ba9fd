// The statistics of the benchmark: each compared figure is measured once per round (the variants of a
// round run back to back, see rounds.ts), and reported as its median over the rounds with the lowest
// and highest round beside it, so that a reader sees how far one run can be trusted.

/** A figure over the rounds of a run: the median, and the lowest and highest round. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** A figure computed from each round's own measurements, with the value of each round kept. */
export interface Figure extends Spread {
  perRound: number[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function range(values: readonly number[]): { min: number; max: number } {
  if (values.length === 0) return { min: NaN, max: NaN };
  return { min: Math.min(...values), max: Math.max(...values) };
}

export function spread(values: readonly number[]): Spread {
  return { median: median(values), ...range(values) };
}

/**
 * `compute` applied to each round's measurements (round i of every variant), then summarised. A
 * ratio of two variants measured side by side in one round cancels what slowed that whole round (a
 * busy neighbour, a CPU clocked down), which a ratio of the two medians would not.
 */
export function perRoundFigure<Variant extends string>(
  samples: Readonly<Record<Variant, readonly number[]>>,
  compute: (round: Record<Variant, number>) => number,
): Figure {
  const variants = Object.keys(samples) as Variant[];
  const rounds = Math.min(...variants.map((variant) => samples[variant].length));
  const perRound: number[] = [];
  for (let index = 0; index < rounds; index++) {
    const round = {} as Record<Variant, number>;
    for (const variant of variants) round[variant] = samples[variant][index];
    perRound.push(compute(round));
  }
  return { ...spread(perRound), perRound };
}

/**
 * numerator / denominator for two positive figures that no round pairs (measured in different
 * processes, one after the other): the ratio of their medians, and the lowest and highest ratio
 * their ranges allow.
 */
export function ratioOfMedians(numerator: readonly number[], denominator: readonly number[]): Spread {
  const top = spread(numerator);
  const bottom = spread(denominator);
  return { median: top.median / bottom.median, min: top.min / bottom.max, max: top.max / bottom.min };
}
