// The HTML report of `memprof plot` as a person sees it: opened from disk in real headless Chromium
// (Debian's `chromium`, driven by playwright-core), checked on what is drawn, with the mouse: hover a
// bracket or a flame box, click legend entries, drag to zoom, tick the options; the chart as wide as
// the window, again when it is resized; a call's file and line on hover, and a click to its line
// table. The pages and the screenshots (checked for their size) go to a temporary directory, removed
// at the end.
//
// Chromium missing: outside CI the test is skipped with the reason; in CI (CI set) it fails, since
// .ci/run installs it.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDat } from '../src/record/dat';
import { funcLine, measureLine } from '../src/shared/dat-lines';
import { annotate } from '../src/annotate/model';
import { annotatedSourcePage } from '../src/annotate/page';
import type { CallReport } from '../src/reporters/call-report';
import { buildPlotData } from '../src/plot/model';
import { reportLinker } from '../src/plot/report-links';
import { htmlPage } from '../src/plot/html';
import { decodePageData } from '../src/plot/page-data';
import { pngSize } from '../src/plot/png';
import { FIXTURES } from './helpers';

const CHROMIUM = process.env.MEMPROF_CHROMIUM ?? '/usr/bin/chromium';
const IN_CI = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const skip = !HAVE_CHROMIUM && !IN_CI ? `${CHROMIUM} is not installed (apt-get install -y chromium); CI installs it and runs this test` : false;
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// playwright-core's types, loosely: it is a devDependency loaded only here.
/* eslint-disable @typescript-eslint/no-explicit-any */
type Page = any;

function report(dir: string, name: string, view: { flame?: boolean } = {}): { path: string; calls: number } {
  const dat = parseDat(readFileSync(join(FIXTURES, 'plot', name), 'utf8'), name);
  const path = join(dir, name.replace(/\.dat$/, '.html'));
  writeFileSync(path, htmlPage(buildPlotData([dat]), view));
  return { path, calls: dat.funcs.length };
}

/**
 * Two overlapping requests of the seed's service, recorded with CALL lines (test1 at line 14 and its
 * delay at line 9 of /srv/app.js), and an annotated-source page of that file beside the report: the
 * report links each call to its lines there.
 */
function linkedReport(dir: string): { path: string; report: string } {
  const func = (name: string, t0: number, t1: number, id: number, parent: number, line: number) =>
    funcLine({ name, mem0: 40 + id, t0: 1000 + t0, mem1: 60 + id, t1: 1000 + t1, level: parent === 0 ? 0 : 1, context: { thread: 0, id, parent, file: '/srv/app.js', line } });
  const samples = Array.from({ length: 30 }, (_, index) => `MEM ${(40 + index).toFixed(6)} ${(1000 + index / 10).toFixed(4)}\n`).join('');
  const text =
    `CMDLINE node server.js\n${measureLine({ backend: 'rss', scope: 'process' })}${samples}` +
    func('delay', 0.5, 1.2, 2, 1, 9) +
    func('test1', 0.2, 1.3, 1, 0, 14) +
    func('delay', 0.9, 1.9, 4, 3, 9) +
    func('test1', 0.4, 2, 3, 0, 14);
  const lines = (first: number): CallReport['lines'] => [{ line: first + 1, source: 'work()', occurrences: 1, incrementBytes: 1e6, allocatedBytes: 1e6, freedBytes: 0, usageBytes: 0 }];
  const call = (fn: string, firstLine: number): CallReport => ({
    function: fn,
    file: '/srv/app.js',
    firstLine,
    lastLine: firstLine + 4,
    metric: 'heap',
    entryBytes: 0,
    exitBytes: 1e6,
    netBytes: 1e6,
    allocatedBytes: 1e6,
    freedBytes: 0,
    retainedBytes: null,
    allocationExact: true,
    peakBytes: 1e6,
    durationMs: 1,
    threw: false,
    lineLevel: true,
    reentrant: false,
    lines: lines(firstLine),
  });
  const page = annotatedSourcePage(annotate([call('test1', 14), call('delay', 9)]), { title: 'lines', readSource: () => undefined, inputs: ['run.json'] });
  const report = join(dir, 'report.html');
  writeFileSync(report, page);
  const path = join(dir, 'requests.html');
  const data = buildPlotData([parseDat(text, 'requests.dat')], { linkOf: reportLinker(page, 'report.html') });
  writeFileSync(path, htmlPage(data, { flame: true }));
  return { path, report };
}

