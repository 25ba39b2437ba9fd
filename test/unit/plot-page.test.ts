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

/** Runs the page's script; returns its elements by id, and its window. */
function runPage(html: string) {
  const elements = new Map<string, FakeElement>();
  const byId = (id: string): FakeElement => {
    if (!elements.has(id)) elements.set(id, new FakeElement());
    return elements.get(id)!;
  };
  byId('memprof-data').textContent = between(html, '<script type="application/json" id="memprof-data">', '</script>');
  byId('memprof-view').textContent = between(html, '<script type="application/json" id="memprof-view">', '</script>');
  const window = new FakeElement() as FakeElement & Record<string, unknown>;
  Object.assign(window, { innerWidth: 1280, innerHeight: 900, scrollX: 0, scrollY: 0 });
  const document = {
    getElementById: byId,
    createElement: () => new FakeElement(),
    createTextNode: (text: string) => Object.assign(new FakeElement(), { textContent: text }),
  };
  runInNewContext(between(html, '<script>', '</script>\n</body>'), { document, window });
  return { byId, window };
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
