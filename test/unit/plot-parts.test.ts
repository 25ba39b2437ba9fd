// The parts of the picture in process, from scripted plot data: what a view shows, the curves and
// peaks, function brackets, the flame view's layout and the legend's. Scales are round on purpose:
// 100 px per second from x = 0, 1 px per MiB upwards from y = 100.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FUNCTION_COLORS, type CallData, type PlotData, type SeriesData } from '../../src/plot/model';
import { bracketHalfHeight, drawBrackets } from '../../src/plot/svg/brackets';
import { drawFlame, flameBands, flameBox, flameLabel, luminance } from '../../src/plot/svg/flame';
import { formatSeconds } from '../../src/plot/svg/format';
import { layOut } from '../../src/plot/svg/layout';
import { drawLegend, durationText } from '../../src/plot/svg/legend';
import { makeScales } from '../../src/plot/svg/scales';
import { decimate, drawSeries, type Peak } from '../../src/plot/svg/series';
import { leastSquares } from '../../src/shared/statistics';
import { ELLIPSIS, textWidth } from '../../src/plot/svg/text-metrics';
import { resolveView, shownMemory, visibleRange, type ViewOptions } from '../../src/plot/svg/view';

const PLOT = { x: 0, y: 0, w: 1000, h: 100 };
const scales = makeScales(PLOT, [0, 10], [0, 100]);
const WINDOW: [number, number] = [0, 10];

function line(id: number, time: number[], memory: number[], extra: Partial<SeriesData> = {}): SeriesData {
  return { id, file: 0, kind: 'mem', label: `line ${id}`, color: '#202020', time, memory, ...extra };
}

function call(fn: number, entryTime: number, exitTime: number, entryMemory: number, exitMemory: number, extra: Partial<CallData> = {}): CallData {
  return { function: fn, series: 0, entryTime, exitTime, entryMemory, exitMemory, level: 0, group: 0, row: 0, ...extra };
}

function plotData(series: SeriesData[], calls: CallData[], names = ['f', 'g']): PlotData {
  const rows = Math.max(1, ...calls.map((entry) => entry.row + 1));
  return {
    version: 2,
    title: 'scripted',
    files: [{ name: 'scripted.dat', start: 0 }],
    series,
    functions: names.map((name, index) => ({ name, label: name, color: FUNCTION_COLORS[index] })),
    calls,
    flameGroups: [{ series: 0, label: 'main', rows }],
    span: [0, 10],
  };
}

const view = (data: PlotData, options: ViewOptions = {}) => resolveView(data, { window: WINDOW, ...options });
const count = (markup: string, pattern: RegExp): number => markup.match(new RegExp(pattern.source, 'g'))?.length ?? 0;
const texts = (markup: string): string[] => [...markup.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => match[1]);

test('the view: hidden series and functions, calls outside the window and brackets turned off are left out', () => {
  const data = plotData(
    [line(0, [0, 1, 2, 3, 4], [10, 20, 30, 40, 50]), line(1, [0, 4], [5, 6], { kind: 'child', pid: 7 })],
    [call(0, 1, 2, 20, 30), call(1, 1.5, 3, 25, 95), call(0, 2, 3, 30, 40, { series: 1 }), call(0, 11, 12, 1, 1)],
  );
  const all = view(data, { window: [0.5, 3.5] });
  assert.deepEqual([all.t0, all.t1, all.zoomed], [0.5, 3.5, true]);
  assert.deepEqual(all.calls, data.calls.slice(0, 3), 'the call after the window is out');
  assert.deepEqual(all.visible.get(0), [1, 3]);
  assert.deepEqual(all.visible.get(1), [1, 0], 'no sample of line 1 in the window');
  // The memory range covers samples in the window and brackets' ends in it (95 at 3 s), not the rest.
  assert.deepEqual([...shownMemory(all)].sort((a, b) => a - b), [20, 20, 25, 30, 30, 30, 40, 40, 95]);
  const hidden = view(data, { hiddenSeries: [1], hiddenFunctions: [1] });
  assert.deepEqual(hidden.series.map((entry) => entry.id), [0]);
  assert.deepEqual(hidden.calls, [data.calls[0]]);
  assert.deepEqual(view(data, { functionTs: false }).bracketCalls, [], 'no brackets, calls still shown (flame view)');
  assert.equal(view(data, { functionTs: false }).calls.length, 3);
  assert.deepEqual(view(data, { flame: true }).flameGroups, [{ series: 0, label: 'main', rows: 1, index: 0 }]);
  assert.deepEqual(view(data, { flame: true, hiddenSeries: [0] }).flameGroups, [], "a hidden series' band goes");
  assert.deepEqual(view(data).flameGroups, [], 'no flame view asked');
  // Without a window: the data's span, padded.
  const whole = resolveView(data, {});
  assert.equal(whole.zoomed, false);
  assert.ok(whole.t0 < 0 && whole.t1 > 10);
  assert.deepEqual(visibleRange(line(0, [], []), 0, 1), [0, -1]);
});

