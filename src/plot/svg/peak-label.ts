// Where the peak's label goes: beside the peak, as mprof puts it, unless a function bracket is drawn
// there; then the nearest place free of brackets (and of other recordings' peak labels), so that the
// figure stays readable. Geometry only, in SVG units: series.ts draws the label.
import type { Box } from './layout';

/** Height of a peak label's box above its baseline, and below it (11 px bold), and a line's step. */
const LABEL_ASCENT = 9;
const LABEL_DESCENT = 3;
const LABEL_STEP = 13;

/** Where a label is drawn: its anchor and baseline, and whether the text ends at the anchor. */
export interface LabelPlace {
  x: number;
  y: number;
  end: boolean;
}

/** The box a label `width` px wide covers at `place`. */
export function labelBox({ x, y, end }: LabelPlace, width: number): Box {
  return { x: end ? x - width : x, y: y - LABEL_ASCENT, w: width, h: LABEL_ASCENT + LABEL_DESCENT };
}

function overlap(a: Box, b: Box): number {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Where a peak's label goes (its baseline, and whether it ends at x): right of the peak and just
 * above it when it fits in the plot, else left of it; but when a bracket is drawn there,
 * the first place free of them, on either side, one line higher at a time up to the plot's top, then
 * below the peak. Nowhere free: the place the least covered.
 */
export function placePeakLabel(peak: { x: number; y: number }, width: number, plot: Box, obstacles: readonly Box[]): LabelPlace {
  const fitsRight = peak.x + 6 + width <= plot.x + plot.w - 2;
  const first: LabelPlace = { x: fitsRight ? peak.x + 6 : peak.x - 6, y: Math.max(plot.y + 12, peak.y - 6), end: !fitsRight };
  const covered = (place: LabelPlace): number => {
    const area = labelBox(place, width);
    let total = 0;
    for (const obstacle of obstacles) total += overlap(area, obstacle);
    return total;
  };
  if (covered(first) === 0) return first;
  const inside = (place: LabelPlace): boolean => {
    const area = labelBox(place, width);
    return area.x >= plot.x + 2 && area.x + area.w <= plot.x + plot.w - 2 && area.y >= plot.y + 1 && area.y + area.h <= plot.y + plot.h - 1;
  };
  const sides = [fitsRight, !fitsRight];
  const candidates: LabelPlace[] = [];
  for (let y = peak.y - 6; y - LABEL_ASCENT >= plot.y + 1; y -= LABEL_STEP) for (const right of sides) candidates.push({ x: right ? peak.x + 6 : peak.x - 6, y, end: !right });
  for (let y = peak.y + 6 + LABEL_ASCENT; y + LABEL_DESCENT <= plot.y + plot.h - 1 && y <= peak.y + 6 + LABEL_ASCENT + 4 * LABEL_STEP; y += LABEL_STEP) {
    for (const right of sides) candidates.push({ x: right ? peak.x + 6 : peak.x - 6, y, end: !right });
  }
  let best = first;
  let least = covered(first);
  for (const place of candidates) {
    if (!inside(place)) continue;
    const area = covered(place);
    if (area === 0) return place;
    if (area < least) {
      best = place;
      least = area;
    }
  }
  return best;
}
