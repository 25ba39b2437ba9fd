// Draws PlotData as an SVG document: memory against time, the peak, function brackets, the legend,
// least-squares slopes and the flame view. The same code draws the SVG and PNG files (in Node) and the
// HTML report (in the browser, where html.ts inlines this compiled module): so this module must stay
// self-contained — no imports at run time, no Node or DOM APIs.
//
// Every piece of text that comes from a .dat file (command line, function names, file names) is
// untrusted: it goes through `escapeXml`, which also drops characters XML cannot hold.
import type { CallData, PlotData, SeriesData } from './model';

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

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Layout {
  width: number;
  height: number;
  /** The memory plot area. */
  plot: Box;
  /** The flame panel, when drawn. */
  flame?: Box;
  /** Time range shown (seconds) and memory range (MiB). */
  t0: number;
  t1: number;
  y0: number;
  y1: number;
}

export interface Rendered {
  svg: string;
  layout: Layout;
  /** What was drawn, for callers and tests. */
  counts: { brackets: number; flameBoxes: number; flameLabels: number; legendSeries: number; legendFunctions: number };
}

export const FONT_FAMILY = "'DejaVu Sans', Verdana, sans-serif";

// Advance widths of DejaVu Sans (regular and bold), ASCII 32-126, in 1/1000 em: text is measured to
// elide it before it would overlap something. Other characters count 1 em (wide enough for CJK).
const REGULAR = [
  318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838,
  838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611,
  685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592,
  818, 592, 592, 525, 636, 337, 636, 838,
];
const BOLD = [
  348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696, 696, 696, 696, 696, 696, 696, 696, 400, 400,
  838, 838, 838, 580, 1000, 774, 762, 734, 830, 683, 683, 821, 837, 372, 372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103,
  771, 724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687, 716, 716, 493, 595,
  478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
];
const ELLIPSIS = '\u2026';

/** Width of `text` in px at `size`, in DejaVu Sans (an upper bound for narrower fallback fonts). */
export function textWidth(text: string, size: number, bold = false): number {
  const table = bold ? BOLD : REGULAR;
  let units = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    units += code >= 32 && code < 127 ? table[code - 32] : 1000;
  }
  return (units / 1000) * size;
}

/** `text`, cut and ended with an ellipsis to fit `max` px; '' when not even one character fits. */
export function elide(text: string, max: number, size: number, bold = false): string {
  if (textWidth(text, size, bold) <= max) return text;
  const chars = Array.from(text);
  let low = 0;
  let high = chars.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (textWidth(chars.slice(0, mid).join('') + ELLIPSIS, size, bold) <= max) low = mid;
    else high = mid - 1;
  }
  return low === 0 ? '' : chars.slice(0, low).join('') + ELLIPSIS;
}

/** Text for XML content and attribute values; characters XML 1.0 forbids become U+FFFD. */
export function escapeXml(text: string): string {
  return String(text)
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const fixed = (value: number, digits = 1): string => (Math.round(value * 10 ** digits) / 10 ** digits).toFixed(digits);
const px = (value: number): string => String(Math.round(value * 10) / 10);

export function formatSeconds(seconds: number): string {
  const abs = Math.abs(seconds);
  return `${abs >= 100 ? fixed(seconds, 0) : abs >= 10 ? fixed(seconds, 1) : abs >= 1 ? fixed(seconds, 2) : fixed(seconds, 3)} s`;
}

export function formatMiB(mib: number): string {
  return `${fixed(mib, Math.abs(mib) >= 100 ? 1 : Math.abs(mib) >= 1 ? 1 : 2)} MiB`;
}

export function formatSlope(slope: number): string {
  const digits = Math.abs(slope) >= 10 ? 1 : Math.abs(slope) >= 0.1 ? 2 : 3;
  return `${slope >= 0 ? '+' : '\u2212'}${fixed(Math.abs(slope), digits)} MiB/s`;
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

function tickLabel(value: number, step: number): string {
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9) + (step / 10 ** Math.floor(Math.log10(step) + 1e-9) === 2.5 ? 1 : 0)));
  const text = value.toFixed(decimals);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

