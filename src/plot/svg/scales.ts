// From data to picture: the time window shown, the memory range, the mapping of both onto the plot
// box, and round tick values for the axes.
import type { Box } from './layout';

export interface Scales {
  /** Time range shown (seconds) and memory range (MiB). */
  t0: number;
  t1: number;
  y0: number;
  y1: number;
  /** x of a time, y of a memory value (MiB), in the plot box (up is more). */
  toX(time: number): number;
  toY(mib: number): number;
}

/**
 * The time range shown: `window` as asked, or all of `span` with a little room at both ends (so
 * that brackets at the first and last moments show whole). An empty range is widened to a second.
 */
export function timeWindow(span: readonly [number, number], window?: readonly [number, number] | null): [number, number] {
  let [t0, t1] = window ?? span;
  if (!(t1 > t0)) {
    t0 -= 0.5;
    t1 += 0.5;
  }
  if (!window) {
    const pad = (t1 - t0) * 0.015;
    t0 -= pad;
    t1 += pad;
  }
  return [t0, t1];
}

/**
 * The memory range shown for these values (MiB): room above for the peak's label, a little below,
 * never below 0 for values that are not. No values: 0 to 1; equal values: a range around them.
 */
export function memoryRange(values: Iterable<number>): [number, number] {
  let low = Infinity;
  let high = -Infinity;
  for (const value of values) {
    low = Math.min(low, value);
    high = Math.max(high, value);
  }
  if (!Number.isFinite(low)) {
    low = 0;
    high = 1;
  }
  let spread = high - low;
  if (!(spread > 1e-9)) spread = Math.max(1, Math.abs(high) * 0.1);
  let y0 = low - spread * 0.06;
  const y1 = high + spread * 0.14;
  if (low >= 0 && y0 < 0) y0 = 0;
  return [y0, y1];
}

export function makeScales(plot: Box, [t0, t1]: readonly [number, number], [y0, y1]: readonly [number, number]): Scales {
  return {
    t0,
    t1,
    y0,
    y1,
    toX: (time) => plot.x + ((time - t0) / (t1 - t0)) * plot.w,
    toY: (mib) => plot.y + plot.h - ((mib - y0) / (y1 - y0)) * plot.h,
  };
}

/** About `count` round tick values covering [low, high]. */
export function ticks(low: number, high: number, count: number): { values: number[]; step: number } {
  const span = high - low;
  if (!(span > 0)) return { values: [low], step: 1 };
  const raw = span / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  // The round step nearest to the raw one (on a log scale).
  let step = magnitude;
  for (const factor of [2, 2.5, 5, 10]) {
    if (Math.abs(Math.log(factor * magnitude / raw)) < Math.abs(Math.log(step / raw))) step = factor * magnitude;
  }
  const values: number[] = [];
  for (let value = Math.ceil(low / step - 1e-9) * step; value <= high + step * 1e-9; value += step) values.push(Math.round(value / step) * step);
  return { values, step };
}

/** A tick value with as many decimals as its step needs (2.5 steps one more), never "-0". */
export function tickLabel(value: number, step: number): string {
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9) + (step / 10 ** Math.floor(Math.log10(step) + 1e-9) === 2.5 ? 1 : 0)));
  const text = value.toFixed(decimals);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}
