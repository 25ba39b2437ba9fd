// The seed's service scenario end to end: the HTTP service of fixtures/service, alone and as a
// 2-worker cluster, recorded by `memprof run` with each flag combination while requests are sent over
// loopback; then the recording and the per-call tables are checked as a user would look at them, and
// the flame view of overlapping requests: each call drawn over its own request's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { get } from 'node:http';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readDat, type DatFile, type FuncRecord } from '../src/record/dat';
import { buildPlotData } from '../src/plot/model';
import { FIXTURES, ROOT, parseTables, type ParsedTable } from './helpers';
import { tempDirs } from './temp-dirs';

const CLI = join(ROOT, 'dist/src/cli/main.js');
const tempDir = tempDirs('memprof-service-');
const ELEMENTS = 1_000_000; // the seed's 4,096,000 takes seconds per request; the shape is the same
const ARRAY_MIB = (ELEMENTS * 8) / 2 ** 20;

interface Session {
  /** The recording's path. */
  file: string;
  dat: DatFile;
  stdout: string;
  stderr: string;
  status: number | null;
  responses: string[];
}

function request(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/test', timeout: 30_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve(body.trim()));
    }).on('error', reject);
  });
}

/**
 * Starts the service under `memprof run --lines` (markers and per-call tables), sends the requests
 * (rounds of concurrent ones), stops it.
 */
