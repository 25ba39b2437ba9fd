// The grid, the frames of the plot and the flame panel, tick labels and the axes' names. The time
// axis runs under the lowest panel, its grid lines through both.
import { px, textElement } from './format';
import type { Areas } from './layout';
import { tickLabel, ticks, type Scales } from './scales';

/**
 * About one time tick per 90 px and one memory tick per 60 px, at least 3 of each. `memoryLabel`
 * names the memory axis (what the recording measured: measure.ts).
 */
export function drawAxes(scales: Scales, { plot, flame, axisBottom }: Areas, memoryLabel = 'memory used (in MiB)'): string[] {
  const { toX, toY } = scales;
  const markup: string[] = [];
  const xTicks = ticks(scales.t0, scales.t1, Math.max(3, Math.round(plot.w / 90)));
  const yTicks = ticks(scales.y0, scales.y1, Math.max(3, Math.round(plot.h / 60)));
  const grid: string[] = [];
  for (const value of xTicks.values) {
    const x = toX(value);
    if (x < plot.x - 0.5 || x > plot.x + plot.w + 0.5) continue;
    grid.push(`M${px(x)} ${px(plot.y)}V${px(plot.y + plot.h)}`);
    if (flame) grid.push(`M${px(x)} ${px(flame.y)}V${px(flame.y + flame.h)}`);
    markup.push(textElement(x, axisBottom + 18, tickLabel(value, xTicks.step), 'class="tick" text-anchor="middle" font-size="11" fill="#333"'));
  }
  for (const value of yTicks.values) {
    const y = toY(value);
    if (y < plot.y - 0.5 || y > plot.y + plot.h + 0.5) continue;
    grid.push(`M${px(plot.x)} ${px(y)}H${px(plot.x + plot.w)}`);
    markup.push(textElement(plot.x - 7, y + 4, tickLabel(value, yTicks.step), 'class="tick" text-anchor="end" font-size="11" fill="#333"'));
  }
  markup.push(`<path class="grid" d="${grid.join('')}" stroke="#e3e3e3" stroke-width="1" fill="none"/>`);
  markup.push(`<rect class="frame" x="${px(plot.x)}" y="${px(plot.y)}" width="${px(plot.w)}" height="${px(plot.h)}" fill="none" stroke="#888"/>`);
  if (flame) markup.push(`<rect class="frame" x="${px(flame.x)}" y="${px(flame.y)}" width="${px(flame.w)}" height="${px(flame.h)}" fill="none" stroke="#888"/>`);
  markup.push(textElement(plot.x + plot.w / 2, axisBottom + 42, 'time (in seconds)', 'class="axis-label" text-anchor="middle" fill="#222"'));
  const yLabelX = 20;
  const yLabelY = plot.y + plot.h / 2;
  markup.push(
    textElement(yLabelX, yLabelY, memoryLabel, `class="axis-label" text-anchor="middle" fill="#222" transform="rotate(-90 ${px(yLabelX)} ${px(yLabelY)})"`),
  );
  return markup;
}
