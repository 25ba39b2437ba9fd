// The legend, right of the plot: the series (label, peak in the window, slope), then the functions
// (bracket swatch, name and time spent in the window; with several recordings, `#2 delay` for each). Entries that do not fit the column's height
// are counted in a last line, "and N more".
import type { CallData } from '../model';
import { formatMiB, formatSeconds, formatSlope, px, textElement } from './format';
import type { Box } from './layout';
import type { Peak } from './series';
import { elide, textWidth } from './text-metrics';
import type { View } from './view';
import { comparedPair, LESS_COLOR, MORE_COLOR } from './difference';

export interface DrawnLegend {
  markup: string[];
  /** Entries drawn. */
  series: number;
  functions: number;
}

/** "1.234 s (3 calls)": the time spent in these calls. */
export function durationText(calls: readonly CallData[]): string {
  if (calls.length === 0) return 'not in window';
  const total = calls.reduce((sum, call) => sum + (call.exitTime - call.entryTime), 0);
  return calls.length === 1 ? formatSeconds(total) : `${formatSeconds(total)} (${calls.length} calls)`;
}

/** Calls of shown series in the window, by function; hidden functions included, their entries say how long they took too. */
function callsByFunction(view: View): Map<number, CallData[]> {
  const callsOf = new Map<number, CallData[]>();
  for (const call of view.data.calls) {
    if (view.hiddenSeries.has(call.series) || !(call.exitTime >= view.t0 && call.entryTime <= view.t1)) continue;
    const list = callsOf.get(call.function) ?? [];
    list.push(call);
    callsOf.set(call.function, list);
  }
  return callsOf;
}

/**
 * The highest memory the calls of a series without a memory line measured in the window (their
 * entries and exits): what its markers say of that process' size.
 */
export function highestMarker(view: View, seriesId: number): number | undefined {
  let highest: number | undefined;
  for (const call of view.calls) {
    if (call.series !== seriesId) continue;
    if (call.entryTime >= view.t0 && call.entryTime <= view.t1) highest = Math.max(highest ?? -Infinity, call.entryMemory);
    if (call.exitTime >= view.t0 && call.exitTime <= view.t1) highest = Math.max(highest ?? -Infinity, call.exitMemory);
  }
  return highest;
}

