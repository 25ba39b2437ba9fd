// Draws PlotData as an SVG document: memory against time, the peak, function brackets, the legend,
// least-squares slopes, the shaded difference of two overlaid recordings and the flame view, each drawn by its part in svg/. The same code draws the
// SVG and PNG files (in Node) and the HTML report (in the browser, where html.ts bundles this
// compiled module and the parts it requires): so none of them may import anything at run time but
// each other — no Node or DOM APIs.
import { memoryAxisLabel } from './measure';
import type { PlotData } from './model';
import { drawAxes } from './svg/axes';
import { drawDifference } from './svg/difference';
import { bracketBoxes, drawBrackets } from './svg/brackets';
import { drawFlame, type DrawnFlame } from './svg/flame';
import { escapeXml, px } from './svg/format';
import { drawHeading } from './svg/heading';
import { layOut, type Areas, type Box, type Layout } from './svg/layout';
import { drawLegend } from './svg/legend';
import { makeScales, memoryRange } from './svg/scales';
import { drawSeries } from './svg/series';
import { FONT_FAMILY } from './svg/text-metrics';
import { resolveView, shownMemory, type ViewOptions } from './svg/view';

export type { Layout } from './svg/layout';
export type { ViewOptions } from './svg/view';

export interface Rendered {
  svg: string;
  layout: Layout;
  /** What was drawn, for callers and tests. */
  counts: { brackets: number; flameBoxes: number; flameLabels: number; legendSeries: number; legendFunctions: number };
}

/** The <svg> element's start: size, font, white background, and the clip paths of the panels. */
function openSvg({ width, height, plot, flame }: Areas): string[] {
  const clip = (id: string, box: Box) =>
    `<clipPath id="${id}"><rect x="${px(box.x)}" y="${px(box.y)}" width="${px(box.w)}" height="${px(box.h)}"/></clipPath>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(FONT_FAMILY)}" font-size="12" class="memprof-plot">`,
    `<rect class="background" x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<defs>${clip('mp-plot-clip', plot)}${flame ? clip('mp-flame-clip', flame) : ''}</defs>`,
  ];
}

/** Draws the data; the same data and options give the same SVG. */
export function renderSvg(data: PlotData, options: ViewOptions = {}): Rendered {
  const view = resolveView(data, options);
  const areas = layOut(
    options.width ?? 1100,
    options.height ?? 640,
    view.flameGroups.map((group) => group.rows),
  );
  const scales = makeScales(areas.plot, [view.t0, view.t1], memoryRange(shownMemory(view)));
  // The peak label goes where no bracket is.
  const series = drawSeries(view, scales, areas.plot, bracketBoxes(view, scales));
  const brackets = drawBrackets(view, scales);
  const flame: DrawnFlame = areas.flame ? drawFlame(view, scales, areas.flame) : { markup: [], boxes: 0, labels: 0 };
  const legend = drawLegend(view, areas.legend, series.peaks, series.slopes);
  const svg = [
    ...openSvg(areas),
    ...drawHeading(view, areas.width),
    ...drawAxes(scales, areas, memoryAxisLabel(data.files)),
    // The memory plot, clipped to its box; peak labels last, over the brackets.
    `<g clip-path="url(#mp-plot-clip)">`,
    ...drawDifference(view, scales, areas.plot),
    ...series.curves,
    ...series.peakMarks,
    ...brackets.markup,
    ...series.peakLabels,
    '</g>',
    ...flame.markup,
    ...legend.markup,
    '</svg>',
  ];
  const { width, height, plot } = areas;
  return {
    svg: svg.join('\n'),
    layout: { width, height, plot, flame: areas.flame, t0: scales.t0, t1: scales.t1, y0: scales.y0, y1: scales.y1 },
    counts: { brackets: brackets.count, flameBoxes: flame.boxes, flameLabels: flame.labels, legendSeries: legend.series, legendFunctions: legend.functions },
  };
}
