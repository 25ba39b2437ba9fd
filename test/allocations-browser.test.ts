// The flame graph report of `memprof plot --allocations` as a person sees it: opened from disk in
// real headless Chromium (Debian's `chromium`, driven by playwright-core), with the mouse and the
// keyboard: hover a box, click to zoom and back, search, fold packages, icicle view, another profile.
// Built from scripted profiles (one with hostile names); the pages go to a temporary folder.
//
// Chromium missing: outside CI the test is skipped with the reason; in CI (CI set) it fails, since
// .ci/run installs it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AllocationProfile } from '../src/allocations/profile-files';
import type { Frame } from '../src/allocations/frames';
import { buildAllocationData } from '../src/plot/allocations/data';
import { allocationsPage } from '../src/plot/allocations/page';
import { pngSize } from '../src/plot/png';

const CHROMIUM = process.env.MEMPROF_CHROMIUM ?? '/usr/bin/chromium';
const IN_CI = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const skip = !HAVE_CHROMIUM && !IN_CI ? `${CHROMIUM} is not installed (apt-get install -y chromium); CI installs it and runs this test` : false;
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/* eslint-disable @typescript-eslint/no-explicit-any */

const frame = (name: string, file: string, line: number, extra: Partial<Frame> = {}): Frame => ({ name, file, line, column: 1, kind: 'program', ...extra });

/** A service's profile: handle -> express (3 frames) -> respond, handle -> <hostile name>, and a worker's. */
function profiles(): AllocationProfile[] {
  const express = (name: string, line: number) => frame(name, `/srv/node_modules/express/lib/${name}.js`, line, { kind: 'package', package: 'express' });
  const frames = [
    frame('(root)', '', 0, { kind: 'v8' }),
    frame('handle', '/srv/app.js', 10),
    express('router', 5),
    express('layer', 9),
    express('next', 30),
    frame('respond', '/srv/app.js', 20),
    frame('<img src=x onerror="window.__pwned=1">', '/srv/hostile.js', 1),
  ];
  const chain = (parents: number[], bytes: number[]) => parents.map((parent, index) => ({ frame: index, parent, selfBytes: bytes[index], selfSamples: bytes[index] > 0 ? 1 : 0 }));
  const main: AllocationProfile = {
    path: '/r/pid-10.heapprofile',
    meta: { format: 1, pid: 10, ppid: 1, threadId: 0, argv: ['/usr/bin/node', '/srv/app.js'], node: 'v20', kind: 'allocated', samplingInterval: 32768, reason: 'exit', startedAt: 0, writtenAt: 5000 },
    frames,
    nodes: chain([-1, 0, 1, 2, 3, 4, 0], [0, 2 << 20, 0, 1 << 20, 0, 24 << 20, 3 << 20]),
    totalBytes: 30 << 20,
    totalSamples: 4,
  };
  const worker: AllocationProfile = {
    ...main,
    path: '/r/pid-10-thread-1.heapprofile',
    meta: { ...main.meta, threadId: 1, kind: 'live' },
    frames: [frame('(root)', '', 0, { kind: 'v8' }), frame('crunch', '/srv/worker.js', 3)],
    nodes: chain([-1, 0], [0, 5 << 20]),
    totalBytes: 5 << 20,
  };
  return [main, worker];
}

