// The HTML report's page in process: its stylesheet (src/plot/assets/report.css) and the CSP hashes,
// and its script, run in a node:vm context with just the DOM it touches: the modules are all bundled
// and found, the first drawing is the SVG the page carries, and hover, legend clicks and options
// redraw. The page in a real browser is test/plot-browser.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { parseDat } from '../../src/record/dat';
import { funcLine, measureLine } from '../../src/shared/dat-lines';
import { buildPlotData, type PlotData } from '../../src/plot/model';
import { htmlPage } from '../../src/plot/html';
import { renderSvg } from '../../src/plot/render';
import { FONT_FAMILY } from '../../src/plot/svg/text-metrics';
import { FIXTURES, ROOT } from '../helpers';

const between = (html: string, open: string, close: string): string => {
  const start = html.indexOf(open);
  assert.ok(start >= 0, `${open} in the page`);
  return html.slice(start + open.length, html.indexOf(close, start + open.length));
};
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('base64');

function report(name: string, view = {}): { data: PlotData; html: string } {
  const data = buildPlotData([parseDat(readFileSync(join(FIXTURES, 'plot', name), 'utf8'), name)]);
  return { data, html: htmlPage(data, view) };
}

/** An element as the page script uses it: properties it sets, listeners it adds, children it appends. */
class FakeElement {
  style: Record<string, string> = {};
  dataset: Record<string, string> = {};
  hidden = false;
  checked = false;
  disabled = false;
  className = '';
  textContent = '';
  children: FakeElement[] = [];
  listeners = new Map<string, Array<(event: unknown) => void>>();
  drawings: string[] = [];
  offsetWidth = 120;
  offsetHeight = 60;
  set innerHTML(markup: string) {
    this.drawings.push(markup);
  }
  addEventListener(type: string, listener: (event: unknown) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  fire(type: string, event: unknown = {}): void {
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
  querySelector(): { getBoundingClientRect(): object } {
    return this;
  }
  getBoundingClientRect() {
    return { left: 0, top: 0, width: 1100, height: 640 };
  }
  replaceChildren(): void {
    this.children = [];
  }
  append(...children: FakeElement[]): void {
    this.children.push(...children);
  }
}

/** Runs the page's script (the chart `chartWidth` wide, when given); returns its elements by id, and its window. */
function runPage(html: string, chartWidth?: number) {
  const elements = new Map<string, FakeElement>();
  const byId = (id: string): FakeElement => {
    if (!elements.has(id)) elements.set(id, new FakeElement());
    return elements.get(id)!;
  };
  if (chartWidth !== undefined) Object.assign(byId('chart'), { clientWidth: chartWidth });
  byId('memprof-data').textContent = between(html, '<script type="application/json" id="memprof-data">', '</script>');
  byId('memprof-view').textContent = between(html, '<script type="application/json" id="memprof-view">', '</script>');
  const window = new FakeElement() as FakeElement & Record<string, unknown>;
  const visited: string[] = [];
  Object.assign(window, { innerWidth: 1280, innerHeight: 900, scrollX: 0, scrollY: 0, location: { assign: (url: string) => visited.push(url) } });
  const document = {
    getElementById: byId,
    createElement: () => new FakeElement(),
    createTextNode: (text: string) => Object.assign(new FakeElement(), { textContent: text }),
  };
  runInNewContext(between(html, '<script>', '</script>\n</body>'), { document, window });
  return { byId, window, visited };
}

/** What the event handlers look for in `event.target.closest(selector)`. */
const target = (selector: string, attribute: string) => ({
  closest: (wanted: string) => (wanted === selector ? { getAttribute: () => attribute } : null),
});

test('the stylesheet is report.css without its comment, allowed by its hash; the script by its own', () => {
  const { html } = report('service.dat');
  const style = between(html, '<style>', '</style>');
  const file = readFileSync(join(ROOT, 'src/plot/assets/report.css'), 'utf8');
  assert.ok(file.startsWith('/*'), 'the file explains itself');
  assert.equal(style, `\n${file.slice(file.indexOf('*/\n') + 3)}`);
  assert.ok(!style.includes('/*'));
  assert.match(style, /^body \{[^}]*font: 14px ([^;]+);/m);
  assert.equal(/^body \{[^}]*font: 14px ([^;]+);/m.exec(style)![1], FONT_FAMILY, 'the page uses the font text is measured in');
  const csp = between(html, '<meta http-equiv="Content-Security-Policy" content="', '">').replace(/&#39;/g, "'");
  assert.ok(csp.includes(`style-src 'sha256-${sha256(style)}'`), csp);
  assert.ok(csp.includes(`script-src 'sha256-${sha256(between(html, '<script>', '</script>\n</body>'))}'`), csp);
});

test('the page script draws what the page carries, and redraws on hover, legend clicks and options', () => {
  const { data, html } = report('cluster-CM.dat', { flame: true });
  const { byId, window } = runPage(html);
  const chart = byId('chart');
  assert.equal(chart.drawings.length, 1);
  assert.equal(chart.drawings[0], between(html, '<div id="chart">', '</div>\n<div id="hover-span"'));
  const plot = window.memprofPlot as { counts: { brackets: number; flameBoxes: number }; state: { hiddenSeries: number[] } };
  assert.equal(plot.counts.brackets, 2 * data.calls.length);
  assert.equal(plot.counts.flameBoxes, data.calls.length);

  // Hover a call: the tooltip, as text rows.
  const index = 3;
  const call = data.calls[index];
  chart.fire('mousemove', { clientX: 10, clientY: 10, target: target('[data-call]', String(index)) });
  const tooltip = byId('tooltip');
  assert.equal(tooltip.hidden, false);
  const rows = tooltip.children.map((row) => (row.children.length > 0 ? row.children.map((part) => part.textContent).join('') : row.textContent));
  assert.equal(rows[0], data.functions[call.function].name);
  assert.equal(rows[1], `process${call.pid === undefined ? 'main' : `pid ${call.pid}`}`);
  assert.match(rows[3], new RegExp(`^entry${call.entryMemory.toFixed(1)} MiB at `));
  assert.match(rows[4], new RegExp(`^exit${call.exitMemory.toFixed(1)} MiB at `));
  assert.equal(tooltip.dataset.call, String(index));

  // Click the second series' legend entry: redrawn without it, as renderSvg draws that view.
  chart.fire('click', { target: target('.legend-series', '1') });
  assert.equal(chart.drawings.length, 2);
  assert.deepEqual([...(window.memprofPlot as typeof plot).state.hiddenSeries], [1], "the page's own state (an array of the vm's realm)");
  const view = { flame: true, interactive: true, window: null, functionTs: true, slope: false, hiddenSeries: [1], hiddenFunctions: [] };
  assert.equal(chart.drawings[1], renderSvg(data, view).svg);
  // Tick slopes on.
  byId('opt-slope').checked = true;
  byId('opt-slope').fire('change');
  assert.equal(chart.drawings[2], renderSvg(data, { ...view, slope: true }).svg);
  assert.match(chart.drawings[2], /class="slope"/);
});

test('the page script: the chart as wide as the page gives it, again on resize; file, line, caller and measure on hover; a click opens the line table', () => {
  const func = (name: string, t0: number, t1: number, id: number, parent: number, line: number) =>
    funcLine({ name, mem0: 50, t0: 1000 + t0, mem1: 60, t1: 1000 + t1, level: parent === 0 ? 0 : 1, context: { thread: 0, id, parent, file: '/srv/app.js', line } });
  const text = `CMDLINE node app.js\n${measureLine({ backend: 'rss', scope: 'tree' })}MEM 40.0 1000.0\nMEM 70.0 1002.0\n${func('delay', 0.5, 1, 2, 1, 9)}${func('test1', 0.2, 1.2, 1, 0, 14)}`;
  const data = buildPlotData([parseDat(text, 'calls.dat')], { linkOf: (file, line) => (line === 14 ? `report.html#file-0-L${line}` : undefined) });
  const html = htmlPage(data, { flame: true });
  assert.match(html, /<p id="measure">The lines and brackets show memory as the recorder sampled it: the process&#39; resident set size \(RSS\)/);
  assert.match(html, /click it for its line table\.<\/span>/);
  const { byId, window, visited } = runPage(html, 1500);
  const chart = byId('chart');
  const plot = () => window.memprofPlot as { layout: { width: number } };
  assert.equal(plot().layout.width, 1500, 'as wide as the chart');
  assert.equal(chart.drawings[0], renderSvg(data, { flame: true, interactive: true, window: null, functionTs: true, slope: false, hiddenSeries: [], hiddenFunctions: [], width: 1500 }).svg);
  assert.match(byId('range').textContent, /^0\.00 s to 2\.00 s$/, 'from 0, not from the padding before it');
  // Resized: drawn again at the new width; the same width, not drawn again.
  Object.assign(chart, { clientWidth: 900 });
  window.fire('resize');
  assert.equal(plot().layout.width, 900);
  assert.equal(chart.drawings.length, 2);
  window.fire('resize');
  assert.equal(chart.drawings.length, 2);
  // Narrower than a legend and a plot need: drawn at the least width (the page scales it down).
  Object.assign(chart, { clientWidth: 300 });
  window.fire('resize');
  assert.equal(plot().layout.width, 760);

  // Hover the delay: its caller, file and line, what its memory is, and that a click goes nowhere (no table linked).
  const delay = data.calls.findIndex((call) => data.functions[call.function].name === 'delay');
  const test1 = data.calls.findIndex((call) => data.functions[call.function].name === 'test1');
  const tooltip = byId('tooltip');
  const rows = () => tooltip.children.map((row) => (row.children.length > 0 ? row.children.map((part) => part.textContent).join('') : row.textContent));
  chart.fire('mousemove', { clientX: 10, clientY: 10, target: target('[data-call]', String(delay)) });
  assert.deepEqual(rows().slice(7), ['callertest1', 'where/srv/app.js:9', 'measureRSS of the process and its children']);
  chart.fire('click', { target: target('[data-call]', String(delay)) });
  assert.deepEqual(visited, []);
  // test1 has its line table: the tooltip says so, a click opens it.
  chart.fire('mousemove', { clientX: 10, clientY: 10, target: target('[data-call]', String(test1)) });
  assert.deepEqual(rows().slice(7), ['where/srv/app.js:14', 'measureRSS of the process and its children', 'linesclick for its line table']);
  assert.equal(chart.style.cursor, 'pointer');
  chart.fire('click', { target: target('[data-call]', String(test1)) });
  assert.deepEqual(visited, ['report.html#file-0-L14']);
});
