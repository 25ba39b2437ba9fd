// Two recordings overlaid (`memprof plot before.dat after.dat`): the area between their memory lines
// is shaded, red where the second recording used more memory than the first at the same time from its
// start, green where it used less, so that what a change did reads at a glance. Both lines are read on
// one grid of times (about one point per two pixels) and linearly interpolated between samples.
import type { SeriesData } from '../model';
import { px } from './format';
import type { Box } from './layout';
import type { Scales } from './scales';
import type { View } from './view';

export const MORE_COLOR = '#d62728';
export const LESS_COLOR = '#2ca02c';

/** The two recordings' memory lines, when exactly two recordings are drawn and both lines are shown. */
export function comparedPair(view: View): [SeriesData, SeriesData] | undefined {
  const lines = view.series.filter((series) => series.kind === 'mem' && !view.hiddenSeries.has(series.id));
  const files = new Set(view.data.series.filter((series) => series.kind === 'mem').map((series) => series.file));
  if (files.size !== 2 || lines.length !== 2 || lines[0].file === lines[1].file) return undefined;
  return lines[0].file < lines[1].file ? [lines[0], lines[1]] : [lines[1], lines[0]];
}

/** Memory at `time`, linearly between the samples around it; undefined outside the series. */
export function memoryAt(series: SeriesData, time: number): number | undefined {
  const { time: times, memory } = series;
  if (times.length === 0 || time < times[0] || time > times[times.length - 1]) return undefined;
  let low = 0;
  let high = times.length - 1;
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if (times[middle] <= time) low = middle;
    else high = middle;
  }
  if (times[high] === times[low]) return memory[low];
  return memory[low] + ((memory[high] - memory[low]) * (time - times[low])) / (times[high] - times[low]);
}

/** The shaded difference, under the lines; empty unless two recordings are overlaid. */
export function drawDifference(view: View, scales: Scales, plot: Box): string[] {
  const pair = comparedPair(view);
  if (!pair) return [];
  const [before, after] = pair;
  const start = Math.max(view.t0, before.time[0], after.time[0]);
  const end = Math.min(view.t1, before.time[before.time.length - 1], after.time[after.time.length - 1]);
  if (!(end > start)) return [];
  const steps = Math.max(1, Math.ceil(plot.w / 2));
  const paths = { more: [] as string[], less: [] as string[] };
  // Runs of steps where the same line is higher, each one polygon: along the first line, back along the second.
  let run: { kind: 'more' | 'less'; points: Array<{ x: number; a: number; b: number }> } | undefined;
  const close = () => {
    if (run && run.points.length > 1) {
      const forward = run.points.map((point, index) => `${index === 0 ? 'M' : 'L'}${px(point.x)} ${px(point.a)}`).join('');
      const back = run.points.map((point) => `L${px(point.x)} ${px(point.b)}`).reverse().join('');
      paths[run.kind].push(`${forward}${back}Z`);
    }
  };
  let previous: { x: number; a: number; b: number } | undefined;
  for (let step = 0; step <= steps; step++) {
    const time = start + ((end - start) * step) / steps;
    const a = memoryAt(before, time);
    const b = memoryAt(after, time);
    if (a === undefined || b === undefined) continue;
    const point = { x: scales.toX(time), a: scales.toY(a), b: scales.toY(b) };
    if (previous) {
      // Which line is higher over this step (y grows downwards): the second's is "more".
      const kind = previous.b + point.b < previous.a + point.a ? 'more' : 'less';
      if (!run || run.kind !== kind) {
        close();
        run = { kind, points: [previous] };
      }
      run.points.push(point);
    }
    previous = point;
  }
  close();
  const area = (kind: 'more' | 'less', color: string) =>
    paths[kind].length ? `<path class="difference difference-${kind}" d="${paths[kind].join('')}" fill="${color}" fill-opacity="0.16" stroke="none"/>` : '';
  return [`<g class="difference">${area('more', MORE_COLOR)}${area('less', LESS_COLOR)}</g>`];
}
