// The memory curves: one line per series (with a mark per sample when they are few), its least-
// squares slope, and its peak in the window: mprof's dashed cross and a label for a recorded
// process (where no bracket is drawn: peak-label.ts), a small mark for a child. A series the model
// decimated is drawn from the points it kept (each time bucket's first, lowest, highest and last
// sample): its peak is exact, and its slope is fitted to the buckets' means, weighted by their
// samples, as it would be to all the samples.
import { leastSquares } from '../../shared/statistics';
import type { SeriesData } from '../model';
import { formatMiB, px, textElement } from './format';
import type { Box } from './layout';
import { labelBox, placePeakLabel } from './peak-label';
import type { Scales } from './scales';
import { textWidth } from './text-metrics';
import type { View } from './view';

export interface Peak {
  time: number;
  memory: number;
}

export interface DrawnSeries {
  /** Each series' line and slope, then the peak marks, then the peak labels (drawn last, over the brackets). */
  curves: string[];
  peakMarks: string[];
  peakLabels: string[];
  /** By series id, for the legend: the peak in the window, and the slope (with slopes on). */
  peaks: Map<number, Peak>;
  slopes: Map<number, number>;
}

/**
 * The least-squares line of the samples from..to: of all of them, or for a decimated series, of its
 * buckets' means in the window weighted by their samples (the same line, to the spread within buckets).
 */
function fitInWindow(series: SeriesData, from: number, to: number, view: View): { slope: number; intercept: number } | undefined {
  if (!series.decimated) return leastSquares(series.time.slice(from, to + 1), series.memory.slice(from, to + 1));
  const { time, memory, samples } = series.decimated.means;
  let first = 0;
  while (first < time.length && time[first] < view.t0) first++;
  let last = time.length - 1;
  while (last >= first && time[last] > view.t1) last--;
  return leastSquares(time.slice(first, last + 1), memory.slice(first, last + 1), samples.slice(first, last + 1));
}

/**
 * Indexes of the samples from..to to draw: all of them when there are few, else the first, lowest,
 * highest and last of each pixel column, in order: a line that looks the same with far fewer points.
 */
export function decimate(series: SeriesData, from: number, to: number, toX: (t: number) => number, columns: number): number[] {
  const indexes: number[] = [];
  if (to - from + 1 <= columns * 2) {
    for (let i = from; i <= to; i++) indexes.push(i);
    return indexes;
  }
  let column = Math.floor(toX(series.time[from]));
  let low = from;
  let high = from;
  let start = from;
  const flush = (end: number) => {
    const group = [start, low, high, end].filter((value, index, all) => all.indexOf(value) === index).sort((a, b) => a - b);
    indexes.push(...group);
  };
  for (let i = from + 1; i <= to; i++) {
    const x = Math.floor(toX(series.time[i]));
    if (x !== column) {
      flush(i - 1);
      column = x;
      start = low = high = i;
      continue;
    }
    if (series.memory[i] < series.memory[low]) low = i;
    if (series.memory[i] > series.memory[high]) high = i;
  }
  flush(to);
  return indexes;
}

