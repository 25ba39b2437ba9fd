// `memprof plot`: pictures of real recordings (the seed's service, one process and a 2-worker cluster
// under each flag combination, made by `memprof run`; see fixtures/plot/make-fixtures.sh), checked on
// what they draw: brackets, legend entries, peak, slopes, flame boxes and labels, escaping of
// untrusted text, PNG size; and the command as a user types it, bad input included. The HTML report
// in a real browser is test/plot-browser.test.ts.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDat, type DatFile } from '../src/record/dat';
import { buildPlotData, functionLabel, type PlotData } from '../src/plot/model';
import { renderSvg, type ViewOptions } from '../src/plot/render';
import { escapeXml, formatSeconds } from '../src/plot/svg/format';
import { leastSquares } from '../src/shared/statistics';
import { elide, textWidth } from '../src/plot/svg/text-metrics';
import { htmlPage } from '../src/plot/html';
import { scriptJson } from '../src/plot/page-shell';
import { decodePageData } from '../src/plot/page-data';
import { pngSize, svgToPng } from '../src/plot/png';
import { parseWindow } from '../src/cli/plot-command';
import { FIXTURES, ROOT } from './helpers';

const CLI = join(ROOT, 'dist/src/cli/main.js');
const PLOT = join(FIXTURES, 'plot');

const temporary: string[] = [];
after(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'memprof-plot-'));
  temporary.push(dir);
  return dir;
}

function fixture(name: string): DatFile {
  const path = join(PLOT, name);
  const dat = parseDat(readFileSync(path, 'utf8'), name);
  assert.equal(dat.damaged, 0, `${name} has damaged lines`);
  return dat;
}

function memprof(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const environment: NodeJS.ProcessEnv = { ...process.env, MEMPROF_OUTPUT: '/dev/null', ...env };
  delete environment.NODE_OPTIONS;
  delete environment.MEMPROF_RECORD_FILE;
  return spawnSync(process.execPath, [CLI, ...args], { cwd, env: environment, encoding: 'utf8', timeout: 30_000 });
}

const count = (svg: string, pattern: RegExp): number => svg.match(new RegExp(pattern.source, 'g'))?.length ?? 0;

/** Texts of the elements with a class (the first <text> inside each legend group). */
function legendTexts(svg: string, kind: 'legend-series' | 'legend-function'): string[] {
  const texts: string[] = [];
  for (const match of svg.matchAll(new RegExp(`<g class="${kind}[^"]*"[^>]*>(.*?)</g>`, 'gs'))) {
    const text = /<text[^>]*>([^<]*)<\/text>/.exec(match[1]);
    texts.push(text ? text[1] : '');
  }
  return texts;
}

interface FlameBox {
  call: number;
  x: number;
  y: number;
  w: number;
}

function flameBoxes(svg: string): FlameBox[] {
  return [...svg.matchAll(/<rect class="flame-box" data-call="(\d+)" data-function="\d+" x="([\d.-]+)" y="([\d.-]+)" width="([\d.-]+)"/g)].map((match) => ({
    call: Number(match[1]),
    x: Number(match[2]),
    y: Number(match[3]),
    w: Number(match[4]),
  }));
}

function render(data: PlotData, view: ViewOptions = {}) {
  return renderSvg(data, view);
}