test('least squares and decimation: the fitted line, and a few points per pixel column', () => {
  assert.deepEqual(leastSquares([0, 1, 2, 3], [1, 3, 5, 7]), { slope: 2, intercept: 1 });
  assert.deepEqual(leastSquares([0, 1, 2], [3, 3, 3]), { slope: 0, intercept: 3 });
  assert.equal(leastSquares([1], [1]), undefined);
  assert.equal(leastSquares([2, 2, 2], [1, 2, 3]), undefined, 'no distinct times');
  // Two pixel columns (x = t): each keeps its first, lowest, highest and last sample, in order.
  const series = line(0, [0, 0.2, 0.4, 0.6, 0.8, 1, 1.2, 1.4, 1.6, 1.8], [5, 1, 9, 3, 4, 2, 8, 0, 7, 6]);
  assert.deepEqual(decimate(series, 0, 9, (t) => t, 2), [0, 1, 2, 4, 5, 6, 7, 9]);
  assert.deepEqual(decimate(series, 0, 9, (t) => t, 5), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'few points: all of them');
  assert.deepEqual(decimate(series, 2, 5, (t) => t, 1), [2, 3, 4, 5]);
});

test('series: a line reaching past the window, sample marks when few, the peak in the window, slopes when asked', () => {
  const data = plotData(
    [line(0, [0, 1, 2, 3, 4], [10, 30, 20, 40, 15]), line(1, [0, 2, 4], [50, 60, 55], { kind: 'child' }), line(2, [], [], { kind: 'markers' })],
    [],
  );
  const shown = view(data, { window: [0.5, 3.5] });
  const drawn = drawSeries(shown, makeScales(PLOT, [0, 10], [0, 100]), PLOT);
  const main = drawn.curves.find((markup) => markup.includes('data-series="0"'))!;
  assert.match(main, /class="series-line" d="M0 90L100 70L200 80L300 60L400 85"/, 'one sample beyond each end');
  assert.equal(count(drawn.curves.join(''), /class="series-line"/), 2, 'nothing drawn for a series without samples');
  assert.equal(count(drawn.curves.find((markup) => markup.startsWith('<path class="samples"'))!, /h5M/), 3, 'marks for the samples in the window');
  assert.deepEqual(drawn.peaks.get(0), { time: 3, memory: 40 } satisfies Peak);
  assert.deepEqual(drawn.peaks.get(1), { time: 2, memory: 60 });
  assert.equal(drawn.slopes.size, 0);
  assert.equal(count(drawn.peakMarks.join(''), /<g class="peak"/), 1, "the recorded process' dashed cross");
  assert.equal(count(drawn.peakMarks.join(''), /<path class="peak"/), 1, "a child's mark");
  assert.deepEqual(drawn.peakLabels.map(texts).flat(), ['peak 40.0 MiB']);
  const sloped = drawSeries(view(data, { slope: true }), scales, PLOT);
  assert.equal(sloped.slopes.get(0), leastSquares([0, 1, 2, 3, 4], [10, 30, 20, 40, 15])!.slope);
  assert.equal(count(sloped.curves.join(''), /class="slope"/), 2);
  // A peak near the right edge: its label goes left of it.
  const right = drawSeries(view(plotData([line(0, [0, 9.9], [10, 50])], [])), scales, PLOT);
  assert.match(right.peakLabels[0], /text-anchor="end"/);
});