test('the flame graph report in headless Chromium: hover, click to zoom, search, fold, icicle, profiles; hostile names stay text', { skip, timeout: 60_000 }, async (t) => {
  if (!HAVE_CHROMIUM) assert.fail(`${CHROMIUM} is missing: CI must install Debian's chromium (apt-get install -y chromium)`);
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const work = mkdtempSync(join(tmpdir(), 'memprof-allocations-html-'));
  try {
    const path = join(work, 'allocations.html');
    writeFileSync(path, allocationsPage(buildAllocationData(profiles(), ''), {}));
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message: any) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error: Error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request: any) => {
      if (request.url() !== `file://${path}`) problems.push(`request: ${request.url()}`);
    });
    await page.goto(`file://${path}`);
    await page.waitForFunction(() => (globalThis as any).memprofFlame !== undefined);
    const flame = () => page.evaluate(() => (globalThis as any).memprofFlame);
    const box = (name: string) => page.locator('#chart .frame', { hasText: name }).first();

    // Drawn, really: all seven boxes, the widest as wide as the chart, the root at the bottom.
    assert.equal(await page.locator('#chart .frame').count(), 7);
    const all = (await box('all').boundingBox())!;
    const handle = (await box('handle').boundingBox())!;
    assert.ok(all.width > 1150, JSON.stringify(all));
    assert.ok(handle.y < all.y, 'flame: callees above their callers');
    assert.ok(Math.abs(handle.width / all.width - 27 / 30) < 0.01, `handle is 27 of 30 MiB: ${handle.width} of ${all.width}`);
    assert.equal(await page.evaluate(() => (globalThis as any).__pwned), undefined);
    assert.equal(await page.locator('img').count(), 0);
    const shot = join(work, 'flame.png');
    await page.screenshot({ path: shot, fullPage: true });
    const size = pngSize(require('node:fs').readFileSync(shot));
    assert.ok(size && size.width >= 1200, JSON.stringify(size));
    t.diagnostic(`screenshot ${size!.width}x${size!.height}`);

    // Hover: the tooltip names the function, where it is, its share.
    const respond = (await box('respond').boundingBox())!;
    await page.mouse.move(respond.x + respond.width / 2, respond.y + respond.height / 2);
    const tooltip = page.locator('#tooltip');
    await tooltip.waitFor({ state: 'visible' });
    const text = await tooltip.innerText();
    assert.match(text, /^respond\n/);
    assert.match(text, /where\s*\/srv\/app\.js:20/);
    assert.match(text, /total\s*24\.0 MiB \(80%\)/);
    // The hostile name, whole, as text.
    const hostile = (await page.locator('#chart .frame[data-node="6"]').boundingBox())!;
    await page.mouse.move(hostile.x + hostile.width / 2, hostile.y + hostile.height / 2);
    await page.waitForFunction(() => (globalThis as any).document.getElementById('tooltip').dataset.node === '6');
    assert.equal(await page.locator('#tooltip .tt-name').innerText(), '<img src=x onerror="window.__pwned=1">');
    await page.mouse.move(2, 2);
    await tooltip.waitFor({ state: 'hidden' });

    // Click to zoom on router: it spans the chart, the hostile box is gone, its callers stay, dimmed.
    await box('router').click();
    let state = await flame();
    assert.equal(state.state.focus, 2);
    assert.equal(state.focusBytes, 25 << 20);
    assert.equal(await page.locator('#chart .frame', { hasText: 'onerror' }).count(), 0);
    assert.equal(await page.locator('#chart .frame.ancestor').count(), 2);
    assert.ok(((await box('router').boundingBox())!.width) > 1150);
    assert.ok(await page.locator('#reset').isEnabled());
    // Click "all" to go back.
    await box('all').click();
    assert.equal((await flame()).state.focus, undefined);
    assert.equal(await page.locator('#chart .frame').count(), 7);
    assert.ok(await page.locator('#reset').isDisabled());
    // Zoom again, Reset zoom.
    await box('layer').click();
    assert.equal((await flame()).state.focus, 3);
    await page.locator('#reset').click();
    assert.equal((await flame()).state.focus, undefined);

    // Search: the matching boxes lit, the share of the bytes under them.
    await page.locator('#search').fill('express');
    state = await flame();
    assert.equal(state.matches, 3);
    assert.equal(state.matchedBytes, 25 << 20);
    assert.equal(await page.locator('#chart .frame.match').count(), 3);
    assert.equal(await page.locator('#matched').innerText(), 'matched: 25.0 MiB (83%) in 3 boxes');
    await page.locator('#search').fill('');
    assert.equal(await page.locator('#chart .frame.match').count(), 0);
    assert.equal(await page.locator('#matched').innerText(), '');

    // Fold packages: express's three frames are one box.
    await page.locator('#opt-fold').check();
    assert.equal(await page.locator('#chart .frame').count(), 5);
    assert.equal(await page.locator('#chart .frame', { hasText: 'express' }).count(), 1);
    await page.locator('#opt-fold').uncheck();

    // Icicle: the root at the top.
    await page.locator('#opt-inverted').check();
    assert.ok((await box('handle').boundingBox())!.y > (await box('all').boundingBox())!.y);

    // The worker's profile, still live.
    await page.locator('#profile').selectOption('1');
    assert.match((await page.locator('#chart .section-title').textContent()) ?? '', /^pid 10 worker thread 1: still live, at exit/);
    assert.equal(await page.locator('#chart .frame').count(), 2);
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await browser.close();
    rmSync(work, { recursive: true, force: true });
  }
});