/** `obstacles`: what the peak labels must not be drawn over (the brackets' boxes: brackets.ts). */
export function drawSeries(view: View, scales: Scales, plot: Box, obstacles: readonly Box[] = []): DrawnSeries {
  const { toX, toY } = scales;
  const curves: string[] = [];
  const peaks = new Map<number, Peak>();
  const slopes = new Map<number, number>();
  for (const series of view.series) {
    const [from, to] = view.visible.get(series.id)!;
    if (series.time.length === 0) continue;
    // One sample beyond the window at each end, so that the line reaches the plot's edges.
    const a = Math.max(0, from - 1);
    const b = Math.min(series.time.length - 1, to + 1);
    const indexes = decimate(series, a, b, toX, Math.ceil(plot.w));
    const path = indexes.map((i, n) => `${n === 0 ? 'M' : 'L'}${px(toX(series.time[i]))} ${px(toY(series.memory[i]))}`).join('');
    curves.push(
      `<g class="series series-${series.kind}" data-series="${series.id}">` +
        `<path class="series-line" d="${path}" fill="none" stroke="${series.color}" stroke-width="${series.kind === 'mem' ? 1.8 : 1.4}" stroke-linejoin="round"/>`,
    );
    // A mark per sample: only where every sample is there (a decimated series keeps some of them).
    if (!series.decimated && to - from + 1 <= plot.w / 5) {
      const dots = [];
      for (let i = from; i <= to; i++) dots.push(`M${px(toX(series.time[i]) - 2.5)} ${px(toY(series.memory[i]))}h5M${px(toX(series.time[i]))} ${px(toY(series.memory[i]) - 2.5)}v5`);
      curves.push(`<path class="samples" d="${dots.join('')}" stroke="${series.color}" stroke-width="1.1" fill="none"/>`);
    }
    curves.push('</g>');
    if (to < from) continue;
    let peak = from;
    for (let i = from; i <= to; i++) if (series.memory[i] > series.memory[peak]) peak = i;
    peaks.set(series.id, { time: series.time[peak], memory: series.memory[peak] });
    if (!view.slope) continue;
    const fit = fitInWindow(series, from, to, view);
    if (!fit) continue;
    slopes.set(series.id, fit.slope);
    const ta = series.time[from];
    const tb = series.time[to];
    curves.push(
      `<path class="slope" data-series="${series.id}" d="M${px(toX(ta))} ${px(toY(fit.intercept + fit.slope * ta))}L${px(toX(tb))} ${px(toY(fit.intercept + fit.slope * tb))}" stroke="${series.color}" stroke-width="1.3" stroke-dasharray="7 4" fill="none" opacity="0.9"/>`,
    );
  }
  return { curves, ...drawPeaks(view, scales, plot, peaks, obstacles), peaks, slopes };
}

function drawPeaks(view: View, { toX, toY }: Scales, plot: Box, peaks: ReadonlyMap<number, Peak>, obstacles: readonly Box[]): { peakMarks: string[]; peakLabels: string[] } {
  const peakMarks: string[] = [];
  const peakLabels: string[] = [];
  // Labels placed so far are obstacles too (several recordings overlaid: one label each).
  const taken: Box[] = [...obstacles];
  for (const series of view.series) {
    const peak = peaks.get(series.id);
    if (!peak) continue;
    const x = toX(peak.time);
    const y = toY(peak.memory);
    if (series.kind === 'mem') {
      peakMarks.push(
        `<g class="peak" data-series="${series.id}"><path d="M${px(plot.x)} ${px(y)}H${px(plot.x + plot.w)}M${px(x)} ${px(plot.y)}V${px(plot.y + plot.h)}" stroke="#d62728" stroke-width="1" stroke-dasharray="5 4" fill="none" opacity="0.75"/>` +
          `<circle cx="${px(x)}" cy="${px(y)}" r="3.5" fill="#d62728"/></g>`,
      );
      const label = `peak ${formatMiB(peak.memory)}${view.data.files.length > 1 ? ` (#${series.file + 1})` : ''}`;
      // Where no bracket is (placePeakLabel); a white halo over the grid and the curve.
      const width = textWidth(label, 11, true);
      const place = placePeakLabel({ x, y }, width, plot, taken);
      taken.push(labelBox(place, width));
      peakLabels.push(
        textElement(
          place.x,
          place.y,
          label,
          `class="peak-label" data-series="${series.id}" font-size="11" font-weight="bold" fill="#b01e1e" stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"${place.end ? ' text-anchor="end"' : ''}`,
        ),
      );
    } else if (series.kind === 'child') {
      peakMarks.push(`<path class="peak" data-series="${series.id}" d="M${px(x)} ${px(y - 2)}l-4.5 -7h9z" fill="${series.color}" stroke="#fff" stroke-width="0.8"/>`);
    }
  }
  return { peakMarks, peakLabels };
}
