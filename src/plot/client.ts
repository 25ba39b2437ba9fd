// The HTML report's script, run in the browser (html.ts inlines this compiled module and render.ts):
// redraws the chart with render.ts when the view changes, as wide as the window (again when it is
// resized). Hover a bracket or a flame box: function, duration, memory at entry and exit, its file and
// line; click it: its line table, when the report links one (memprof plot --report). Drag across the
// plot: zoom on that time range (double-click or "Reset zoom" to go back). Click a legend entry: hide
// or show that series or function.
//
// Nothing from the data is ever put into HTML unescaped: the SVG comes from render.ts (which escapes
// every text), the tooltip is built with textContent.
import { renderSvg, type Layout, type Rendered, type ViewOptions } from './render';
import { callLink, callSite, formatMiB, formatSeconds, rangeText } from './svg/format';
import { measureOfCall } from './measure';
import type { PlotData } from './model';
import { decodePageData, type PageData } from './page-data';
import { fillTooltip, placeTooltip } from './tooltip';

// The DOM, without the DOM type library (this project compiles for Node); kept loose on purpose.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;

interface State {
  window: [number, number] | null;
  functionTs: boolean;
  slope: boolean;
  flame: boolean;
  hiddenSeries: number[];
  hiddenFunctions: number[];
}

/** Narrower than this, the chart is drawn this wide and scaled down to fit (the legend takes 270 px). */
const MIN_WIDTH = 760;

function toggle(list: number[], value: number): number[] {
  return list.includes(value) ? list.filter((item) => item !== value) : [...list, value];
}