test('the seed service, one process: a bracket at each entry and exit, legend "name duration", peak, title', () => {
  const dat = fixture('service.dat');
  const data = buildPlotData([dat]);
  const calls = dat.funcs.length;
  assert.equal(calls, 12, 'test1, test2 and their delays, 3 requests');
  const { svg, counts } = render(data);
  assert.equal(count(svg, /class="bracket-open"/), calls);
  assert.equal(count(svg, /class="bracket-close"/), calls);
  assert.equal(counts.brackets, 2 * calls);
  // Title: the recorded command.
  assert.match(svg, /class="title"[^>]*>fixtures\/record\/service\.js 0 3 2000000 150 250<\/text>/);
  // Legend: one entry per function, "name duration (n calls)", in the function's colour.
  const functions = legendTexts(svg, 'legend-function');
  assert.equal(functions.length, 3);
  for (const name of ['test1', 'test2', 'delay']) {
    const calls = dat.funcs.filter((call) => call.name === name);
    const total = calls.reduce((sum, call) => sum + call.t1 - call.t0, 0);
    const entry = functions.find((text) => text.startsWith(`${name} `));
    assert.ok(entry, `legend entry for ${name}: ${functions.join(' | ')}`);
    assert.equal(entry, `${name} ${formatSeconds(total)} (${calls.length} calls)`);
  }
  const colors = new Set(data.functions.map((fn) => fn.color));
  assert.equal(colors.size, 3, 'one colour per function');
  // Brackets of a function are drawn in its colour.
  const test1 = data.functions.findIndex((fn) => fn.name === 'test1');
  const group = new RegExp(`<g class="call" data-call="\\d+" data-function="${test1}">.*?stroke="([^"]+)"`).exec(svg);
  assert.equal(group?.[1], data.functions[test1].color);
  // The peak: the highest MEM sample, marked and labelled.
  const peak = Math.max(...dat.mem.map((sample) => sample.mib));
  assert.match(svg, new RegExp(`class="peak-label"[^>]*>peak ${peak.toFixed(1).replace('.', '\\.')} MiB</text>`));
  assert.deepEqual(legendTexts(svg, 'legend-series'), ['MEM']);
  // Times are seconds from the start.
  assert.equal(data.series[0].time[0], 0);
  // --no-function-ts: no brackets (the legend's functions go too).
  const bare = render(data, { functionTs: false });
  assert.equal(count(bare.svg, /class="bracket-(open|close)"/), 0);
  assert.equal(bare.counts.legendFunctions, 0);
  // --title
  assert.match(render(buildPlotData([dat], { title: 'my title & more' })).svg, /class="title"[^>]*>my title &amp; more<\/text>/);
});

test('brackets sit at the memory measured at entry and exit, on the right line', () => {
  const dat = fixture('service.dat');
  const data = buildPlotData([dat]);
  const { svg, layout } = render(data);
  const toX = (t: number) => layout.plot.x + ((t - layout.t0) / (layout.t1 - layout.t0)) * layout.plot.w;
  const toY = (m: number) => layout.plot.y + layout.plot.h - ((m - layout.y0) / (layout.y1 - layout.y0)) * layout.plot.h;
  for (const match of svg.matchAll(/<g class="call" data-call="(\d+)"[^>]*>(.*?)<\/g>/g)) {
    const call = data.calls[Number(match[1])];
    const open = /class="bracket-open" d="M([\d.]+) ([\d.]+)H([\d.]+)V([\d.]+)/.exec(match[2])!;
    const close = /class="bracket-close" d="M([\d.]+) ([\d.]+)H([\d.]+)V([\d.]+)/.exec(match[2])!;
    // `[`: its vertical bar at the entry time, centred on the entry memory; `]` likewise at exit.
    assert.ok(Math.abs(Number(open[3]) - toX(call.entryTime)) < 0.11);
    assert.ok(Math.abs((Number(open[2]) + Number(open[4])) / 2 - toY(call.entryMemory)) < 0.11);
    assert.ok(Math.abs(Number(close[3]) - toX(call.exitTime)) < 0.11);
    assert.ok(Math.abs((Number(close[2]) + Number(close[4])) / 2 - toY(call.exitMemory)) < 0.11);
    assert.ok(Number(open[1]) > Number(open[3]), '[ opens to the right');
    assert.ok(Number(close[1]) < Number(close[3]), '] opens to the left');
  }
});

