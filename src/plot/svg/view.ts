// What a view of the data draws: the time window, and the series, calls and flame bands shown in it
// (not hidden by the legend's toggles, not outside the window).
import type { CallData, FlameGroup, PlotData, SeriesData } from '../model';
import { timeWindow } from './scales';

export interface ViewOptions {
  /** Width of the picture in px (default 1100). */
  width?: number;
  /** Height without the flame panel, in px (default 640). */
  height?: number;
  /** Time range shown, seconds from the start; default: all the data. */
  window?: [number, number] | null;
  /** Brackets at each call's entry and exit (default true). */
  functionTs?: boolean;
  /** A least-squares line per series, its slope in the legend. */
  slope?: boolean;
  /** Calls stacked by nesting level in a panel under the memory plot. */
  flame?: boolean;
  /** Series and functions (indexes) not drawn; their legend entries stay, dimmed (HTML toggles). */
  hiddenSeries?: readonly number[];
  hiddenFunctions?: readonly number[];
  /** For the HTML report: hit areas for hovering, no SVG <title> tooltips. */
  interactive?: boolean;
}

export interface View {
  data: PlotData;
  /** The time range drawn, seconds (see timeWindow), and whether the user chose it. */
  t0: number;
  t1: number;
  zoomed: boolean;
  functionTs: boolean;
  slope: boolean;
  flame: boolean;
  interactive: boolean;
  hiddenSeries: ReadonlySet<number>;
  hiddenFunctions: ReadonlySet<number>;
  series: SeriesData[];
  /** Per series shown, by id: the indexes of its first and last samples in the window (last < first: none). */
  visible: Map<number, [number, number]>;
  /** Calls of shown series and functions that overlap the window; those with brackets (none without function brackets). */
  calls: CallData[];
  bracketCalls: CallData[];
  /** A call's index in data.calls: its id in the markup (data-call). */
  callIndex: Map<CallData, number>;
  /** The flame bands drawn, with their index in data.flameGroups. */
  flameGroups: Array<FlameGroup & { index: number }>;
}

/** The in-window part of a series: indexes of its first and last samples in [t0, t1]. */
export function visibleRange(series: SeriesData, t0: number, t1: number): [number, number] {
  const { time } = series;
  let first = 0;
  while (first < time.length && time[first] < t0) first++;
  let last = time.length - 1;
  while (last >= 0 && time[last] > t1) last--;
  return [first, last];
}

export function resolveView(data: PlotData, options: ViewOptions): View {
  const [t0, t1] = timeWindow(data.span, options.window);
  const hiddenSeries = new Set(options.hiddenSeries ?? []);
  const hiddenFunctions = new Set(options.hiddenFunctions ?? []);
  const functionTs = options.functionTs !== false;
  const series = data.series.filter((entry) => !hiddenSeries.has(entry.id));
  const calls = data.calls.filter((call) => !hiddenSeries.has(call.series) && !hiddenFunctions.has(call.function) && call.exitTime >= t0 && call.entryTime <= t1);
  return {
    data,
    t0,
    t1,
    zoomed: Boolean(options.window),
    functionTs,
    slope: options.slope === true,
    flame: options.flame === true,
    interactive: options.interactive === true,
    hiddenSeries,
    hiddenFunctions,
    series,
    visible: new Map(series.map((entry) => [entry.id, visibleRange(entry, t0, t1)])),
    calls,
    bracketCalls: functionTs ? calls : [],
    callIndex: new Map(data.calls.map((call, index) => [call, index])),
    flameGroups: options.flame ? data.flameGroups.map((group, index) => ({ ...group, index })).filter((group) => !hiddenSeries.has(group.series)) : [],
  };
}

export const inWindow = (view: View, time: number): boolean => time >= view.t0 && time <= view.t1;

/** Every memory value drawn: the series' samples in the window and the brackets' ends in it. */
export function* shownMemory(view: View): Generator<number> {
  for (const series of view.series) {
    const [first, last] = view.visible.get(series.id)!;
    for (let i = first; i <= last; i++) yield series.memory[i];
  }
  for (const call of view.bracketCalls) {
    if (inWindow(view, call.entryTime)) yield call.entryMemory;
    if (inWindow(view, call.exitTime)) yield call.exitMemory;
  }
}
