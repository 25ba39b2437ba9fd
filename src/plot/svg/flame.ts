// The flame view: under the memory plot, one band per process, its calls as boxes stacked by row
// (rows from the plot model: level 0 at the bottom), named and timed when the box is wide enough.
import type { CallData } from '../model';
import { describeCall, escapeXml, formatSeconds, px, textElement } from './format';
import { FLAME_BAND_GAP, FLAME_ROW_HEIGHT, type Box } from './layout';
import type { Scales } from './scales';
import { elide, ELLIPSIS, textWidth } from './text-metrics';
import type { View } from './view';

export interface Band {
  top: number;
  height: number;
  bottom: number;
}

export interface DrawnFlame {
  /** The boxes (clipped to the panel), then the bands' labels (left of it). */
  markup: string[];
  boxes: number;
  labels: number;
}

/** The bands of the panel, from `top` down, for bands of these row counts. */
export function flameBands(rows: readonly number[], top: number): Band[] {
  const bands: Band[] = [];
  let bandTop = top;
  for (const count of rows) {
    const height = count * FLAME_ROW_HEIGHT;
    const band = { top: bandTop, height, bottom: bandTop + height };
    bands.push(band);
    bandTop = band.bottom + FLAME_BAND_GAP;
  }
  return bands;
}

/** Where a call's box goes: its time span cut to the panel, at least a pixel wide, in its row of the band. */
export function flameBox(call: CallData, band: Band, toX: (time: number) => number, panel: Box): { x: number; y: number; w: number; subpixel: boolean } {
  const x = Math.max(toX(call.entryTime), panel.x);
  const end = Math.min(toX(call.exitTime), panel.x + panel.w);
  return { x, y: band.bottom - (call.row + 1) * FLAME_ROW_HEIGHT, w: Math.max(1, end - x), subpixel: end - x < 1 };
}

/**
 * The label of a box `width` px wide: "name duration" when it fits, else the name elided; undefined
 * when not even a character and the ellipsis would fit.
 */
export function flameLabel(name: string, seconds: number, width: number): string | undefined {
  const room = width - 8;
  if (room < 14) return undefined;
  const full = `${name} ${formatSeconds(seconds)}`;
  const label = textWidth(full, 11) <= room ? full : elide(name, room, 11);
  return label === '' || label === ELLIPSIS ? undefined : label;
}

/** Brightness of a #rrggbb colour (Rec. 601 luma), 0 black to 1 white; 0.5 for anything else. Picks the label's colour. */
export function luminance(hex: string): number {
  const value = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!value) return 0.5;
  const n = parseInt(value[1], 16);
  return (0.299 * ((n >> 16) & 255) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255)) / 255;
}

export function drawFlame(view: View, { toX }: Scales, panel: Box): DrawnFlame {
  const { data, interactive } = view;
  const markup: string[] = [`<g class="flame" clip-path="url(#mp-flame-clip)">`];
  const labels: string[] = [];
  let boxes = 0;
  let boxLabels = 0;
  // Calls narrower than a pixel: one box per pixel column, row and function is enough.
  const drawn = new Set<string>();
  const fresh = (key: string): boolean => !drawn.has(key) && drawn.add(key) !== undefined;
  const bands = flameBands(
    view.flameGroups.map((group) => group.rows),
    panel.y,
  );
  view.flameGroups.forEach((group, position) => {
    const band = bands[position];
    if (position > 0) {
      markup.push(`<path class="band-separator" d="M${px(panel.x)} ${px(band.top - FLAME_BAND_GAP / 2)}H${px(panel.x + panel.w)}" stroke="#bbb" stroke-dasharray="3 3"/>`);
    }
    labels.push(
      textElement(panel.x - 7, band.top + band.height / 2 + 4, elide(group.label, panel.x - 12, 10), `class="band-label" text-anchor="end" font-size="10" fill="#444"`),
    );
    for (const call of view.calls) {
      if (call.group !== group.index) continue;
      const index = view.callIndex.get(call)!;
      const fn = data.functions[call.function];
      const { x, y, w, subpixel } = flameBox(call, band, toX, panel);
      if (subpixel && !fresh(`${group.index}:${call.row}:${call.function}:${Math.floor(x)}`)) continue;
      markup.push(
        `<rect class="flame-box" data-call="${index}" data-function="${call.function}" x="${px(x)}" y="${px(y + 1)}" width="${px(w)}" height="${FLAME_ROW_HEIGHT - 2}" fill="${fn.color}"${w >= 3 ? ' stroke="#ffffff" stroke-width="0.6"' : ''}>${interactive ? '' : `<title>${escapeXml(describeCall(data, call))}</title>`}</rect>`,
      );
      boxes++;
      const label = flameLabel(fn.label, call.exitTime - call.entryTime, w);
      if (label === undefined) continue;
      const clip = `mp-fc-${index}`;
      markup.push(
        `<clipPath id="${clip}"><rect x="${px(x + 2)}" y="${px(y)}" width="${px(w - 4)}" height="${FLAME_ROW_HEIGHT}"/></clipPath>` +
          textElement(x + 4, y + FLAME_ROW_HEIGHT - 5.5, label, `class="flame-label" data-call="${index}" clip-path="url(#${clip})" font-size="11" fill="${luminance(fn.color) > 0.55 ? '#111' : '#fff'}" pointer-events="none"`),
      );
      boxLabels++;
    }
  });
  markup.push('</g>', ...labels);
  return { markup, boxes, labels: boxLabels };
}