test('brackets: [ at entry and ] at exit, taller for outer calls, one per pixel, only inside the window', () => {
  assert.deepEqual([0, 1, 2, 3].map(bracketHalfHeight), [15, 11, 7, 7]);
  const data = plotData(
    [line(0, [0, 10], [0, 100])],
    [call(0, 1, 2, 50, 60), call(0, 1.001, 2.001, 50.2, 60.2), call(1, 0.5, 3, 40, 70, { level: 1 })],
    ['<b>', 'g'],
  );
  const { markup, count: brackets } = drawBrackets(view(data), scales);
  const svg = markup.join('\n');
  assert.match(svg, /<g class="call" data-call="0" data-function="0"><title>&lt;b&gt;: 1\.00 s, 50\.0 MiB at entry, 60\.0 MiB at exit<\/title>/);
  // Entry at 1 s and 50 MiB: x 100, y 50, 15 px up and down, arms 7 px to the right.
  assert.match(svg, /class="bracket-open" d="M107 35H100V65H107"/);
  assert.match(svg, /class="bracket-close" d="M193 25H200V55H193"/);
  assert.match(svg, /class="bracket-open" d="M57 49H50V71H57"/, 'level 1: 11 px each way');
  assert.equal(count(svg, /data-call="1"/), 0, 'the same brackets to the pixel are drawn once');
  assert.equal(brackets, 4);
  assert.equal(count(svg, /class="hit"/), 0);
  // Interactive (HTML): hit areas instead of <title> tooltips.
  const interactive = drawBrackets(view(data, { interactive: true }), scales).markup.join('\n');
  assert.equal(count(interactive, /class="hit"/), 4);
  assert.equal(count(interactive, /<title>/), 0);
  // A window from 1.5 s: entries before it have no [.
  const late = drawBrackets(view(data, { window: [1.5, 10] }), makeScales(PLOT, [1.5, 10], [0, 100]));
  assert.equal(count(late.markup.join(''), /bracket-open/), 0);
  assert.equal(late.count, 2);
  assert.deepEqual(drawBrackets(view(data, { functionTs: false }), scales), { markup: [], count: 0 });
});

test('brackets of a process without a memory line: a dotted line joins them in time order', () => {
  const data = plotData(
    [line(0, [0, 10], [0, 100]), line(1, [], [], { kind: 'markers', pid: 9 })],
    [call(0, 3, 4, 30, 35, { series: 1, pid: 9 }), call(0, 1, 2, 10, 20, { series: 1, pid: 9 })],
  );
  const [dotted] = drawBrackets(view(data), scales).markup;
  assert.match(dotted, /^<path class="markers-line" data-series="1" d="M100 90L200 80L300 70L400 65"/);
  assert.match(drawBrackets(view(data), scales).markup.join(''), /<title>f \(pid 9\): /);
});

test('flame layout: bands from the top, boxes cut to the panel, labels that fit or none', () => {
  assert.deepEqual(flameBands([2, 1], 600), [
    { top: 600, height: 36, bottom: 636 },
    { top: 644, height: 18, bottom: 662 },
  ]);
  const panel = { x: 100, y: 600, w: 500, h: 62 };
  const toX = (time: number) => time * 100;
  const [band] = flameBands([2], 600);
  assert.deepEqual(flameBox(call(0, 0.5, 2, 0, 0, { row: 1 }), band, toX, panel), { x: 100, y: 600, w: 100, subpixel: false }, 'cut at the left edge, row 1 on top');
  assert.deepEqual(flameBox(call(0, 5, 9, 0, 0), band, toX, panel), { x: 500, y: 618, w: 100, subpixel: false }, 'cut at the right edge');
  assert.deepEqual(flameBox(call(0, 3, 3.001, 0, 0), band, toX, panel), { x: 300, y: 618, w: 1, subpixel: true }, 'at least a pixel wide');
  assert.equal(flameLabel('handle', 0.25, 200), `handle ${formatSeconds(0.25)}`);
  const elided = flameLabel('parseIncomingRequestPayload', 0.25, 60)!;
  assert.ok(elided.endsWith(ELLIPSIS) && textWidth(elided, 11) <= 52, elided);
  assert.equal(flameLabel('x', 1, 21), undefined, 'less than 14 px of room');
  assert.equal(flameLabel('abcdef', 1, 22), undefined, 'not even a letter and the ellipsis');
  assert.deepEqual(['#ffffff', '#000000', '#ff0000', 'red'].map(luminance), [1, 0, 0.299, 0.5]);
});