export function start(): void {
  const data: PlotData = decodePageData(JSON.parse(document.getElementById('memprof-data').textContent) as PageData);
  const initial = JSON.parse(document.getElementById('memprof-view').textContent) as ViewOptions;
  const state: State = {
    window: initial.window ?? null,
    functionTs: initial.functionTs !== false,
    slope: initial.slope === true,
    flame: initial.flame === true,
    hiddenSeries: [],
    hiddenFunctions: [],
  };
  const chart = document.getElementById('chart');
  const tooltip = document.getElementById('tooltip');
  const selection = document.getElementById('selection');
  const span = document.getElementById('hover-span');
  const range = document.getElementById('range');
  const controls = {
    functionTs: document.getElementById('opt-function-ts'),
    flame: document.getElementById('opt-flame'),
    slope: document.getElementById('opt-slope'),
  };
  let layout: Layout;
  let drag: { x0: number; x1: number } | undefined;
  // A big recording is carried decimated (model.ts): say to what detail, since zooming in stops there.
  const finest = Math.max(0, ...data.series.map((series) => series.decimated?.bucketSeconds ?? 0));
  const decimation = finest > 0 ? ` (decimated: each ${formatSeconds(finest)} keeps its lowest and highest sample)` : '';

  /** The chart's width: the room the page gives it, or the width drawn into the page when there is none (no layout yet). */
  const chartWidth = (): number => {
    const room = Math.floor(Number(chart.clientWidth) || 0);
    return room > 0 ? Math.max(MIN_WIDTH, room) : (initial.width ?? 1100);
  };

  const draw = (): void => {
    hideTooltip();
    const rendered: Rendered = renderSvg(data, { ...initial, ...state, width: chartWidth(), interactive: true });
    chart.innerHTML = rendered.svg;
    layout = rendered.layout;
    controls.functionTs.checked = state.functionTs;
    controls.flame.checked = state.flame;
    controls.slope.checked = state.slope;
    range.textContent = `${rangeText(layout.t0, layout.t1, data.span, state.window !== null)}${decimation}`;
    document.getElementById('reset').disabled = state.window === (initial.window ?? null);
    // For tests and the curious: what is on screen.
    window.memprofPlot = { counts: rendered.counts, layout, state: JSON.parse(JSON.stringify(state)) };
  };

  /** The SVG's scale on screen, and a client x in SVG units. */
  const svgPoint = (event: any): { x: number; y: number } | undefined => {
    const svg = chart.querySelector('svg');
    if (!svg) return undefined;
    const box = svg.getBoundingClientRect();
    const scale = box.width / layout.width;
    return { x: (event.clientX - box.left) / scale, y: (event.clientY - box.top) / scale };
  };
  const toTime = (x: number): number => layout.t0 + ((x - layout.plot.x) / layout.plot.w) * (layout.t1 - layout.t0);
  const inPlotColumns = (point: { x: number; y: number }): boolean => {
    const { plot, flame } = layout;
    const bottom = flame ? flame.y + flame.h : plot.y + plot.h;
    return point.x >= plot.x && point.x <= plot.x + plot.w && point.y >= plot.y && point.y <= bottom;
  };

  /** A box over the plot (and flame panel) from time t0 to t1, in the chart's CSS pixels. */
  const place = (element: any, t0: number, t1: number): void => {
    const svg = chart.querySelector('svg');
    const box = svg.getBoundingClientRect();
    const chartBox = chart.getBoundingClientRect();
    const scale = box.width / layout.width;
    const toX = (time: number) => layout.plot.x + ((time - layout.t0) / (layout.t1 - layout.t0)) * layout.plot.w;
    const from = Math.max(layout.plot.x, Math.min(toX(t0), toX(t1)));
    const to = Math.min(layout.plot.x + layout.plot.w, Math.max(toX(t0), toX(t1)));
    const bottom = layout.flame ? layout.flame.y + layout.flame.h : layout.plot.y + layout.plot.h;
    element.hidden = to < from;
    element.style.left = `${box.left - chartBox.left + from * scale}px`;
    element.style.width = `${Math.max(1, (to - from) * scale)}px`;
    element.style.top = `${box.top - chartBox.top + layout.plot.y * scale}px`;
    element.style.height = `${(bottom - layout.plot.y) * scale}px`;
  };
  const hideTooltip = (): void => {
    tooltip.hidden = true;
    span.hidden = true;
  };

  const showTooltip = (event: any, index: number): void => {
    const call = data.calls[index];
    const fn = data.functions[call.function];
    const series = data.series[call.series];
    const lines: Array<[string, string]> = [
      ['', fn.name],
      ['process', call.pid === undefined ? (data.files.length > 1 ? `${series.label} (main)` : 'main') : `pid ${call.pid}`],
      ['duration', formatSeconds(call.exitTime - call.entryTime)],
      ['entry', `${formatMiB(call.entryMemory)} at ${formatSeconds(call.entryTime)}`],
      ['exit', `${formatMiB(call.exitMemory)} at ${formatSeconds(call.exitTime)}`],
      ['change', `${call.exitMemory - call.entryMemory >= 0 ? '+' : '\u2212'}${formatMiB(Math.abs(call.exitMemory - call.entryMemory))}`],
      ['level', String(call.level)],
    ];
    const caller = call.parent === undefined ? undefined : data.calls[call.parent];
    if (caller) lines.push(['caller', data.functions[caller.function].name]);
    const site = callSite(data, call);
    if (site !== undefined) lines.push(['where', site]);
    const measure = measureOfCall(data.files[series.file]);
    if (measure !== undefined) lines.push(['measure', measure]);
    if (callLink(data, call) !== undefined) lines.push(['lines', 'click for its line table']);
    fillTooltip(tooltip, lines, fn.color);
    placeTooltip(tooltip, event);
    tooltip.dataset.call = String(index);
    // The call's time span, shaded across the plot.
    span.style.borderColor = fn.color;
    place(span, call.entryTime, call.exitTime);
  };

  const showSelection = (): void => {
    if (!drag) {
      selection.hidden = true;
      return;
    }
    place(selection, toTime(drag.x0), toTime(drag.x1));
  };

  chart.addEventListener('mousemove', (event: any) => {
    if (drag) {
      const point = svgPoint(event);
      if (point) drag.x1 = point.x;
      showSelection();
      hideTooltip();
      return;
    }
    const target = event.target.closest ? event.target.closest('[data-call]') : null;
    if (target) showTooltip(event, Number(target.getAttribute('data-call')));
    else hideTooltip();
    // A call with a line table to go to: the pointer says it can be clicked.
    const svg = chart.querySelector('svg');
    if (svg) svg.style.cursor = target && callLink(data, data.calls[Number(target.getAttribute('data-call'))]) !== undefined ? 'pointer' : '';
  });
  chart.addEventListener('mouseleave', hideTooltip);
  chart.addEventListener('mousedown', (event: any) => {
    if (event.button !== 0) return;
    const point = svgPoint(event);
    if (!point || !inPlotColumns(point)) return;
    event.preventDefault();
    drag = { x0: point.x, x1: point.x };
  });
  window.addEventListener('mouseup', () => {
    if (!drag) return;
    const from = Math.max(layout.plot.x, Math.min(drag.x0, drag.x1));
    const to = Math.min(layout.plot.x + layout.plot.w, Math.max(drag.x0, drag.x1));
    drag = undefined;
    showSelection();
    if (to - from < 4) return; // a click, not a drag
    state.window = [toTime(from), toTime(to)];
    draw();
  });
  chart.addEventListener('dblclick', () => {
    state.window = initial.window ?? null;
    draw();
  });
  chart.addEventListener('click', (event: any) => {
    // A call's bracket or box: its line table, when the report links one (a drag ends elsewhere).
    const call = event.target.closest ? event.target.closest('[data-call]') : null;
    const link = call ? callLink(data, data.calls[Number(call.getAttribute('data-call'))]) : undefined;
    if (link !== undefined) {
      window.location.assign(link);
      return;
    }
    const series = event.target.closest ? event.target.closest('.legend-series') : null;
    const fn = event.target.closest ? event.target.closest('.legend-function') : null;
    if (series) state.hiddenSeries = toggle(state.hiddenSeries, Number(series.getAttribute('data-series')));
    else if (fn) state.hiddenFunctions = toggle(state.hiddenFunctions, Number(fn.getAttribute('data-function')));
    else return;
    draw();
  });
  document.getElementById('reset').addEventListener('click', () => {
    state.window = initial.window ?? null;
    draw();
  });
  // As wide as the window: redrawn when its width changes, once per frame at most.
  let resizing = false;
  window.addEventListener('resize', () => {
    if (resizing) return;
    resizing = true;
    const redraw = (): void => {
      resizing = false;
      if (chartWidth() !== layout.width) draw();
    };
    if (typeof window.requestAnimationFrame === 'function') window.requestAnimationFrame(redraw);
    else redraw();
  });
  for (const [key, input] of Object.entries(controls)) {
    (input as any).addEventListener('change', () => {
      (state as any)[key] = (input as any).checked;
      draw();
    });
  }
  draw();
}