test('2-worker cluster, each flag combination: child lines by pid, worker brackets on their own line', () => {
  for (const name of ['cluster.dat', 'cluster-C.dat', 'cluster-M.dat', 'cluster-CM.dat']) {
    const dat = fixture(name);
    const data = buildPlotData([dat]);
    const { svg, counts } = render(data, { flame: true });
    const pids = [...new Set(dat.funcs.map((call) => call.pid))];
    assert.equal(pids.length, 2, `${name}: markers from both workers`);
    assert.ok(pids.every((pid) => pid !== undefined), `${name}: the primary profiles nothing`);
    assert.equal(counts.brackets, 2 * dat.funcs.length, name);
    const series = legendTexts(svg, 'legend-series');
    if (name.includes('M')) {
      // -M: one CHLD line per worker, labelled by pid; each worker's calls drawn on its line.
      assert.deepEqual(series, ['MEM', ...[...dat.children.keys()].sort((a, b) => a - b).map((pid) => `child ${pid}`)], name);
      assert.equal(count(svg, /class="series series-child"/), 2, name);
      for (const call of data.calls) assert.equal(data.series[call.series].pid, call.pid, `${name}: call on its child's line`);
      for (const call of data.calls) assert.equal(data.series[call.series].kind, 'child');
    } else {
      // No CHLD lines: each worker's brackets are drawn alone (a dotted line joins them), and said so.
      assert.deepEqual(series, ['MEM', ...pids.sort((a, b) => a! - b!).map((pid) => `pid ${pid} (markers only)`)], name);
      assert.equal(count(svg, /class="markers-line"/), 2, name);
      assert.match(svg, /no memory line \(record with -M\)/);
    }
    // The flame view: one band per worker, labelled by pid, every call a box.
    assert.equal(counts.flameBoxes, dat.funcs.length, name);
    for (const pid of pids) assert.match(svg, new RegExp(`class="band-label"[^>]*>pid ${pid}</text>`), name);
  }
  // -C: MEM is the whole tree; the label says the peak of that total.
  const total = buildPlotData([fixture('cluster-C.dat')]);
  const alone = buildPlotData([fixture('cluster.dat')]);
  assert.ok(Math.max(...total.series[0].memory) > Math.max(...alone.series[0].memory) + 40);
});

