// The words and labels of a timeline, in process: the memory axis names what the recorder measured
// (MEASURE line), -C's total says it is process + children, the HTML report's note and tooltip say
// what a bracket's memory is; the peak label is kept clear of brackets; a process without a memory
// line reads as its own (dots, its highest marker); a call's file and line and its link; the range
// label never starts before 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDat } from '../../src/record/dat';
import { funcLine, measureLine } from '../../src/shared/dat-lines';
import { buildPlotData, FUNCTION_COLORS, type CallData, type PlotData, type SeriesData } from '../../src/plot/model';
import { memoryAxisLabel, measureNote, measureOfCall } from '../../src/plot/measure';
import { renderSvg } from '../../src/plot/render';
import { bracketBoxes, drawBrackets } from '../../src/plot/svg/brackets';
import { callLink, callSite, describeCall, rangeText } from '../../src/plot/svg/format';
import { layOut } from '../../src/plot/svg/layout';
import { drawLegend, highestMarker } from '../../src/plot/svg/legend';
import { makeScales } from '../../src/plot/svg/scales';
import { placePeakLabel } from '../../src/plot/svg/peak-label';
import { drawSeries } from '../../src/plot/svg/series';
import { textWidth } from '../../src/plot/svg/text-metrics';
import { resolveView } from '../../src/plot/svg/view';

const texts = (markup: string): string[] => [...markup.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => match[1]);

function recording(header: string, name = 'r.dat') {
  return parseDat(`CMDLINE node app.js\n${header}MEM 10.0 1000.0\nMEM 20.0 1001.0\n`, name);
}