test('flame view: a box per call, sub-pixel calls merged per column, band labels, and box labels in contrast', () => {
  const data = plotData(
    [line(0, [0, 10], [0, 100])],
    [call(0, 1, 5, 0, 0), call(1, 2, 3, 0, 0, { row: 1, level: 1 }), call(1, 6.0001, 6.0002, 0, 0), call(1, 6.0003, 6.0004, 0, 0), call(0, 11, 12, 0, 0)],
  );
  data.functions[0].color = '#1f4e9c';
  data.functions[1].color = '#ffffff';
  const panel = { x: 100, y: 0, w: 900, h: 36 };
  const flame = drawFlame(view(data, { flame: true }), scales, panel);
  const svg = flame.markup.join('\n');
  const boxes = [...svg.matchAll(/class="flame-box" data-call="(\d)" data-function="\d" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)"/g)].map((match) => match.slice(1).map(Number));
  assert.deepEqual(boxes, [
    [0, 100, 19, 400],
    [1, 200, 1, 100],
    [2, 600, 19, 1],
  ]);
  assert.deepEqual([flame.boxes, flame.labels], [3, 2]);
  assert.deepEqual(texts(svg), ['f 4.00 s', 'g 1.00 s', 'main']);
  assert.match(svg, /class="flame-label" data-call="0"[^>]*fill="#fff"/, 'white on a dark box');
  assert.match(svg, /class="flame-label" data-call="1"[^>]*fill="#111"/, 'black on a light box');
  assert.equal(count(svg, /<title>/), 3);
  assert.equal(count(drawFlame(view(data, { flame: true, interactive: true }), scales, panel).markup.join(''), /<title>/), 0);
});

test('legend: series with peak and slope, functions with their time in the window; hidden entries dimmed', () => {
  const data = plotData(
    [line(0, [0, 10], [0, 100], { label: 'MEM' }), line(1, [0, 10], [0, 1], { kind: 'child', label: 'child 7' }), line(2, [], [], { kind: 'markers', label: 'pid 8 (markers only)' })],
    [call(0, 1, 2, 0, 0), call(1, 3, 3.5, 0, 0), call(1, 4, 5, 0, 0), call(1, 20, 21, 0, 0)],
    ['f', 'g', 'never'],
  );
  const box = layOut(1100, 640, []).legend;
  const peaks = new Map<number, Peak>([[0, { time: 9, memory: 90 }]]);
  const slopes = new Map([[0, 2]]);
  const legend = drawLegend(view(data), box, peaks, slopes);
  assert.deepEqual(texts(legend.markup.join('')), [
    'Memory',
    'MEM',
    'peak 90.0 MiB, slope +2.00 MiB/s',
    'child 7',
    'no sample in window',
    'pid 8 (markers only)',
    'no memory line (record with -M)',
    'Functions',
    'f 1.00 s',
    'g 1.50 s (2 calls)',
    'never not in window',
  ]);
  assert.deepEqual([legend.series, legend.functions], [3, 3]);
  assert.equal(count(legend.markup.join(''), /class="hit"/), 0);
  assert.equal(count(drawLegend(view(data, { interactive: true }), box, peaks, slopes).markup.join(''), /class="hit"/), 6);
  // Hidden: dimmed, said so; a hidden function still says how long it took; a hidden series' calls do not count.
  const hidden = drawLegend(view(data, { hiddenSeries: [1], hiddenFunctions: [0] }), box, peaks, slopes).markup.join('');
  assert.match(hidden, /<g class="legend-series hidden" data-series="1" opacity="0\.35">.*hidden \(click to show\)/);
  assert.match(hidden, /<g class="legend-function hidden" data-function="0" opacity="0\.35">.*>f 1\.00 s</);
  assert.match(drawLegend(view(data, { hiddenSeries: [0] }), box, peaks, slopes).markup.join(''), />f not in window</);
  // Functions are listed only when brackets or the flame view draw them.
  assert.equal(drawLegend(view(data, { functionTs: false }), box, peaks, slopes).functions, 0);
  assert.equal(drawLegend(view(data, { functionTs: false, flame: true }), box, peaks, slopes).functions, 3);
  assert.deepEqual([durationText([]), durationText([call(0, 1, 1.5, 0, 0)])], ['not in window', '0.500 s']);
});

test('legend: long names elided to the column, the duration kept; what does not fit is counted', () => {
  const long = 'a'.repeat(80);
  const data = plotData([line(0, [0, 10], [0, 100], { label: long })], [call(0, 1, 2, 0, 0)], [long]);
  const box = layOut(1100, 640, []).legend;
  const [, series, , , fn] = texts(drawLegend(view(data), box, new Map(), new Map()).markup.join(''));
  assert.ok(series.endsWith(ELLIPSIS) && textWidth(series, 12) <= box.w - 40, series);
  assert.ok(fn.endsWith(`${ELLIPSIS} 1.00 s`) && textWidth(fn, 12) <= box.w - 40, fn);
  // A column 70 px high: the heading and one series fit; the rest is "and 1 more".
  const three = plotData([line(0, [0, 10], [0, 100]), line(1, [0, 10], [0, 100])], []);
  const short = drawLegend(view(three), { ...box, h: 70 }, new Map(), new Map());
  assert.equal(short.series, 1);
  assert.deepEqual(texts(short.markup.join('')).slice(-1), ['and 1 more']);
  const tall = drawLegend(view(three), { ...box, h: 98 }, new Map(), new Map());
  assert.equal(tall.series, 2);
  assert.ok(!tall.markup.join('').includes('more'));
});