/** Least-squares line m = a + b t; undefined with fewer than two distinct times. */
export function leastSquares(t: readonly number[], m: readonly number[]): { slope: number; intercept: number } | undefined {
  const n = t.length;
  if (n < 2) return undefined;
  let st = 0;
  let sm = 0;
  for (let i = 0; i < n; i++) {
    st += t[i];
    sm += m[i];
  }
  const mt = st / n;
  const mm = sm / n;
  let stt = 0;
  let stm = 0;
  for (let i = 0; i < n; i++) {
    stt += (t[i] - mt) ** 2;
    stm += (t[i] - mt) * (m[i] - mm);
  }
  if (!(stt > 0)) return undefined;
  const slope = stm / stt;
  return { slope, intercept: mm - slope * mt };
}

function luminance(hex: string): number {
  const value = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!value) return 0.5;
  const n = parseInt(value[1], 16);
  return (0.299 * ((n >> 16) & 255) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255)) / 255;
}

/** The in-window part of a series (with one point either side, so the line reaches the edges). */
function visibleRange(series: SeriesData, t0: number, t1: number): [number, number] {
  const { t } = series;
  let first = 0;
  while (first < t.length && t[first] < t0) first++;
  let last = t.length - 1;
  while (last >= 0 && t[last] > t1) last--;
  return [first, last];
}

/** Min and max of each pixel column, in order: a line that looks the same with far fewer points. */
function decimate(series: SeriesData, from: number, to: number, toX: (t: number) => number, columns: number): number[] {
  const indexes: number[] = [];
  if (to - from + 1 <= columns * 2) {
    for (let i = from; i <= to; i++) indexes.push(i);
    return indexes;
  }
  let column = Math.floor(toX(series.t[from]));
  let low = from;
  let high = from;
  let start = from;
  const flush = (end: number) => {
    const group = [start, low, high, end].filter((value, index, all) => all.indexOf(value) === index).sort((a, b) => a - b);
    indexes.push(...group);
  };
  for (let i = from + 1; i <= to; i++) {
    const x = Math.floor(toX(series.t[i]));
    if (x !== column) {
      flush(i - 1);
      column = x;
      start = low = high = i;
      continue;
    }
    if (series.m[i] < series.m[low]) low = i;
    if (series.m[i] > series.m[high]) high = i;
  }
  flush(to);
  return indexes;
}

function durationText(calls: readonly CallData[]): string {
  if (calls.length === 0) return 'not in window';
  const total = calls.reduce((sum, call) => sum + (call.t1 - call.t0), 0);
  return calls.length === 1 ? formatSeconds(total) : `${formatSeconds(total)} (${calls.length} calls)`;
}