test('--flame: calls stacked by level, names elided or left out, never overlapping; rows never overlap', () => {
  const dat = fixture('nested.dat');
  const data = buildPlotData([dat]);
  assert.deepEqual(
    [...new Set(data.calls.map((call) => `${data.functions[call.function].name}:${call.level}`))].sort(),
    ['handle:1', 'parseIncomingRequestPayloadAndValidateEveryField:2', 'serveBatch:0'],
  );
  // A window around the first handle() call: its three parse() calls are wide enough for a label.
  const first = data.calls.find((call) => data.functions[call.function].name === 'handle')!;
  const around: [number, number] = [first.entryTime - 0.005, first.exitTime + 0.005];
  for (const view of [{ flame: true }, { flame: true, window: around }, { flame: true, width: 700 }]) {
    const { svg, counts } = render(data, view);
    const boxes = flameBoxes(svg);
    assert.equal(boxes.length, counts.flameBoxes);
    assert.ok(boxes.length > 0);
    // Boxes in one row never overlap.
    for (const a of boxes) {
      for (const b of boxes) {
        if (a === b || a.y !== b.y) continue;
        assert.ok(a.x + a.w <= b.x + 0.2 || b.x + b.w <= a.x + 0.2, `boxes of calls ${a.call} and ${b.call} overlap`);
      }
    }
    // A label is in its box: it fits the box's width (measured with the font's advance widths) and
    // is clipped to it as well; long names are elided with an ellipsis, or left out when too narrow.
    for (const match of svg.matchAll(/<clipPath id="mp-fc-(\d+)"><rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"[^>]*\/><\/clipPath><text x="([\d.]+)"[^>]*clip-path="url\(#mp-fc-\1\)" font-size="11"[^>]*>([^<]*)<\/text>/g)) {
      const box = boxes.find((candidate) => candidate.call === Number(match[1]))!;
      const label = match[5];
      assert.ok(Number(match[4]) >= box.x && Number(match[4]) + textWidth(label, 11) <= box.x + box.w, `label "${label}" fits its box`);
      const fn = data.functions[data.calls[box.call].function].label;
      assert.ok(label.startsWith(fn) || (label.endsWith('\u2026') && fn.startsWith(label.slice(0, -1))), `label "${label}" of ${fn}`);
    }
    assert.equal(count(svg, /class="flame-label"/), counts.flameLabels);
  }
  // Zoomed in, the long name is shown elided, and the short ones whole with their duration.
  const zoomed = render(data, { flame: true, window: around }).svg;
  assert.match(zoomed, /class="flame-label"[^>]*>parse[A-Za-z]*\u2026<\/text>/);
  assert.match(zoomed, /class="flame-label"[^>]*>handle \d\.\d{3} s<\/text>/);
  // Concurrent calls whose levels collide (async) get rows of their own.
  const concurrent = parseDat(
    'MEM 1 100\nMEM 2 101\nMEM 2 102\nFUNC a 1 100.0 2 100.6 0\nFUNC b 1 100.2 2 100.9 1\nFUNC c 1 100.7 2 101.5 1\nFUNC d 1 100.1 1 100.3\nFUNC e 1 100.2 1 100.25\n',
  );
  const rows = buildPlotData([concurrent]).calls;
  for (const a of rows) {
    for (const b of rows) {
      if (a !== b && a.row === b.row) assert.ok(a.exitTime <= b.entryTime || b.exitTime <= a.entryTime, `rows overlap: ${JSON.stringify([a, b])}`);
    }
  }
});

test('--window: only that time range; --slope: least-squares MiB/s per series', () => {
  const dat = fixture('service.dat');
  const data = buildPlotData([dat]);
  const window: [number, number] = [0.3, 0.9];
  const { svg, layout } = render(data, { window });
  assert.deepEqual([layout.t0, layout.t1], window);
  const inside = (time: number) => time >= window[0] && time <= window[1];
  const expected = data.calls.filter((call) => inside(call.entryTime)).length + data.calls.filter((call) => inside(call.exitTime)).length;
  assert.equal(count(svg, /class="bracket-(open|close)"/), expected);
  assert.match(svg, /window 0\.30 to 0\.90 s/);
  // The peak marked is the peak in the window.
  const peakInWindow = Math.max(...data.series[0].memory.filter((_, i) => inside(data.series[0].time[i])));
  assert.match(svg, new RegExp(`>peak ${peakInWindow.toFixed(1).replace('.', '\\.')} MiB</text>`));

  // A recording that grows exactly 4 MiB/s (main) and shrinks 1.5 MiB/s (child).
  let text = 'CMDLINE linear\n';
  for (let i = 0; i <= 20; i++) text += `MEM ${(10 + 4 * i * 0.1).toFixed(6)} ${(1000 + i * 0.1).toFixed(4)}\nCHLD 9 ${(50 - 1.5 * i * 0.1).toFixed(6)} ${(1000 + i * 0.1).toFixed(4)}\n`;
  const linear = buildPlotData([parseDat(text)]);
  const sloped = render(linear, { slope: true }).svg;
  assert.equal(count(sloped, /class="slope"/), 2);
  assert.match(sloped, /peak 18\.0 MiB, slope \+4\.00 MiB\/s/);
  assert.match(sloped, /peak 50\.0 MiB, slope \u22121\.50 MiB\/s/);
  assert.equal(count(render(linear).svg, /class="slope"/), 0);
  const fit = leastSquares([0, 1, 2, 3], [1, 3, 5, 7])!;
  assert.deepEqual([fit.slope, fit.intercept], [2, 1]);
  assert.deepEqual(parseWindow('1.5,4'), [1.5, 4]);
  assert.deepEqual(parseWindow('-1,2e1'), [-1, 20]);
  for (const bad of ['1', '1,2,3', 'a,b', '4,1', '2,2', ',']) assert.throws(() => parseWindow(bad), /--window/);
});

test('several files are overlaid, each relative to its own start', () => {
  const service = fixture('service.dat');
  const plain = fixture('plain.dat');
  const data = buildPlotData([service, plain]);
  const mems = data.series.filter((series) => series.kind === 'mem');
  assert.equal(mems.length, 2);
  for (const series of mems) assert.equal(series.time[0], 0);
  assert.ok(Math.abs(service.mem[0].time - plain.mem[0].time) > 1, 'recorded at different times');
  const { svg } = render(data);
  assert.deepEqual(legendTexts(svg, 'legend-series'), ['#1 service.dat', '#2 plain.dat']);
  assert.match(svg, /2 recordings overlaid, each from its own start/);
  assert.equal(count(svg, /class="peak-label"/), 2);
  assert.equal(data.title, '2 recordings');
});

test('files written by Python mprof: FUNC lines with or without levels, __main__. prefix dropped', () => {
  const functions = parseDat(readFileSync(join(FIXTURES, 'record', 'mprof-0.61', 'functions.dat'), 'utf8'), 'functions.dat');
  const data = buildPlotData([functions]);
  assert.deepEqual(
    data.functions.map((fn) => fn.label),
    ['inner', 'outer'],
  );
  assert.equal(data.title, '/usr/bin/python3 prog.py');
  assert.equal(functionLabel('__main__.test1'), 'test1');
  assert.equal(functionLabel('Store.save'), 'Store.save');
  const multi = buildPlotData([parseDat(readFileSync(join(FIXTURES, 'record', 'mprof-0.61', 'multiprocess.dat'), 'utf8'))]);
  assert.deepEqual(
    multi.series.map((series) => series.label),
    ['MEM', 'child 5668', 'child 5669'],
  );
  // Old files: FUNC without a level; levels come from nesting.
  const old = buildPlotData([parseDat('MEM 1 10\nMEM 2 11\nFUNC m.outer 1 10.1 2 10.9\nFUNC m.inner 1 10.2 2 10.5\n')]);
  assert.deepEqual(
    old.calls.map((call) => [old.functions[call.function].name, call.level, call.row]),
    [
      ['m.outer', 0, 0],
      ['m.inner', 1, 1],
    ],
  );
});

test('text from the .dat is escaped: command line, function names, file names (SVG, PNG and HTML)', () => {
  const dat = fixture('hostile.dat');
  const data = buildPlotData([dat]);
  const { svg } = render(data, { flame: true });
  for (const raw of ['<script', '<img', '<svg/onload', '</style>', '"><svg', '\u0001']) assert.ok(!svg.includes(raw), `raw ${JSON.stringify(raw)} in the SVG`);
  assert.match(svg, /class="title"[^>]*>node &lt;\/script&gt;&lt;script&gt;window\.__pwned=1&lt;\/script&gt; &amp; &quot;q&quot; &#39;a b&#39; \uFFFD \uFFFD end<\/text>/);
  assert.ok(legendTexts(svg, 'legend-function').some((text) => text.startsWith('&lt;img/src=x/onerror=')));
  assert.ok(legendTexts(svg, 'legend-function').some((text) => text.startsWith('sep\u2028arator&amp;amp;')));
  // resvg parses the SVG as XML: it would throw on a stray `<` or an invalid character.
  assert.ok(pngSize(svgToPng(svg, 1)));
  // The flame view: the recorded process' band first, then the child's.
  assert.deepEqual(
    data.flameGroups.map((group) => group.label),
    ['main', 'pid 77'],
  );
  // The HTML page: the data can never close its <script> element, and the title is escaped.
  const html = htmlPage(data, { flame: true });
  const json = /<script type="application\/json" id="memprof-data">(.*?)<\/script>/s.exec(html)![1];
  assert.ok(!/[<>&\u2028\u2029]/.test(json), 'no < > & or line separators in embedded JSON');
  assert.deepEqual(decodePageData(JSON.parse(json)), JSON.parse(JSON.stringify(data)));
  assert.equal(count(html, /<script/), 3, 'only memprof\'s own script elements');
  assert.match(html, /<title>node &lt;\/script&gt;&lt;script&gt;window\.__pwned=1/);
  assert.equal(scriptJson('</script><!--\u2028'), '"\\u003c/script\\u003e\\u003c!--\\u2028"');
  assert.equal(escapeXml('a\u0000b\uD800c<'), 'a\uFFFDb\uFFFDc&lt;');
  assert.equal(elide('parseIncomingRequest', textWidth('parse', 11) + textWidth('\u2026', 11), 11), 'parse\u2026');
  assert.equal(elide('abc', 1, 11), '');
});

test('the HTML report is self-contained: no address to fetch, a CSP that allows nothing else', () => {
  const html = htmlPage(buildPlotData([fixture('service.dat')]), {});
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; script-src &#39;sha256-[A-Za-z0-9+/=]+&#39;/);
  assert.ok(!/\b(src|href)=/i.test(html.replace(/<svg[\s\S]*?<\/svg>/, '')), 'no src= or href= outside the SVG');
  assert.ok(!/(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}\//i.test(html.replace(/http:\/\/www\.w3\.org\/2000\/svg/g, '')), 'no URL but the SVG namespace');
  assert.ok(!html.includes('sourceMappingURL'));
});

test('PNG: a valid image of the expected size (2 px per SVG unit), flame view taller', () => {
  const data = buildPlotData([fixture('service.dat')]);
  const png = svgToPng(render(data).svg);
  assert.deepEqual(pngSize(png), { width: 2200, height: 1280 });
  const flame = render(data, { flame: true });
  assert.deepEqual(pngSize(svgToPng(flame.svg)), { width: 2 * flame.layout.width, height: 2 * flame.layout.height });
  assert.ok(flame.layout.height > 640);
  assert.equal(pngSize(Buffer.from('not a png')), undefined);
});

test('memprof plot: newest recording by default, HTML next to it, path printed; -o .svg/.png; indexes', () => {
  const cwd = tempDir();
  copyFileSync(join(PLOT, 'plain.dat'), join(cwd, 'mprofile_20240101000000.dat'));
  copyFileSync(join(PLOT, 'service.dat'), join(cwd, 'mprofile_20240102000000.dat'));
  const newest = memprof(['plot'], cwd);
  assert.equal(newest.status, 0, newest.stderr);
  assert.equal(newest.stdout, 'mprofile_20240102000000.html\n');
  assert.equal(newest.stderr, 'memprof: using the newest recording, mprofile_20240102000000.dat\n');
  const html = readFileSync(join(cwd, 'mprofile_20240102000000.html'), 'utf8');
  assert.match(html, /^<!DOCTYPE html>/);
  assert.match(html, /<title>fixtures\/record\/service\.js 0 3 2000000 150 250 - memprof<\/title>/);

  const svg = memprof(['plot', '-o', 'out.svg', '--title', 'Steps', '-n', '--slope', '0'], cwd);
  assert.equal(svg.status, 0, svg.stderr);
  assert.equal(svg.stdout, 'out.svg\n');
  const svgText = readFileSync(join(cwd, 'out.svg'), 'utf8');
  assert.match(svgText, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svgText, /class="title"[^>]*>Steps<\/text>/);
  assert.match(svgText, /slope \+\d+\.\d+ MiB\/s/);

  const png = memprof(['plot', '--flame', '--window', '0.2,1', '-o', join(cwd, 'flame.png'), '-1'], cwd);
  assert.equal(png.status, 0, png.stderr);
  const size = pngSize(readFileSync(join(cwd, 'flame.png')));
  assert.ok(size && size.width === 2200 && size.height > 1280, JSON.stringify(size));

  const both = memprof(['plot', '0', 'mprofile_20240102000000.dat'], cwd);
  assert.equal(both.status, 0, both.stderr);
  assert.equal(both.stdout, 'mprofile_20240101000000-and-1-more.html\n');

  const outside = memprof(['plot', '-w', '100,200', '-o', 'outside.SVG'], cwd);
  assert.equal(outside.status, 0, outside.stderr);
  assert.match(outside.stderr, /^memprof: warning: no sample between 100 and 200 s \(the data spans 0\.00 to \d+\.\d\d s\)$/m);
  assert.match(readFileSync(join(cwd, 'outside.SVG'), 'utf8'), /^<\?xml/);

  const help = memprof(['plot', '--help'], cwd);
  assert.match(help.stdout, /^Usage: memprof plot \[options\] \[<index\|file>\.\.\.\]/);
  assert.match(memprof(['--help'], cwd).stdout, /^ {2}memprof plot \[options\] \[files\.\.\.\]/m);
});

test('memprof plot, bad input: one clear line, non-zero exit, no stack, nothing written', () => {
  const cwd = tempDir();
  const none = memprof(['plot'], cwd);
  assert.equal(none.status, 1);
  assert.equal(none.stderr, 'memprof: no mprofile_*.dat recordings in this directory (make one with `memprof run <command>`)\n');
  writeFileSync(join(cwd, 'empty.dat'), '');
  writeFileSync(join(cwd, 'funcs.dat'), 'CMDLINE x\nFUNC f 1.0 1.0 2.0 2.0 0\n');
  writeFileSync(join(cwd, 'mprofile_20240101000000.dat'), readFileSync(join(PLOT, 'service.dat')));
  const cases: Array<[string[], number, string]> = [
    [['plot', 'empty.dat'], 1, 'memprof: empty.dat is empty: not a memory recording\n'],
    [['plot', 'funcs.dat'], 1, 'memprof: funcs.dat has no MEM samples (it has FUNC lines only): not a memory recording, or one cut short before its first sample\n'],
    [['plot', '3'], 1, 'memprof: no recording with index 3 (there are 1: 0 to 0, or -1 for the newest)\n'],
    [['plot', 'missing.dat'], 1, 'memprof: no such file: missing.dat\n'],
    [['plot', '-o', join(cwd, 'no', 'such', 'dir', 'x.png')], 1, `memprof: cannot write ${join(cwd, 'no', 'such', 'dir', 'x.png')}: no such directory\n`],
    [['plot', '-o', 'empty.dat/x.svg'], 1, 'memprof: cannot write empty.dat/x.svg: a part of the path is not a directory\n'],
    [['plot', '-o', 'x.jpg'], 2, 'memprof: --output must end in .html, .svg or .png; got "x.jpg"\nTry \'memprof plot --help\'.\n'],
    [['plot', '-w', '5,1'], 2, 'memprof: --window must end after it starts; got "5,1"\nTry \'memprof plot --help\'.\n'],
    [['plot', '--bogus'], 2, "memprof: unknown option --bogus\nTry 'memprof plot --help'.\n"],
  ];
  for (const [args, status, stderr] of cases) {
    const run = memprof(args, cwd);
    assert.equal(run.status, status, `${args.join(' ')}: ${run.stderr}`);
    assert.equal(run.stderr.replace(/^memprof: using the newest recording, .*\n/, ''), stderr, args.join(' '));
    assert.equal(run.stdout, '');
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  }
  // A directory that cannot be written (when not root: root writes anywhere).
  if (process.getuid?.() !== 0) {
    const locked = join(cwd, 'locked');
    spawnSync('mkdir', [locked]);
    chmodSync(locked, 0o500);
    const run = memprof(['plot', '-o', join(locked, 'x.html')], cwd);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /cannot write .*x\.html: permission denied\n$/);
  }
  assert.deepEqual(readdirSync(cwd).filter((name) => /\.(png|svg|html)$/.test(name)), [], 'nothing written');
  // Damaged lines: a warning, and the picture all the same.
  writeFileSync(join(cwd, 'damaged.dat'), `${readFileSync(join(PLOT, 'plain.dat'), 'utf8')}MEM 12\n`);
  const damaged = memprof(['plot', '-o', 'd.svg', 'damaged.dat'], cwd);
  assert.equal(damaged.status, 0, damaged.stderr);
  assert.match(damaged.stderr, /^memprof: warning: damaged\.dat: skipped 1 damaged line \(line \d+\)\n$/);
  assert.ok(existsSync(join(cwd, 'd.svg')));
});

test('end to end: memprof run the seed service with markers, then memprof plot it', () => {
  const cwd = tempDir();
  const run = memprof(['run', '--no-status', '-T', '0.02', join(FIXTURES, 'record', 'service.js'), '0', '1', '300000', '40', '60'], cwd);
  assert.equal(run.status, 0, run.stderr);
  const recording = readdirSync(cwd).find((name) => /^mprofile_\d{14}\.dat$/.test(name))!;
  const dat = parseDat(readFileSync(join(cwd, recording), 'utf8'));
  assert.equal(dat.funcs.length, 4, 'test1, test2, two delays');
  const plot = memprof(['plot', '-o', 'service.svg'], cwd);
  assert.equal(plot.status, 0, plot.stderr);
  const svg = readFileSync(join(cwd, 'service.svg'), 'utf8');
  assert.equal(count(svg, /class="bracket-open"/), 4);
  assert.equal(count(svg, /class="bracket-close"/), 4);
  assert.equal(count(svg, /class="legend-function"/), 3);
});

test('memprof plot --report: each call links to its function\'s lines in the annotated-source page of the same run', () => {
  const cwd = tempDir();
  const run = memprof(['run', '--no-status', '--lines', '-T', '0.02', '-o', 'svc.dat', join(FIXTURES, 'record', 'service.js'), '0', '1', '300000', '40', '60'], cwd, {
    MEMPROF_FORMAT: 'json',
    MEMPROF_OUTPUT: join(cwd, 'run.json'),
  });
  assert.equal(run.status, 0, run.stderr);
  mkdirSync(join(cwd, 'pages'));
  const report = memprof(['report', '--html', '-o', 'pages/lines.html', 'run.json'], cwd);
  assert.equal(report.status, 0, report.stderr);
  const plot = memprof(['plot', '--report', 'pages/lines.html', '-o', 'svc.html', 'svc.dat'], cwd);
  assert.equal(plot.status, 0, plot.stderr);
  assert.equal(plot.stderr, '');
  const html = readFileSync(join(cwd, 'svc.html'), 'utf8');
  const data = decodePageData(JSON.parse(/<script type="application\/json" id="memprof-data">(.*?)<\/script>/s.exec(html)![1]));
  const page = readFileSync(join(cwd, 'pages', 'lines.html'), 'utf8');
  assert.equal(data.calls.length, 4);
  for (const call of data.calls) {
    const site = data.sites![call.site!];
    assert.equal(site.file, join(FIXTURES, 'record', 'service.js'));
    const anchor = /^pages\/lines\.html#(file-\d+-L(\d+))$/.exec(site.href ?? '');
    assert.ok(anchor, `${data.functions[call.function].name}: ${site.href}`);
    assert.equal(Number(anchor[2]), site.line);
    // The anchor is the row of that line, in the section of that file.
    assert.ok(page.includes(`<tr id="${anchor[1]}"`), anchor[1]);
    assert.match(page, new RegExp(`<h2 id="${anchor[1].replace(/-L\d+$/, '')}">${site.file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} <small>`));
  }
  // The SVG says where each call's lines are in its tooltips.
  const svg = memprof(['plot', '--report', 'pages/lines.html', '-o', 'svc.svg', 'svc.dat'], cwd);
  assert.equal(svg.status, 0, svg.stderr);
  assert.match(readFileSync(join(cwd, 'svc.svg'), 'utf8'), /<title>test1: [^<]*; [^<]*service\.js:\d+ \(lines: pages\/lines\.html#file-\d+-L\d+\)<\/title>/);
  // A page of another program: no link, and said so. Not a report page, or none: an error, nothing written.
  writeFileSync(join(cwd, 'other.json'), readFileSync(join(cwd, 'run.json'), 'utf8').replaceAll(JSON.stringify(join(FIXTURES, 'record', 'service.js')), '"/elsewhere/app.js"'));
  assert.equal(memprof(['report', '--html', '-o', 'other.html', 'other.json'], cwd).status, 0);
  const unrelated = memprof(['plot', '--report', 'other.html', '-o', 'unrelated.html', 'svc.dat'], cwd);
  assert.equal(unrelated.status, 0, unrelated.stderr);
  assert.match(unrelated.stderr, /^memprof: warning: no call of the recording has its lines in other\.html/);
  const cases: Array<[string[], number, string]> = [
    [['plot', '--report', 'missing.html', '-o', 'x.html', 'svc.dat'], 1, 'memprof: cannot read --report missing.html: no such file\n'],
    [['plot', '--report', 'svc.dat', '-o', 'x.html', 'svc.dat'], 1, 'memprof: svc.dat is not a page of memprof report --html (it has no index of files)\n'],
    [['plot', '--allocations', '--report', 'pages/lines.html', 'svc.dat'], 2, "memprof: --report is for the timeline: --allocations draws flame graphs\nTry 'memprof plot --help'.\n"],
  ];
  for (const [args, status, stderr] of cases) {
    const failed = memprof(args, cwd);
    assert.equal(failed.status, status, `${args.join(' ')}: ${failed.stderr}`);
    assert.equal(failed.stderr, stderr, args.join(' '));
  }
  assert.ok(!existsSync(join(cwd, 'x.html')));
});