/** Opens a page, collecting console errors and warnings, page errors and requests for anything but the file. */
async function open(browser: any, path: string, allowed: readonly string[] = []) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page: Page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message: any) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error: Error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', (dialog: any) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('request', (request: any) => {
    if (request.url() !== `file://${path}` && !allowed.includes(request.url())) problems.push(`request: ${request.url()}`);
  });
  await page.goto(`file://${path}`);
  await page.waitForFunction(() => (globalThis as any).memprofPlot !== undefined);
  return { page, problems, close: () => context.close() };
}

const countOf = (page: Page, selector: string): Promise<number> => page.locator(selector).count();

async function screenshot(t: TestContext, page: Page, dir: string, name: string): Promise<void> {
  const file = join(dir, name);
  await page.screenshot({ path: file, fullPage: true });
  const size = pngSize(readFileSync(file));
  assert.ok(size && size.width >= 1100 && size.height > 600, `screenshot ${JSON.stringify(size)}`);
  t.diagnostic(`screenshot ${name}: ${size.width}x${size.height}`);
}

test('the HTML report in headless Chromium: drawn, hover, toggles, zoom; untrusted names stay text', { skip, timeout: 60_000 }, async (t) => {
  if (!HAVE_CHROMIUM) assert.fail(`${CHROMIUM} is missing: CI must install Debian's chromium (apt-get install -y chromium)`);
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const work = mkdtempSync(join(tmpdir(), 'memprof-plot-html-'));
  try {
    await t.test('2-worker cluster (-C -M) with the flame view: everything drawn, no console error, no request', async (t) => {
      const { path, calls } = report(work, 'cluster-CM.dat', { flame: true });
      const { page, problems, close } = await open(browser, path);
      try {
        assert.equal(await countOf(page, '#chart svg .bracket-open'), calls);
        assert.equal(await countOf(page, '#chart svg .bracket-close'), calls);
        assert.equal(await countOf(page, '#chart svg .flame-box'), calls);
        assert.equal(await countOf(page, '#chart svg .series-line'), 3, 'MEM and the two workers');
        assert.equal(await countOf(page, '#chart svg .legend-series'), 3);
        assert.equal(await countOf(page, '#chart svg .legend-function'), 3);
        const legend = await page.locator('#chart svg .legend-series text').allTextContents();
        assert.equal(legend[0], 'MEM');
        assert.match(legend[2], /^child \d+$/);
        assert.ok(await page.locator('#opt-flame').isChecked());
        // Drawn, really: the plot's line has a size on screen.
        const line = await page.locator('#chart svg .series-line').first().boundingBox();
        assert.ok(line && line.width > 500 && line.height > 100, JSON.stringify(line));
        await screenshot(t, page, work, 'cluster-CM-flame.png');

        // Hover a bracket: the tooltip says function, process, duration, memory at entry and exit.
        const bracket = page.locator('#chart svg .call .bracket-open').first();
        const box = (await bracket.boundingBox())!;
        await page.mouse.move(box.x + 1.5, box.y + box.height / 2);
        const tooltip = page.locator('#tooltip');
        await tooltip.waitFor({ state: 'visible' });
        const index = Number(await page.locator('#chart svg .call').first().getAttribute('data-call'));
        const data = decodePageData(await page.evaluate(() => JSON.parse((globalThis as any).document.getElementById('memprof-data').textContent)));
        const call = data.calls[index];
        const text = await tooltip.innerText();
        assert.match(text, new RegExp(`^${data.functions[call.function].name}\\n`));
        assert.match(text, new RegExp(`process\\s*pid ${call.pid}`));
        assert.match(text, /duration\s*\d+\.\d+ s/);
        assert.match(text, new RegExp(`entry\\s*${call.entryMemory.toFixed(1)} MiB at`));
        assert.match(text, new RegExp(`exit\\s*${call.exitMemory.toFixed(1)} MiB at`));
        assert.ok(await page.locator('#hover-span').isVisible(), "the call's time span is shaded");
        await screenshot(t, page, work, 'cluster-CM-hover.png');
        // A flame box too.
        const flameBox = (await page.locator('#chart svg .flame-box').nth(2).boundingBox())!;
        await page.mouse.move(flameBox.x + flameBox.width / 2, flameBox.y + flameBox.height / 2);
        await page.waitForFunction(
          (expected: string) => (globalThis as any).document.getElementById('tooltip').dataset.call === expected,
          await page.locator('#chart svg .flame-box').nth(2).getAttribute('data-call'),
        );
        await page.mouse.move(5, 5);
        await tooltip.waitFor({ state: 'hidden' });
        assert.ok(await page.locator('#hover-span').isHidden());

        // Toggle a series: its line, peak mark and brackets go; click again, they come back.
        const child = data.series[2];
        const childCalls = data.calls.filter((entry: any) => entry.series === child.id).length;
        await page.locator(`#chart svg .legend-series[data-series="${child.id}"]`).click();
        assert.equal(await countOf(page, `#chart svg .series[data-series="${child.id}"]`), 0);
        assert.equal(await countOf(page, '#chart svg .bracket-open'), calls - childCalls);
        assert.equal(await countOf(page, '#chart svg .legend-series.hidden'), 1);
        await page.locator(`#chart svg .legend-series[data-series="${child.id}"]`).click();
        assert.equal(await countOf(page, '#chart svg .bracket-open'), calls);
        // Toggle a function.
        const delay = data.functions.findIndex((fn: any) => fn.name === 'delay');
        const delays = data.calls.filter((entry: any) => entry.function === delay).length;
        await page.locator(`#chart svg .legend-function[data-function="${delay}"]`).click();
        assert.equal(await countOf(page, '#chart svg .bracket-open'), calls - delays);
        assert.equal(await countOf(page, '#chart svg .flame-box'), calls - delays);
        await page.locator(`#chart svg .legend-function[data-function="${delay}"]`).click();

        // Drag across the plot: zoom on that time range.
        const frame = (await page.locator('#chart svg rect.frame').first().boundingBox())!;
        const before = await page.evaluate(() => (globalThis as any).memprofPlot.layout);
        await page.mouse.move(frame.x + frame.width * 0.3, frame.y + frame.height * 0.5);
        await page.mouse.down();
        await page.mouse.move(frame.x + frame.width * 0.45, frame.y + frame.height * 0.6, { steps: 5 });
        assert.ok(await page.locator('#selection').isVisible(), 'the range being selected is shown');
        await page.mouse.up();
        const after = await page.evaluate(() => (globalThis as any).memprofPlot.layout);
        const span = before.t1 - before.t0;
        assert.ok(Math.abs(after.t0 - (before.t0 + 0.3 * span)) < span * 0.01, `zoomed from ${after.t0}`);
        assert.ok(Math.abs(after.t1 - (before.t0 + 0.45 * span)) < span * 0.01, `zoomed to ${after.t1}`);
        assert.match(await page.locator('#range').innerText(), /^zoomed: /);
        const zoomedBrackets = await countOf(page, '#chart svg .bracket-open');
        assert.ok(zoomedBrackets < calls, `${zoomedBrackets} brackets in the zoomed range`);
        assert.ok(await page.locator('#reset').isEnabled());
        await screenshot(t, page, work, 'cluster-CM-zoomed.png');
        await page.mouse.dblclick(frame.x + frame.width * 0.5, frame.y + 10);
        assert.equal(await countOf(page, '#chart svg .bracket-open'), calls);
        assert.ok(await page.locator('#reset').isDisabled());

        // The options: flame view off, slopes on, brackets off.
        await page.locator('#opt-flame').uncheck();
        assert.equal(await countOf(page, '#chart svg .flame-box'), 0);
        await page.locator('#opt-slope').check();
        assert.equal(await countOf(page, '#chart svg .slope'), 3);
        assert.match((await page.locator('#chart svg .legend-series text').allTextContents()).join('\n'), /slope [+\u2212]\d/);
        await page.locator('#opt-function-ts').uncheck();
        assert.equal(await countOf(page, '#chart svg .bracket-open'), 0);
        assert.deepEqual(problems, []);
      } finally {
        await close();
      }
    });

    await t.test("the window's width, on resize too; a call's file:line and caller on hover; a click opens its line table", async (t) => {
      const { path, report } = linkedReport(work);
      const { page, problems, close } = await open(browser, path, [`file://${report}`]);
      try {
        // As wide as the page gives the chart (1280 px less the page's margins), not 1100.
        const width = async () => ({
          chart: await page.evaluate(() => (globalThis as any).document.getElementById('chart').clientWidth),
          svg: (await page.locator('#chart svg').boundingBox())!.width,
          drawn: await page.evaluate(() => (globalThis as any).memprofPlot.layout.width),
        });
        const first = await width();
        assert.ok(first.chart > 1200, JSON.stringify(first));
        assert.equal(first.drawn, first.chart);
        assert.ok(Math.abs(first.svg - first.chart) < 1, JSON.stringify(first));
        assert.doesNotMatch(await page.locator('#range').innerText(), /^-|^zoomed/);
        assert.match(await page.locator('#range').innerText(), /^0\.00 s to /);
        assert.match(await page.locator('#measure').innerText(), /resident set size \(RSS\)/);
        assert.deepEqual(await page.locator('#chart svg .axis-label').allTextContents(), ['time (in seconds)', 'memory used: RSS (in MiB)']);
        await page.setViewportSize({ width: 1700, height: 900 });
        await page.waitForFunction((before: number) => (globalThis as any).memprofPlot.layout.width > before + 300, first.drawn);
        const wider = await width();
        assert.equal(wider.drawn, wider.chart);
        assert.ok(Math.abs(wider.svg - wider.chart) < 1, JSON.stringify(wider));
        await screenshot(t, page, work, 'requests-wide.png');

        // Each delay right above its own test1, in its own lane.
        const data = decodePageData(await page.evaluate(() => JSON.parse((globalThis as any).document.getElementById('memprof-data').textContent)));
        for (const [index, call] of data.calls.entries()) {
          if (data.functions[call.function].name !== 'delay') continue;
          const own = (await page.locator(`#chart svg .flame-box[data-call="${index}"]`).boundingBox())!;
          const caller = (await page.locator(`#chart svg .flame-box[data-call="${call.parent}"]`).boundingBox())!;
          assert.ok(Math.abs(caller.y - own.y - 18) < 1, `delay ${index} right above its test1 (${own.y} vs ${caller.y})`);
          assert.ok(own.x >= caller.x && own.x + own.width <= caller.x + caller.width + 0.5, 'inside its time span');
        }
        // Hover a delay: its file and line, its caller.
        const delay = data.calls.findIndex((call) => data.functions[call.function].name === 'delay');
        const box = (await page.locator(`#chart svg .flame-box[data-call="${delay}"]`).boundingBox())!;
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        const tooltip = page.locator('#tooltip');
        await tooltip.waitFor({ state: 'visible' });
        const text = await tooltip.innerText();
        assert.match(text, /where\s*\/srv\/app\.js:9/);
        assert.match(text, /caller\s*test1/);
        assert.match(text, /measure\s*RSS of the process/);
        assert.match(text, /lines\s*click for its line table/);
        await screenshot(t, page, work, 'requests-hover.png');
        // Click a test1 bracket: the report, at test1's first line.
        const test1 = data.calls.findIndex((call) => data.functions[call.function].name === 'test1');
        const bracket = (await page.locator(`#chart svg .call[data-call="${test1}"] .bracket-open`).boundingBox())!;
        await page.mouse.click(bracket.x + 1.5, bracket.y + bracket.height / 2);
        await page.waitForURL(`file://${report}#file-0-L14`);
        assert.ok(await page.locator('#file-0-L14').isVisible(), "the line's row is there");
        assert.deepEqual(problems, []);
      } finally {
        await close();
      }
    });

    await t.test('untrusted command line and function names: shown as text, nothing runs', async (t) => {
      const { path, calls } = report(work, 'hostile.dat', { flame: true });
      const { page, problems, close } = await open(browser, path);
      try {
        assert.equal(await page.evaluate(() => (globalThis as any).__pwned), undefined);
        assert.equal(await countOf(page, 'img'), 0);
        assert.equal(await countOf(page, 'script'), 3);
        assert.match(await page.title(), /^node <\/script><script>window\.__pwned=1<\/script> & "q" 'a b'/);
        assert.equal(await countOf(page, '#chart svg .bracket-open'), calls);
        const names = await page.locator('#chart svg .legend-function text').allTextContents();
        assert.ok(names.some((name: string) => name.startsWith('<img/src=x/onerror=')), names.join(' | '));
        // Hover the call of `<img/src=x/onerror=...>`: its name, whole, as text in the tooltip.
        const box = (await page.locator('#chart svg .call[data-function="0"] .bracket-open').boundingBox())!;
        await page.mouse.move(box.x + 1.5, box.y + box.height / 2);
        await page.locator('#tooltip').waitFor({ state: 'visible' });
        assert.match(await page.locator('#tooltip .tt-name').innerText(), /^<img\/src=x\/onerror=window\.__pwned=2>$/);
        // Re-render (toggles) and check again: still nothing ran.
        await page.locator('#opt-flame').uncheck();
        await page.locator('#opt-flame').check();
        assert.equal(await page.evaluate(() => (globalThis as any).__pwned), undefined);
        await screenshot(t, page, work, 'hostile.png');
        assert.deepEqual(problems, []);
      } finally {
        await close();
      }
    });
  } finally {
    await browser.close();
    rmSync(work, { recursive: true, force: true });
  }
});
