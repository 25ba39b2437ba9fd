// Function brackets, as mprof draws them: `[` at a call's entry and `]` at its exit, at the memory
// measured then, in the function's colour, on the line of the process it ran in. Outer calls get
// taller brackets, so that a nested call entered at the same moment shows inside.
import { describeCall, escapeXml, px } from './format';
import type { Box } from './layout';
import type { Scales } from './scales';
import { inWindow, type View } from './view';

/** Half the height of a bracket of a call at this nesting level, and its arms' length. */
export const bracketHalfHeight = (level: number): number => Math.max(7, 15 - 4 * level);
const ARM = 7;

export interface DrawnBrackets {
  /** The dotted lines of processes with markers but no memory line, the brackets, then those processes' dots. */
  markup: string[];
  /** Brackets drawn (an entry and an exit count one each). */
  count: number;
}

/**
 * A process with markers but no memory line: a dotted line through its calls' entries and exits, so
 * that its brackets read as one process (the legend says there is no memory line, and the highest
 * memory its calls measured).
 */
function markerLines(view: View, { toX, toY }: Scales): string[] {
  const lines: string[] = [];
  for (const series of view.series) {
    if (series.kind !== 'markers') continue;
    const points: Array<[number, number]> = [];
    for (const call of view.bracketCalls) {
      if (call.series !== series.id) continue;
      points.push([call.entryTime, call.entryMemory], [call.exitTime, call.exitMemory]);
    }
    if (points.length < 2) continue;
    points.sort((a, b) => a[0] - b[0]);
    const d = points.map(([t, m], n) => `${n === 0 ? 'M' : 'L'}${px(toX(t))} ${px(toY(m))}`).join('');
    lines.push(`<path class="markers-line" data-series="${series.id}" d="${d}" stroke="${series.color}" stroke-width="1.2" stroke-dasharray="2 3" fill="none" opacity="0.8"/>`);
  }
  return lines;
}

/**
 * A dot of the process' colour at each entry and exit of a process without a memory line, over its
 * brackets (with a white ring, which keeps it apart from a bracket of a like colour): which process
 * each bracket is, told apart from another's at a glance.
 */
function markerDots(view: View, { toX, toY }: Scales): string[] {
  const dots: string[] = [];
  for (const series of view.series) {
    if (series.kind !== 'markers') continue;
    let d = '';
    for (const call of view.bracketCalls) {
      if (call.series !== series.id) continue;
      if (inWindow(view, call.entryTime)) d += `M${px(toX(call.entryTime))} ${px(toY(call.entryMemory))}h0`;
      if (inWindow(view, call.exitTime)) d += `M${px(toX(call.exitTime))} ${px(toY(call.exitMemory))}h0`;
    }
    if (d === '') continue;
    // Zero-length strokes with round caps: a dot each.
    dots.push(
      `<g class="markers-dots" data-series="${series.id}" fill="none" stroke-linecap="round" pointer-events="none"><path d="${d}" stroke="#ffffff" stroke-width="7.5"/><path d="${d}" stroke="${series.color}" stroke-width="5"/></g>`,
    );
  }
  return dots;
}

/**
 * The boxes the brackets in the window cover (their strokes included): what a label must not be
 * drawn over (the peak's: series.ts).
 */
export function bracketBoxes(view: View, { toX, toY }: Scales): Box[] {
  const boxes: Box[] = [];
  const pad = 1.2;
  for (const call of view.bracketCalls) {
    const half = bracketHalfHeight(call.level);
    if (inWindow(view, call.entryTime)) boxes.push({ x: toX(call.entryTime) - pad, y: toY(call.entryMemory) - half - pad, w: ARM + 2 * pad, h: 2 * (half + pad) });
    if (inWindow(view, call.exitTime)) boxes.push({ x: toX(call.exitTime) - ARM - pad, y: toY(call.exitMemory) - half - pad, w: ARM + 2 * pad, h: 2 * (half + pad) });
  }
  return boxes;
}

/** A bracket's hit area in the HTML report: wider than its 2.4 px stroke, so that hovering is easy. */
const hitArea = (x: number, y: number, half: number): string =>
  `<rect class="hit" x="${px(x - 4)}" y="${px(y - half - 3)}" width="${px(ARM + 8)}" height="${px(2 * half + 6)}" fill="transparent"/>`;

export function drawBrackets(view: View, scales: Scales): DrawnBrackets {
  const { toX, toY } = scales;
  const { data, interactive } = view;
  const markup = markerLines(view, scales);
  let count = 0;
  // Thousands of calls: a bracket identical, to the pixel, to one already drawn adds nothing.
  const drawn = new Set<string>();
  const fresh = (key: string): boolean => !drawn.has(key) && drawn.add(key) !== undefined;
  for (const call of view.bracketCalls) {
    const color = data.functions[call.function].color;
    const half = bracketHalfHeight(call.level);
    const showOpen = inWindow(view, call.entryTime) && fresh(`[${call.function}:${call.level}:${Math.round(toX(call.entryTime))}:${Math.round(toY(call.entryMemory))}`);
    const showClose = inWindow(view, call.exitTime) && fresh(`]${call.function}:${call.level}:${Math.round(toX(call.exitTime))}:${Math.round(toY(call.exitMemory))}`);
    if (!showOpen && !showClose) continue;
    const parts: string[] = [`<g class="call" data-call="${view.callIndex.get(call)!}" data-function="${call.function}">`];
    if (!interactive) parts.push(`<title>${escapeXml(describeCall(data, call))}</title>`);
    const xa = toX(call.entryTime);
    const ya = toY(call.entryMemory);
    const xb = toX(call.exitTime);
    const yb = toY(call.exitMemory);
    if (showOpen) {
      parts.push(`<path class="bracket-open" d="M${px(xa + ARM)} ${px(ya - half)}H${px(xa)}V${px(ya + half)}H${px(xa + ARM)}" stroke="${color}" stroke-width="2.4" fill="none"/>`);
      count++;
      if (interactive) parts.push(hitArea(xa, ya, half));
    }
    if (showClose) {
      parts.push(`<path class="bracket-close" d="M${px(xb - ARM)} ${px(yb - half)}H${px(xb)}V${px(yb + half)}H${px(xb - ARM)}" stroke="${color}" stroke-width="2.4" fill="none"/>`);
      count++;
      if (interactive) parts.push(hitArea(xb - ARM, yb, half));
    }
    parts.push('</g>');
    markup.push(parts.join(''));
  }
  if (count > 0) markup.push(...markerDots(view, scales));
  return { markup, count };
}