test('the memory axis names the measure when every recording says it; -C labels MEM as process + children', () => {
  const rss = buildPlotData([recording(measureLine({ backend: 'rss', scope: 'process' }))]);
  const tree = buildPlotData([recording(measureLine({ backend: 'pss', scope: 'tree' }))]);
  const old = buildPlotData([recording('')]);
  assert.equal(memoryAxisLabel(rss.files), 'memory used: RSS (in MiB)');
  assert.equal(memoryAxisLabel(tree.files), 'memory used: PSS (in MiB)');
  assert.equal(memoryAxisLabel(old.files), 'memory used (in MiB)', "mprof's label for files that do not say");
  assert.equal(memoryAxisLabel([...rss.files, ...tree.files]), 'memory used (in MiB)', 'two measures: no one name');
  assert.equal(memoryAxisLabel([...rss.files, ...old.files]), 'memory used (in MiB)');
  assert.ok(texts(renderSvg(rss).svg).includes('memory used: RSS (in MiB)'));
  assert.ok(texts(renderSvg(old).svg).includes('memory used (in MiB)'));
  assert.deepEqual([rss.series[0].label, tree.series[0].label, old.series[0].label], ['MEM', 'MEM: process + children', 'MEM']);
  const overlaid = buildPlotData([recording(measureLine({ backend: 'rss', scope: 'tree' }), 'a.dat'), recording('', 'b.dat')]);
  assert.deepEqual(
    overlaid.series.map((series) => series.label),
    ['#1 a.dat: process + children', '#2 b.dat'],
  );
  // What a bracket's memory is, for the tooltip and the page's note.
  assert.equal(measureOfCall(rss.files[0]), 'RSS of the process');
  assert.equal(measureOfCall(tree.files[0]), 'PSS of the process and its children');
  assert.equal(measureOfCall(old.files[0]), undefined);
  assert.match(measureNote(rss.files), /resident set size \(RSS\).*The line tables measure something else \(the JavaScript heap/);
  assert.match(measureNote(tree.files), /proportional set size.*-C: the MEM line is the process and all its children together/);
  assert.match(measureNote(old.files), /resident set size \(RSS\), unless it was recorded with another --backend/);
});

test('the range label: the data shown, never before 0, never a negative start', () => {
  assert.equal(rangeText(-0.05, 3.2, [0, 3.1], false), '0.00 s to 3.10 s', 'the padding around the data is not data');
  assert.equal(rangeText(-1.5, -0.2, [0, 3.1], true), 'zoomed: 0.00 s to 0.00 s');
  assert.equal(rangeText(0.5, 1.25, [0, 3.1], true), 'zoomed: 0.50 s to 1.25 s');
  assert.equal(rangeText(-0.001, 2, [-0.3, 2], false), '0.00 s to 2.00 s', 'a call before the first sample: still from 0');
});

const PLOT = { x: 0, y: 0, w: 1000, h: 100 };

function line(id: number, time: number[], memory: number[], extra: Partial<SeriesData> = {}): SeriesData {
  return { id, file: 0, kind: 'mem', label: `line ${id}`, color: '#202020', time, memory, ...extra };
}

function call(entryTime: number, exitTime: number, entryMemory: number, exitMemory: number, extra: Partial<CallData> = {}): CallData {
  return { function: 0, series: 0, entryTime, exitTime, entryMemory, exitMemory, level: 0, group: 0, row: 0, ...extra };
}

function plotData(series: SeriesData[], calls: CallData[], extra: Partial<PlotData> = {}): PlotData {
  return {
    version: 2,
    title: 'scripted',
    files: [{ name: 'scripted.dat', start: 0 }],
    series,
    functions: [{ name: 'f', label: 'f', color: FUNCTION_COLORS[0] }],
    calls,
    flameGroups: [{ series: 0, label: 'main', rows: 1 }],
    span: [0, 10],
    ...extra,
  };
}

const overlaps = (a: { x: number; y: number; w: number; h: number }, b: typeof a) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

test('the peak label goes where no bracket is: right, left, higher, lower; unchanged where nothing covers it', () => {
  const scales = makeScales(PLOT, [0, 10], [0, 100]);
  // The peak at 5 s and 80 MiB: x 500, y 20. A call ends there and another starts there.
  const series = [line(0, [0, 5, 10], [10, 80, 10])];
  const free = drawSeries(resolveView(plotData(series, []), { window: [0, 10] }), scales, PLOT);
  assert.match(free.peakLabels[0], /^<text x="506" y="14" /, 'nothing there: right of the peak, just above, as before');
  const covered = plotData(series, [call(1, 5, 70, 80), call(5, 9, 80, 60)]);
  const view = resolveView(covered, { window: [0, 10] });
  const boxes = bracketBoxes(view, scales);
  assert.equal(boxes.length, 4, "each call's [ and ]");
  const drawn = drawSeries(view, scales, PLOT, boxes);
  const [, x, y, end] = /<text x="([\d.]+)" y="([\d.]+)"[^>]*?( text-anchor="end")?>/.exec(drawn.peakLabels[0])!;
  const width = textWidth('peak 80.0 MiB', 11, true);
  const label = { x: end ? Number(x) - width : Number(x), y: Number(y) - 9, w: width, h: 12 };
  for (const box of boxes) assert.ok(!overlaps(label, box), `label ${JSON.stringify(label)} over bracket ${JSON.stringify(box)}`);
  assert.ok(label.y >= PLOT.y && label.y + label.h <= PLOT.y + PLOT.h, 'inside the plot');
  // The placement itself: free places first, in order; nowhere free, the least covered.
  const peak = { x: 500, y: 50 };
  assert.deepEqual(placePeakLabel(peak, 80, PLOT, []), { x: 506, y: 44, end: false });
  assert.deepEqual(placePeakLabel({ x: 990, y: 50 }, 80, PLOT, []), { x: 984, y: 44, end: true }, 'no room right: left of it');
  assert.deepEqual(placePeakLabel(peak, 80, PLOT, [{ x: 500, y: 30, w: 100, h: 20 }]), { x: 494, y: 44, end: true }, 'covered on the right: left');
  assert.deepEqual(placePeakLabel(peak, 80, PLOT, [{ x: 400, y: 30, w: 200, h: 20 }]), { x: 506, y: 18, end: false }, 'both sides: two lines up');
  const everywhere = [{ x: 0, y: 0, w: 1000, h: 100 }];
  assert.deepEqual(placePeakLabel(peak, 80, PLOT, everywhere), { x: 506, y: 44, end: false }, 'covered everywhere: the first place');
});

test('a process without a memory line: a dot of its colour at each bracket, over them, and the highest memory its markers measured', () => {
  const data = plotData(
    [line(0, [0, 10], [0, 100]), line(1, [], [], { kind: 'markers', pid: 9, label: 'pid 9 (markers only)', color: '#3b75af' })],
    [call(3, 4, 30, 35, { series: 1, pid: 9 }), call(1, 2, 10, 42, { series: 1, pid: 9 }), call(11, 12, 99, 99, { series: 1, pid: 9 })],
  );
  const scales = makeScales(PLOT, [0, 10], [0, 100]);
  const view = resolveView(data, { window: [0, 10] });
  const markup = drawBrackets(view, scales).markup;
  const dots = markup[markup.length - 1];
  assert.match(dots, /^<g class="markers-dots" data-series="1" [^>]*pointer-events="none">/, 'last: over the brackets, not in the way of hovering them');
  assert.equal((/stroke="#3b75af"/.exec(dots) ?? []).length, 1);
  assert.equal(dots.match(/h0/g)!.length, 2 * 4, "a dot at each of the two calls' entry and exit, white ring and colour");
  assert.equal(highestMarker(view, 1), 42, 'the call after the window does not count');
  const legend = texts(drawLegend(view, layOut(1100, 640, []).legend, new Map(), new Map()).markup.join(''));
  assert.deepEqual(legend.slice(3, 6), ['pid 9 (markers only)', 'no memory line (record with -M)', 'highest at a marker 42.0 MiB']);
  assert.equal(highestMarker(resolveView(data, { window: [20, 30] }), 1), undefined);
});

test("a call's file and line: in the SVG's tooltip, and its line table's address when --report found it", () => {
  const data = plotData([line(0, [0, 10], [0, 100])], [call(1, 2, 50, 60, { site: 0 }), call(3, 4, 50, 60, { site: 1 }), call(5, 6, 50, 60)], {
    sites: [
      { file: '/srv/app.js', line: 9, href: 'report.html#file-0-L9' },
      { file: '/srv/lib.js', line: 3 },
    ],
  });
  assert.equal(describeCall(data, data.calls[0]), 'f: 1.00 s, 50.0 MiB at entry, 60.0 MiB at exit; /srv/app.js:9 (lines: report.html#file-0-L9)');
  assert.equal(describeCall(data, data.calls[1]), 'f: 1.00 s, 50.0 MiB at entry, 60.0 MiB at exit; /srv/lib.js:3');
  assert.equal(describeCall(data, data.calls[2]), 'f: 1.00 s, 50.0 MiB at entry, 60.0 MiB at exit');
  assert.deepEqual(
    data.calls.map((entry) => [callSite(data, entry), callLink(data, entry)]),
    [
      ['/srv/app.js:9', 'report.html#file-0-L9'],
      ['/srv/lib.js:3', undefined],
      [undefined, undefined],
    ],
  );
  // From a recording: the CALL line's file and line.
  const dat = parseDat(`MEM 1.0 1000.0\n${funcLine({ name: 'g', mem0: 1, t0: 1000, mem1: 2, t1: 1001, level: 0, context: { thread: 0, id: 1, parent: 0, file: '/a b.js', line: 7 } })}`);
  const built = buildPlotData([dat]);
  assert.equal(callSite(built, built.calls[0]), '/a b.js:7');
  assert.match(renderSvg(built).svg, /<title>g: 1\.00 s, 1\.0 MiB at entry, 2\.0 MiB at exit; \/a b\.js:7<\/title>/);
});
