// The HTML report of `memprof plot` as a person sees it: opened from disk in real headless Chromium
// (Debian's `chromium`, driven by playwright-core), checked on what is drawn, with the mouse: hover a
// bracket or a flame box, click legend entries, drag to zoom, tick the options. The pages and the
// screenshots (checked for their size) go to a temporary directory, removed at the end.
//
// Chromium missing: outside CI the test is skipped with the reason; in CI (CI set) it fails, since
// .ci/run installs it.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDat } from '../src/record/dat';
import { buildPlotData } from '../src/plot/model';
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

/** Opens a page, collecting console errors and warnings, page errors and requests for anything but the file. */
async function open(browser: any, path: string) {
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
    if (request.url() !== `file://${path}`) problems.push(`request: ${request.url()}`);
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