export function drawLegend(view: View, box: Box, peaks: ReadonlyMap<number, Peak>, slopes: ReadonlyMap<number, number>): DrawnLegend {
  const { data, interactive } = view;
  const x = box.x;
  const textRoom = box.w - 40;
  let y = box.y;
  const markup: string[] = [`<g class="legend">`];
  let series = 0;
  let functions = 0;
  let omitted = 0;
  // Room is kept at the bottom for the "and N more" line.
  const fits = (height: number) => y + height <= box.y + box.h - 16;
  const hit = (top: number, height: number) =>
    interactive ? `<rect class="hit" x="${px(x - 3)}" y="${px(top)}" width="${box.w - 2}" height="${height}" fill="transparent"/>` : '';
  const dimmed = (hidden: boolean) => (hidden ? ' opacity="0.35"' : '');

  markup.push(textElement(x, y + 10, 'Memory', 'class="legend-heading" font-size="12" font-weight="bold" fill="#222"'));
  y += 20;
  for (const entry of data.series) {
    const hidden = view.hiddenSeries.has(entry.id);
    // A process without a memory line: the highest memory its markers measured, on a line of its own.
    const highest = entry.kind === 'markers' && !hidden ? highestMarker(view, entry.id) : undefined;
    const extra = highest === undefined ? 0 : 13;
    if (!fits(30 + extra)) {
      omitted++;
      continue;
    }
    const peak = peaks.get(entry.id);
    const slope = slopes.get(entry.id);
    const details = hidden
      ? 'hidden (click to show)'
      : entry.kind === 'markers'
        ? 'no memory line (record with -M)'
        : peak
          ? `peak ${formatMiB(peak.memory)}`
          : 'no sample in window';
    const swatch =
      entry.kind === 'markers'
        ? `<path d="M${px(x)} ${px(y)}h24" stroke="${entry.color}" stroke-width="1.4" stroke-dasharray="2 3"/><path d="M${px(x + 12)} ${px(y)}h0" stroke="${entry.color}" stroke-width="5" stroke-linecap="round"/>`
        : `<path d="M${px(x)} ${px(y)}h24" stroke="${entry.color}" stroke-width="${entry.kind === 'mem' ? 2.2 : 1.8}"/>`;
    markup.push(
      `<g class="legend-series${hidden ? ' hidden' : ''}" data-series="${entry.id}"${dimmed(hidden)}>` +
        hit(y - 12, 28 + extra) +
        swatch +
        textElement(x + 32, y + 4, elide(entry.label, textRoom, 12), 'font-size="12" fill="#111"') +
        textElement(x + 32, y + 18, elide(details + (slope !== undefined ? `, slope ${formatSlope(slope)}` : ''), textRoom, 10.5), 'font-size="10.5" fill="#555"') +
        (highest === undefined ? '' : textElement(x + 32, y + 31, elide(`highest at a marker ${formatMiB(highest)}`, textRoom, 10.5), 'font-size="10.5" fill="#555"')) +
        `</g>`,
    );
    series++;
    y += 32 + extra;
  }
  // Two recordings overlaid: what the shading between their lines means.
  if (comparedPair(view) && fits(34)) {
    const shade = (top: number, color: string) => `<rect x="${px(x)}" y="${px(top)}" width="24" height="9" fill="${color}" fill-opacity="0.3"/>`;
    markup.push(
      `<g class="legend-difference">` +
        shade(y - 6, MORE_COLOR) +
        textElement(x + 32, y + 2, elide('#2 above #1', textRoom, 10.5), 'font-size="10.5" fill="#555"') +
        shade(y + 8, LESS_COLOR) +
        textElement(x + 32, y + 16, elide('#2 below #1', textRoom, 10.5), 'font-size="10.5" fill="#555"') +
        `</g>`,
    );
    y += 30;
  }
  // Functions are listed when something of theirs is drawn: brackets or the flame view.
  if ((view.functionTs || view.flame) && data.functions.length > 0 && fits(40)) {
    y += 6;
    markup.push(textElement(x, y + 10, 'Functions', 'class="legend-heading" font-size="12" font-weight="bold" fill="#222"'));
    y += 24;
    const callsOf = callsByFunction(view);
    data.functions.forEach((fn, index) => {
      if (!fits(20)) {
        omitted++;
        return;
      }
      const hidden = view.hiddenFunctions.has(index);
      // A long name is elided, the duration kept whole; with several recordings, whose calls they are.
      const duration = ` ${durationText(callsOf.get(index) ?? [])}`;
      const recording = fn.file !== undefined ? `#${fn.file + 1} ` : '';
      const label = recording + elide(fn.label, Math.max(40, textRoom - textWidth(recording + duration, 12)), 12) + duration;
      markup.push(
        `<g class="legend-function${hidden ? ' hidden' : ''}" data-function="${index}"${dimmed(hidden)}>` +
          hit(y - 11, 20) +
          `<path d="M${px(x + 6)} ${px(y - 7)}h-5v14h5M${px(x + 18)} ${px(y - 7)}h5v14h-5" stroke="${fn.color}" stroke-width="2.2" fill="none"/>` +
          textElement(x + 32, y + 4, elide(label, textRoom, 12), 'font-size="12" fill="#111"') +
          `</g>`,
      );
      functions++;
      y += 21;
    });
  }
  if (omitted > 0) markup.push(textElement(x, y + 8, `and ${omitted} more`, 'class="legend-more" font-size="11" fill="#555"'));
  markup.push('</g>');
  return { markup, series, functions };
}