export function formatStart(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

/** Draws the data; the same data and options give the same SVG. */
export function renderSvg(data: PlotData, options: ViewOptions = {}): Rendered {
  const width = options.width ?? 1100;
  const baseHeight = options.height ?? 640;
  const functionTs = options.functionTs !== false;
  const interactive = options.interactive === true;
  const hiddenSeries = new Set(options.hiddenSeries ?? []);
  const hiddenFunctions = new Set(options.hiddenFunctions ?? []);
  const counts = { brackets: 0, flameBoxes: 0, flameLabels: 0, legendSeries: 0, legendFunctions: 0 };
  const out: string[] = [];
  const text = (x: number, y: number, content: string, attributes = ''): string =>
    `<text x="${px(x)}" y="${px(y)}"${attributes ? ` ${attributes}` : ''}>${escapeXml(content)}</text>`;

  // Time window.
  let [t0, t1] = options.window ?? data.span;
  if (!(t1 > t0)) {
    t0 -= 0.5;
    t1 += 0.5;
  }
  if (!options.window) {
    // A little room at both ends, so that brackets at the first and last moments show whole.
    const pad = (t1 - t0) * 0.015;
    t0 -= pad;
    t1 += pad;
  }
  const inWindow = (time: number) => time >= t0 && time <= t1;

  // What is drawn.
  const shownSeries = data.series.filter((series) => !hiddenSeries.has(series.id));
  const callIndex = new Map<CallData, number>(data.calls.map((call, index) => [call, index]));
  const shownCalls = data.calls.filter(
    (call) => !hiddenSeries.has(call.s) && !hiddenFunctions.has(call.f) && call.t1 >= t0 && call.t0 <= t1,
  );
  const bracketCalls = functionTs ? shownCalls : [];

  // Memory range: the samples in the window and the brackets drawn.
  let low = Infinity;
  let high = -Infinity;
  const ranges = new Map<number, [number, number]>();
  for (const series of shownSeries) {
    const range = visibleRange(series, t0, t1);
    ranges.set(series.id, range);
    for (let i = range[0]; i <= range[1]; i++) {
      low = Math.min(low, series.m[i]);
      high = Math.max(high, series.m[i]);
    }
  }
  for (const call of bracketCalls) {
    if (inWindow(call.t0)) {
      low = Math.min(low, call.m0);
      high = Math.max(high, call.m0);
    }
    if (inWindow(call.t1)) {
      low = Math.min(low, call.m1);
      high = Math.max(high, call.m1);
    }
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

  // Layout.
  const legendWidth = 270;
  const flameGroups = options.flame
    ? data.flameGroups.map((group, index) => ({ ...group, index })).filter((group) => !hiddenSeries.has(group.series))
    : [];
  const rowHeight = 18;
  const groupGap = 8;
  const flameHeight = flameGroups.length > 0 ? 14 + flameGroups.reduce((sum, group) => sum + group.rows * rowHeight, 0) + groupGap * (flameGroups.length - 1) : 0;
  const height = baseHeight + flameHeight;
  const plot: Box = { x: 78, y: 64, w: width - 78 - legendWidth - 22, h: baseHeight - 64 - 58 };
  const flame: Box | undefined = flameHeight > 0 ? { x: plot.x, y: plot.y + plot.h + 14, w: plot.w, h: flameHeight - 14 } : undefined;
  const axisBottom = flame ? flame.y + flame.h : plot.y + plot.h;
  const toX = (time: number) => plot.x + ((time - t0) / (t1 - t0)) * plot.w;
  const toY = (mib: number) => plot.y + plot.h - ((mib - y0) / (y1 - y0)) * plot.h;
  const layout: Layout = { width, height, plot, flame, t0, t1, y0, y1 };

  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(FONT_FAMILY)}" font-size="12" class="memprof-plot">`,
    `<rect class="background" x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<defs><clipPath id="mp-plot-clip"><rect x="${px(plot.x)}" y="${px(plot.y)}" width="${px(plot.w)}" height="${px(plot.h)}"/></clipPath>` +
      (flame ? `<clipPath id="mp-flame-clip"><rect x="${px(flame.x)}" y="${px(flame.y)}" width="${px(flame.w)}" height="${px(flame.h)}"/></clipPath>` : '') +
      `</defs>`,
  );

  // Title and subtitle.
  const title = elide(data.title.replace(/\s+/g, ' ').trim() || 'memory over time', width - 40, 17, true);
  out.push(text(20, 27, title, 'class="title" font-size="17" font-weight="bold" fill="#111"'));
  const subtitleParts: string[] = [];
  if (data.files.length === 1) {
    const file = data.files[0];
    const samples = data.series.find((series) => series.file === 0 && series.kind === 'mem')?.t.length ?? 0;
    subtitleParts.push(file.name, `started ${formatStart(file.start)}`, `${samples} samples`);
  } else {
    subtitleParts.push(`${data.files.length} recordings overlaid, each from its own start`);
  }
  if (options.window) subtitleParts.push(`window ${fixed(t0, 2)} to ${fixed(t1, 2)} s`);
  out.push(text(20, 47, elide(subtitleParts.join('  \u00b7  '), width - 40, 12), 'class="subtitle" fill="#555"'));

  // Grid, axes, tick labels.
  const xTicks = ticks(t0, t1, Math.max(3, Math.round(plot.w / 90)));
  const yTicks = ticks(y0, y1, Math.max(3, Math.round(plot.h / 60)));
  const grid: string[] = [];
  for (const value of xTicks.values) {
    const x = toX(value);
    if (x < plot.x - 0.5 || x > plot.x + plot.w + 0.5) continue;
    grid.push(`M${px(x)} ${px(plot.y)}V${px(plot.y + plot.h)}`);
    if (flame) grid.push(`M${px(x)} ${px(flame.y)}V${px(flame.y + flame.h)}`);
    out.push(text(x, axisBottom + 18, tickLabel(value, xTicks.step), 'class="tick" text-anchor="middle" font-size="11" fill="#333"'));
  }
  for (const value of yTicks.values) {
    const y = toY(value);
    if (y < plot.y - 0.5 || y > plot.y + plot.h + 0.5) continue;
    grid.push(`M${px(plot.x)} ${px(y)}H${px(plot.x + plot.w)}`);
    out.push(text(plot.x - 7, y + 4, tickLabel(value, yTicks.step), 'class="tick" text-anchor="end" font-size="11" fill="#333"'));
  }
  out.push(`<path class="grid" d="${grid.join('')}" stroke="#e3e3e3" stroke-width="1" fill="none"/>`);
  out.push(`<rect class="frame" x="${px(plot.x)}" y="${px(plot.y)}" width="${px(plot.w)}" height="${px(plot.h)}" fill="none" stroke="#888"/>`);
  if (flame) out.push(`<rect class="frame" x="${px(flame.x)}" y="${px(flame.y)}" width="${px(flame.w)}" height="${px(flame.h)}" fill="none" stroke="#888"/>`);
  out.push(text(plot.x + plot.w / 2, axisBottom + 42, 'time (in seconds)', 'class="axis-label" text-anchor="middle" fill="#222"'));
  const yLabelX = 20;
  const yLabelY = plot.y + plot.h / 2;
  out.push(text(yLabelX, yLabelY, 'memory used (in MiB)', `class="axis-label" text-anchor="middle" fill="#222" transform="rotate(-90 ${px(yLabelX)} ${px(yLabelY)})"`));

  // Series: lines (and sample markers when they are few), slopes, peaks.
  const peaks = new Map<number, { t: number; m: number }>();
  const slopes = new Map<number, number>();
  out.push(`<g clip-path="url(#mp-plot-clip)">`);
  for (const series of shownSeries) {
    const [from, to] = ranges.get(series.id)!;
    if (series.t.length === 0) continue;
    const a = Math.max(0, from - 1);
    const b = Math.min(series.t.length - 1, to + 1);
    const indexes = decimate(series, a, b, toX, Math.ceil(plot.w));
    const path = indexes.map((i, n) => `${n === 0 ? 'M' : 'L'}${px(toX(series.t[i]))} ${px(toY(series.m[i]))}`).join('');
    out.push(
      `<g class="series series-${series.kind}" data-series="${series.id}">` +
        `<path class="series-line" d="${path}" fill="none" stroke="${series.color}" stroke-width="${series.kind === 'mem' ? 1.8 : 1.4}" stroke-linejoin="round"/>`,
    );
    if (to - from + 1 <= plot.w / 5) {
      const dots = [];
      for (let i = from; i <= to; i++) dots.push(`M${px(toX(series.t[i]) - 2.5)} ${px(toY(series.m[i]))}h5M${px(toX(series.t[i]))} ${px(toY(series.m[i]) - 2.5)}v5`);
      out.push(`<path class="samples" d="${dots.join('')}" stroke="${series.color}" stroke-width="1.1" fill="none"/>`);
    }
    out.push('</g>');
    if (to >= from) {
      let peak = from;
      for (let i = from; i <= to; i++) if (series.m[i] > series.m[peak]) peak = i;
      peaks.set(series.id, { t: series.t[peak], m: series.m[peak] });
      if (options.slope) {
        const fit = leastSquares(series.t.slice(from, to + 1), series.m.slice(from, to + 1));
        if (fit) {
          slopes.set(series.id, fit.slope);
          const ta = series.t[from];
          const tb = series.t[to];
          out.push(
            `<path class="slope" data-series="${series.id}" d="M${px(toX(ta))} ${px(toY(fit.intercept + fit.slope * ta))}L${px(toX(tb))} ${px(toY(fit.intercept + fit.slope * tb))}" stroke="${series.color}" stroke-width="1.3" stroke-dasharray="7 4" fill="none" opacity="0.9"/>`,
          );
        }
      }
    }
  }
  // Peaks: the recorded process' peak with mprof's dashed cross and a label (drawn last, over the
  // brackets, with a white halo); children's with a mark.
  const peakLabels: string[] = [];
  for (const series of shownSeries) {
    const peak = peaks.get(series.id);
    if (!peak) continue;
    const x = toX(peak.t);
    const y = toY(peak.m);
    if (series.kind === 'mem') {
      out.push(
        `<g class="peak" data-series="${series.id}"><path d="M${px(plot.x)} ${px(y)}H${px(plot.x + plot.w)}M${px(x)} ${px(plot.y)}V${px(plot.y + plot.h)}" stroke="#d62728" stroke-width="1" stroke-dasharray="5 4" fill="none" opacity="0.75"/>` +
          `<circle cx="${px(x)}" cy="${px(y)}" r="3.5" fill="#d62728"/></g>`,
      );
      const label = `peak ${formatMiB(peak.m)}${data.files.length > 1 ? ` (#${series.file + 1})` : ''}`;
      const labelWidth = textWidth(label, 11, true);
      const right = x + 6 + labelWidth <= plot.x + plot.w - 2;
      peakLabels.push(
        text(
          right ? x + 6 : x - 6,
          Math.max(plot.y + 12, y - 6),
          label,
          `class="peak-label" data-series="${series.id}" font-size="11" font-weight="bold" fill="#b01e1e" stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"${right ? '' : ' text-anchor="end"'}`,
        ),
      );
    } else if (series.kind === 'child') {
      out.push(`<path class="peak" data-series="${series.id}" d="M${px(x)} ${px(y - 2)}l-4.5 -7h9z" fill="${series.color}" stroke="#fff" stroke-width="0.8"/>`);
    }
  }

  // Brackets: `[` at entry, `]` at exit, at the memory measured then, in the function's colour.
  // Outer calls get taller brackets, so that a nested call entered at the same moment shows inside.
  const vsizeOf = (call: CallData) => Math.max(7, 15 - 4 * call.level);
  const hsize = 7;
  // A process with markers but no memory line: a dotted line through its calls' entries and exits,
  // so that its brackets read as one process (the legend says there is no memory line).
  for (const series of shownSeries) {
    if (series.kind !== 'markers') continue;
    const points: Array<[number, number]> = [];
    for (const call of bracketCalls) {
      if (call.s !== series.id) continue;
      points.push([call.t0, call.m0], [call.t1, call.m1]);
    }
    if (points.length < 2) continue;
    points.sort((a, b) => a[0] - b[0]);
    const d = points.map(([t, m], n) => `${n === 0 ? 'M' : 'L'}${px(toX(t))} ${px(toY(m))}`).join('');
    out.push(`<path class="markers-line" data-series="${series.id}" d="${d}" stroke="${series.color}" stroke-width="1.2" stroke-dasharray="2 3" fill="none" opacity="0.8"/>`);
  }
  const describe = (call: CallData): string => {
    const fn = data.functions[call.f];
    return `${fn.name}${call.pid !== undefined ? ` (pid ${call.pid})` : ''}: ${formatSeconds(call.t1 - call.t0)}, ${formatMiB(call.m0)} at entry, ${formatMiB(call.m1)} at exit`;
  };
  // Thousands of calls: a bracket identical, to the pixel, to one already drawn adds nothing.
  const drawn = new Set<string>();
  const fresh = (key: string): boolean => !drawn.has(key) && drawn.add(key) !== undefined;
  for (const call of bracketCalls) {
    const index = callIndex.get(call)!;
    const color = data.functions[call.f].color;
    const vsize = vsizeOf(call);
    const showOpen = inWindow(call.t0) && fresh(`[${call.f}:${call.level}:${Math.round(toX(call.t0))}:${Math.round(toY(call.m0))}`);
    const showClose = inWindow(call.t1) && fresh(`]${call.f}:${call.level}:${Math.round(toX(call.t1))}:${Math.round(toY(call.m1))}`);
    if (!showOpen && !showClose) continue;
    const parts: string[] = [`<g class="call" data-call="${index}" data-function="${call.f}">`];
    if (!interactive) parts.push(`<title>${escapeXml(describe(call))}</title>`);
    const xa = toX(call.t0);
    const ya = toY(call.m0);
    const xb = toX(call.t1);
    const yb = toY(call.m1);
    if (showOpen) {
      parts.push(`<path class="bracket-open" d="M${px(xa + hsize)} ${px(ya - vsize)}H${px(xa)}V${px(ya + vsize)}H${px(xa + hsize)}" stroke="${color}" stroke-width="2.4" fill="none"/>`);
      counts.brackets++;
      if (interactive) parts.push(`<rect class="hit" x="${px(xa - 4)}" y="${px(ya - vsize - 3)}" width="${px(hsize + 8)}" height="${px(2 * vsize + 6)}" fill="transparent"/>`);
    }
    if (showClose) {
      parts.push(`<path class="bracket-close" d="M${px(xb - hsize)} ${px(yb - vsize)}H${px(xb)}V${px(yb + vsize)}H${px(xb - hsize)}" stroke="${color}" stroke-width="2.4" fill="none"/>`);
      counts.brackets++;
      if (interactive) parts.push(`<rect class="hit" x="${px(xb - hsize - 4)}" y="${px(yb - vsize - 3)}" width="${px(hsize + 8)}" height="${px(2 * vsize + 6)}" fill="transparent"/>`);
    }
    parts.push('</g>');
    out.push(parts.join(''));
  }
  out.push(...peakLabels, '</g>');

  // Flame view: one band per process, calls stacked by nesting level (level 0 at the bottom).
  if (flame) {
    let bandTop = flame.y;
    out.push(`<g class="flame" clip-path="url(#mp-flame-clip)">`);
    const labels: string[] = [];
    flameGroups.forEach((group, position) => {
      const bandHeight = group.rows * rowHeight;
      const bandBottom = bandTop + bandHeight;
      if (position > 0) out.push(`<path class="band-separator" d="M${px(flame.x)} ${px(bandTop - groupGap / 2)}H${px(flame.x + flame.w)}" stroke="#bbb" stroke-dasharray="3 3"/>`);
      labels.push(
        text(flame.x - 7, bandTop + bandHeight / 2 + 4, elide(group.label, flame.x - 12, 10), `class="band-label" text-anchor="end" font-size="10" fill="#444"`),
      );
      for (const call of shownCalls) {
        if (call.group !== group.index) continue;
        const index = callIndex.get(call)!;
        const fn = data.functions[call.f];
        const xa = Math.max(toX(call.t0), flame.x);
        const xb = Math.min(toX(call.t1), flame.x + flame.w);
        const w = Math.max(1, xb - xa);
        const y = bandBottom - (call.row + 1) * rowHeight;
        // Calls narrower than a pixel: one box per pixel column and function is enough.
        if (xb - xa < 1 && !fresh(`f${group.index}:${call.row}:${call.f}:${Math.floor(xa)}`)) continue;
        const box = `<rect class="flame-box" data-call="${index}" data-function="${call.f}" x="${px(xa)}" y="${px(y + 1)}" width="${px(w)}" height="${rowHeight - 2}" fill="${fn.color}"${w >= 3 ? ' stroke="#ffffff" stroke-width="0.6"' : ''}>${interactive ? '' : `<title>${escapeXml(describe(call))}</title>`}</rect>`;
        out.push(box);
        counts.flameBoxes++;
        const room = w - 8;
        if (room < 14) continue;
        const duration = formatSeconds(call.t1 - call.t0);
        const full = `${fn.label} ${duration}`;
        const label = textWidth(full, 11) <= room ? full : elide(fn.label, room, 11);
        if (label === '' || label === ELLIPSIS) continue;
        const clip = `mp-fc-${index}`;
        out.push(
          `<clipPath id="${clip}"><rect x="${px(xa + 2)}" y="${px(y)}" width="${px(w - 4)}" height="${rowHeight}"/></clipPath>` +
            text(xa + 4, y + rowHeight - 5.5, label, `class="flame-label" data-call="${index}" clip-path="url(#${clip})" font-size="11" fill="${luminance(fn.color) > 0.55 ? '#111' : '#fff'}" pointer-events="none"`),
        );
        counts.flameLabels++;
      }
      bandTop = bandBottom + groupGap;
    });
    out.push('</g>', ...labels);
  }

  // Legend: series (with peak and slope), then functions (name and duration).
  const legendX = width - legendWidth - 4;
  const legendBottom = height - 12;
  let legendY = plot.y + 2;
  const legendTextWidth = legendWidth - 40;
  const legend: string[] = [`<g class="legend">`];
  let omitted = 0;
  const fits = (rowHeightNeeded: number) => legendY + rowHeightNeeded <= legendBottom - 16;
  legend.push(text(legendX, legendY + 10, 'Memory', 'class="legend-heading" font-size="12" font-weight="bold" fill="#222"'));
  legendY += 20;
  for (const series of data.series) {
    if (!fits(30)) {
      omitted++;
      continue;
    }
    const hidden = hiddenSeries.has(series.id);
    const peak = peaks.get(series.id);
    const slope = slopes.get(series.id);
    const details = hidden
      ? 'hidden (click to show)'
      : series.kind === 'markers'
        ? 'no memory line (record with -M)'
        : peak
          ? `peak ${formatMiB(peak.m)}`
          : 'no sample in window';
    const swatch =
      series.kind === 'markers'
        ? `<path d="M${px(legendX)} ${px(legendY)}h24" stroke="${series.color}" stroke-width="1.4" stroke-dasharray="2 3"/>`
        : `<path d="M${px(legendX)} ${px(legendY)}h24" stroke="${series.color}" stroke-width="${series.kind === 'mem' ? 2.2 : 1.8}"/>`;
    legend.push(
      `<g class="legend-series${hidden ? ' hidden' : ''}" data-series="${series.id}"${hidden ? ' opacity="0.35"' : ''}>` +
        (interactive ? `<rect class="hit" x="${px(legendX - 3)}" y="${px(legendY - 12)}" width="${legendWidth - 2}" height="28" fill="transparent"/>` : '') +
        swatch +
        text(legendX + 32, legendY + 4, elide(series.label, legendTextWidth, 12), 'font-size="12" fill="#111"') +
        text(legendX + 32, legendY + 18, elide(details + (slope !== undefined ? `, slope ${formatSlope(slope)}` : ''), legendTextWidth, 10.5), 'font-size="10.5" fill="#555"') +
        `</g>`,
    );
    counts.legendSeries++;
    legendY += 32;
  }
  const functionsShown = functionTs || options.flame === true;
  if (functionsShown && data.functions.length > 0 && fits(40)) {
    legendY += 6;
    legend.push(text(legendX, legendY + 10, 'Functions', 'class="legend-heading" font-size="12" font-weight="bold" fill="#222"'));
    legendY += 24;
    const callsOf = new Map<number, CallData[]>();
    for (const call of data.calls) {
      if (hiddenSeries.has(call.s) || !(call.t1 >= t0 && call.t0 <= t1)) continue;
      const list = callsOf.get(call.f) ?? [];
      list.push(call);
      callsOf.set(call.f, list);
    }
    data.functions.forEach((fn, index) => {
      if (!fits(20)) {
        omitted++;
        return;
      }
      const hidden = hiddenFunctions.has(index);
      // A long name is elided, the duration kept whole.
      const duration = ` ${durationText(callsOf.get(index) ?? [])}`;
      const label = elide(fn.label, Math.max(40, legendTextWidth - textWidth(duration, 12)), 12) + duration;
      legend.push(
        `<g class="legend-function${hidden ? ' hidden' : ''}" data-function="${index}"${hidden ? ' opacity="0.35"' : ''}>` +
          (interactive ? `<rect class="hit" x="${px(legendX - 3)}" y="${px(legendY - 11)}" width="${legendWidth - 2}" height="20" fill="transparent"/>` : '') +
          `<path d="M${px(legendX + 6)} ${px(legendY - 7)}h-5v14h5M${px(legendX + 18)} ${px(legendY - 7)}h5v14h-5" stroke="${fn.color}" stroke-width="2.2" fill="none"/>` +
          text(legendX + 32, legendY + 4, elide(label, legendTextWidth, 12), 'font-size="12" fill="#111"') +
          `</g>`,
      );
      counts.legendFunctions++;
      legendY += 21;
    });
  }
  if (omitted > 0) legend.push(text(legendX, legendY + 8, `and ${omitted} more`, 'class="legend-more" font-size="11" fill="#555"'));
  legend.push('</g>');
  out.push(...legend, '</svg>');
  return { svg: out.join('\n'), layout, counts };
}
