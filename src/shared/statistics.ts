// Small statistics shared by the leak finder, budgets, diffs and the plot's slope.

/** The middle value (the mean of the two middle ones for an even count); 0 for no values. */
export function median(values: ArrayLike<number>): number {
  const sorted = Array.from(values).sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Least-squares line m = a + b t, each point counted `weights[i]` times (once without weights);
 * undefined with fewer than two points or distinct times.
 */
export function leastSquares(t: readonly number[], m: readonly number[], weights?: readonly number[]): { slope: number; intercept: number } | undefined {
  if (t.length < 2) return undefined;
  let n = 0;
  let st = 0;
  let sm = 0;
  for (let i = 0; i < t.length; i++) {
    const w = weights ? weights[i] : 1;
    n += w;
    st += w * t[i];
    sm += w * m[i];
  }
  const mt = st / n;
  const mm = sm / n;
  let stt = 0;
  let stm = 0;
  for (let i = 0; i < t.length; i++) {
    const w = weights ? weights[i] : 1;
    stt += w * (t[i] - mt) ** 2;
    stm += w * (t[i] - mt) * (m[i] - mm);
  }
  if (!(stt > 0)) return undefined;
  const slope = stm / stt;
  return { slope, intercept: mm - slope * mt };
}