async function recordService(script: string, flags: string[], rounds: number[]): Promise<Session> {
  const output = join(tempDir(), 'service.dat');
  const child = spawn(process.execPath, [CLI, 'run', '--lines', ...flags, '-o', output, 'node', join(FIXTURES, 'service', script)], {
    env: { ...process.env, NODE_OPTIONS: '', PORT: '0', SERVICE_ELEMENTS: String(ELEMENTS) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the service did not start:\n${stdout}\n${stderr}`)), 20_000);
    const look = () => {
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout.on('data', look);
  });
  const responses: string[] = [];
  for (const concurrent of rounds) {
    responses.push(...(await Promise.all(Array.from({ length: concurrent }, () => request(port)))));
  }
  child.kill('SIGINT');
  const status = await exited;
  return { file: output, dat: readDat(output), stdout, stderr, status, responses };
}

/** `memprof plot` of the recording, as SVG: the picture a user would look at. */
function plotSvg(session: Session, ...flags: string[]): string {
  const svg = session.file.replace(/\.dat$/, '.svg');
  const plot = spawnSync(process.execPath, [CLI, 'plot', ...flags, '-o', svg, session.file], { encoding: 'utf8' });
  assert.equal(plot.status, 0, plot.stderr);
  return readFileSync(svg, 'utf8');
}

function count(text: string, pattern: RegExp): number {
  return text.match(new RegExp(pattern.source, 'g'))?.length ?? 0;
}

/**
 * The recorded calls have their brackets. The plot draws brackets that would land on the same pixels
 * once (two workers' calls can start together at the same memory), so the count can be lower.
 */
function assertBrackets(svg: string, dat: DatFile): void {
  for (const kind of ['open', 'close']) {
    const drawn = count(svg, new RegExp(`class="bracket-${kind}"`));
    assert.ok(drawn >= dat.funcs.length / 2 && drawn <= dat.funcs.length, `${drawn} ${kind} brackets for ${dat.funcs.length} calls`);
  }
  for (const name of new Set(dat.funcs.map((func) => func.name))) assert.match(svg, new RegExp(`>${name} `));
}

function funcsNamed(dat: DatFile, name: string): FuncRecord[] {
  return dat.funcs.filter((func) => func.name === name);
}

function tablesOf(stdout: string, name: string): ParsedTable[] {
  return parseTables(stdout).filter((table) => table.footer.startsWith(`${name}: `));
}

function assertCleanTestTable(table: ParsedTable): void {
  // While this call waits in `await delay(...)`, the concurrent request allocates three arrays: none
  // of that may be charged here. (The allocating lines themselves move with V8's collections, which
  // free earlier requests' garbage at any time, so they are only bounded by what a call can allocate.)
  const wait = table.rows.find((row) => row.contents.includes('await delay('));
  assert.ok(wait && Math.abs(wait.incrementMiB ?? 99) < 1, `await line: ${JSON.stringify(wait)}`);
  for (const row of table.rows) {
    // Growing the third array by push() copies its backing store as it grows: about 3x its size.
    assert.ok((row.incrementMiB ?? 0) < 4 * ARRAY_MIB, `line ${row.line} charged ${row.incrementMiB} MiB`);
  }
  const net = Number(/net \+?(-?[\d.]+) MiB/.exec(table.footer)?.[1]);
  assert.ok(net < 6 * ARRAY_MIB, `net ${net} MiB`);
}

test('one process: brackets for test1, test2 and delay at the right nesting, and a table per call', { timeout: 90_000 }, async () => {
  const session = await recordService('server.js', [], [1, 2]);
  assert.equal(session.status, 0, session.stderr);
  assert.equal(session.responses.length, 3);
  for (const response of session.responses) assert.match(response, new RegExp(`^ok \\d+ ${2 * ELEMENTS}$`));
  const { dat } = session;
  assert.ok(dat.mem.length >= 10, `${dat.mem.length} samples`);
  assert.equal(funcsNamed(dat, 'test1').length, 3);
  assert.equal(funcsNamed(dat, 'test2').length, 3);
  assert.equal(funcsNamed(dat, 'delay').length, 6);
  // The first, lone request: test1 and test2 at level 0, each with its delay inside at level 1.
  const first = funcsNamed(dat, 'test1')[0];
  assert.equal(first.level, 0);
  const nested = dat.funcs.find((func) => func.name === 'delay' && func.t0 >= first.t0 && func.t1 <= first.t1);
  assert.ok(nested, 'a delay inside the first test1');
  assert.equal(nested.level, 1);
  assert.ok(nested.t1 - nested.t0 >= 0.29, `delay(300) lasted ${nested.t1 - nested.t0} s`);
  assert.ok(dat.funcs.every((func) => func.pid === undefined), 'one process: FUNC lines only');
  // Tables, including the two concurrent requests: each call's own allocations only.
  const tables = tablesOf(session.stdout, 'test1');
  assert.equal(tables.length, 3);
  for (const table of [...tables, ...tablesOf(session.stdout, 'test2')]) assertCleanTestTable(table);
  assert.match(session.stderr, /memprof: \d+ samples .* in .*service\.dat/);
  // The plot: a bracket at each call's entry and exit, and the three functions in the legend.
  // (Brackets that would land on the same pixel are drawn once: concurrent delays can coincide.)
  const svg = plotSvg(session, '--flame');
  assertBrackets(svg, dat);
  for (const name of ['test1', 'test2', 'delay']) assert.match(svg, new RegExp(`>${name}[^<]*\\d+(\\.\\d+)? s`));
});

/** The flame boxes of an SVG by call index: x, y, width. */
function flameBoxes(svg: string): Map<number, { x: number; y: number; w: number }> {
  const boxes = new Map<number, { x: number; y: number; w: number }>();
  for (const match of svg.matchAll(/<rect class="flame-box" data-call="(\d+)" data-function="\d+" x="([\d.-]+)" y="([\d.-]+)" width="([\d.-]+)"/g)) {
    boxes.set(Number(match[1]), { x: Number(match[2]), y: Number(match[3]), w: Number(match[4]) });
  }
  return boxes;
}

test('4 overlapping requests: each delay is drawn over its own request\'s test1 or test2, overlapping requests in lanes of their own', { timeout: 90_000 }, async () => {
  const session = await recordService('server.js', [], [4]);
  assert.equal(session.status, 0, session.stderr);
  assert.equal(session.responses.length, 4);
  const { dat } = session;
  assert.deepEqual(dat.measure, { backend: 'rss', scope: 'process' }, 'the MEASURE line');
  assert.deepEqual(
    ['test1', 'test2', 'delay'].map((name) => funcsNamed(dat, name).length),
    [4, 4, 8],
  );
  // Every call says who it is, where its function is, and who called it.
  const app = join(FIXTURES, 'service', 'app.js');
  for (const func of dat.funcs) {
    assert.ok(func.context, `${func.name} has its CALL line`);
    assert.equal(func.context.file, app);
    assert.equal(func.context.line, { delay: 9, test1: 14, test2: 24 }[func.name]);
  }
  const byId = new Map(dat.funcs.map((func) => [func.context!.id, func]));
  const tests = dat.funcs.filter((func) => func.name !== 'delay');
  // The requests overlap: some delay started while other requests' tests were running too (where
  // nesting under "whatever call was open" put it over another request's).
  const crowded = funcsNamed(dat, 'delay').filter((delay) => tests.filter((test) => test.t0 <= delay.t0 && delay.t0 <= test.t1).length >= 2);
  assert.ok(crowded.length >= 2, `${crowded.length} delays started among other requests' calls`);
  for (const delay of funcsNamed(dat, 'delay')) {
    const caller = byId.get(delay.context!.parent);
    assert.ok(caller && caller.name !== 'delay', `the delay of ${delay.t0} has a test1 or test2 for caller`);
    assert.equal(delay.level, 1);
    assert.ok(caller.t0 <= delay.t0 && delay.t1 <= caller.t1, 'inside its caller');
    // Its own request's: the caller awaits it, so it ends right after it, before any other test
    // running then ends (microtasks run before the next timer fires).
    const containing = tests.filter((test) => test.t0 <= delay.t0 && delay.t1 <= test.t1);
    for (const other of containing) assert.ok(caller.t1 <= other.t1, `a test that ended before ${caller.name} at ${other.t1} s`);
  }
  assert.ok(tests.every((test) => test.context!.parent === 0 && test.level === 0), 'the handlers are outermost');

  // The flame view: every delay's box right above its caller's, inside its time span; each request's
  // test1 in a lane of its own (they all overlap).
  const data = buildPlotData([dat]);
  const at = (seconds: number) => Math.round((seconds - data.files[0].start) * 1e4) / 1e4;
  const svg = plotSvg(session, '--flame');
  const boxes = flameBoxes(svg);
  assert.equal(boxes.size, dat.funcs.length);
  data.calls.forEach((call, index) => {
    if (data.functions[call.function].name !== 'delay') return;
    // The caller the plot found is the one the timings above vouch for.
    const record = funcsNamed(dat, 'delay').find((func) => at(func.t0) === call.entryTime)!;
    const expected = byId.get(record.context!.parent)!;
    assert.ok(call.parent !== undefined, 'linked to its caller');
    const parent = data.calls[call.parent];
    assert.deepEqual([data.functions[parent.function].name, parent.entryTime], [expected.name, at(expected.t0)]);
    const own = boxes.get(index)!;
    const caller = boxes.get(call.parent)!;
    assert.equal(caller.y - own.y, 18, `delay ${index}: one row above its caller`);
    assert.ok(own.x >= caller.x - 0.1 && own.x + own.w <= caller.x + caller.w + 0.1, `delay ${index}: inside its caller`);
  });
  // Handlers that overlap in time are in lanes of their own. (Not "four test1 lanes": a request
  // whose bytes reach the server after another request's test1 has ended starts its test1 in the
  // lane that one left, which is right: the server saw them one after the other.)
  const handlers = data.calls.map((call, index) => ({ call, index })).filter(({ call }) => data.functions[call.function].name !== 'delay');
  let overlapping = 0;
  for (const [position, one] of handlers.entries()) {
    for (const other of handlers.slice(position + 1)) {
      if (!(one.call.entryTime < other.call.exitTime && other.call.entryTime < one.call.exitTime)) continue;
      overlapping++;
      const names = `${data.functions[one.call.function].name} at ${one.call.entryTime} s and ${data.functions[other.call.function].name} at ${other.call.entryTime} s`;
      assert.notEqual(boxes.get(one.index)!.y, boxes.get(other.index)!.y, `${names} overlap: different lanes`);
    }
  }
  assert.ok(overlapping >= 3, `${overlapping} pairs of overlapping handler calls`);
  assert.match(svg, />memory used: RSS \(in MiB\)</);
});

for (const flags of [[], ['-M'], ['-C'], ['-M', '-C']]) {
  test(`2-worker cluster under memprof run ${flags.join(' ') || '(no flags)'}`, { timeout: 90_000 }, async () => {
    const session = await recordService('cluster.js', flags, [2]);
    assert.equal(session.status, 0, session.stderr);
    const pids = new Set(session.responses.map((response) => Number(response.split(' ')[1])));
    const { dat } = session;
    // Markers: every profiled call in the workers, each tagged with its worker's pid.
    const workerFuncs = dat.funcs.filter((func) => func.pid !== undefined);
    assert.equal(workerFuncs.filter((func) => func.name === 'test1').length, 2);
    assert.equal(workerFuncs.filter((func) => func.name === 'delay').length, 4);
    for (const func of workerFuncs) assert.ok(pids.has(func.pid!) || pids.size < 2, `marker from ${func.pid}`);
    assert.equal(tablesOf(session.stdout, 'test2').length, 2);
    if (flags.includes('-M')) {
      // One CHLD series per worker.
      const children = [...dat.children.keys()];
      assert.ok(children.length >= 2, `CHLD series: ${children.join(', ')}`);
      for (const pid of pids) assert.ok(dat.children.has(pid), `no CHLD series for worker ${pid}`);
    } else {
      assert.equal(dat.children.size, 0);
    }
    const peak = Math.max(...dat.mem.map((sample) => sample.mib));
    if (flags.includes('-C')) {
      // The total includes the workers, which each held three arrays of ELEMENTS at once.
      assert.ok(peak > 3 * ARRAY_MIB, `peak of the total ${peak} MiB`);
    } else {
      assert.ok(peak < 3 * ARRAY_MIB + 60, `the primary alone should stay small: ${peak} MiB`);
    }
    // The plot draws every worker's brackets (on its own line with -M).
    const svg = plotSvg(session);
    assertBrackets(svg, dat);
    for (const pid of dat.children.keys()) assert.match(svg, new RegExp(`child ${pid}`));
    // The axis names the measure; with -C, MEM says it is the total of the tree.
    assert.match(svg, />memory used: RSS \(in MiB\)</);
    assert.match(svg, new RegExp(`<g class="legend-series" data-series="0">.*?>${flags.includes('-C') ? 'MEM: process \\+ children' : 'MEM'}</text>`));
  });
}
