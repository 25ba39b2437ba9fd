// Nothing a program does to the globals memprof uses can break memprof or lose a table: the hostile
// fixture pollutes Object.prototype, traps Array/String/JSON/Object methods when memprof calls them,
// fakes clocks and timers, silences the console and mocks fs, then calls profiled functions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CallReport } from '../src/reporters/call-report';
import { FIXTURES, ROOT, parseTables, runNode } from './helpers';

const HOSTILE = join(FIXTURES, 'hermetic', 'hostile.js');
const PROGRAM_OUTPUT = ['7-7-7 1000000', 'busy true', 'depth 105', 'pairs 9', 'caught expected failure', 'before resolve', 'later 1000041'];
/** build, busy, six calls of depth, pairs, fails, later. */
const CALLS = ['build', 'busy', 'depth', 'depth', 'depth', 'depth', 'depth', 'depth', 'pairs', 'fails', 'later'];
const MiB = 1024 * 1024;

const plain = runNode(HOSTILE, { hook: false });

test('the hostile program runs as intended without memprof', () => {
  assert.equal(plain.status, 0, plain.stderr);
  assert.deepEqual(plain.stdout.trim().split('\n'), PROGRAM_OUTPUT);
});

test('tables through MEMPROF_OUTPUT: every one, right figures, and the program unchanged', () => {
  const run = runNode(HOSTILE, { tablesToFile: true });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, plain.stdout);
  assert.equal(run.stderr, '', 'nothing from memprof on the program\'s stderr');
  const tables = parseTables(run.tables);
  assert.deepEqual(tables.map((table) => table.footer.split(':')[0]), CALLS);
  const build = tables[0].rows.find((row) => row.contents.includes('new Array(size)'));
  assert.ok(build);
  if (!/^Allocated: estimated/m.test(run.tables)) assert.ok(Math.abs((build.allocatedMiB ?? 0) - 7.6) <= 0.1, JSON.stringify(build));
  // Durations come from the real clock, not the faked performance.now().
  const busy = Number(/, ([\d.]+) ms$/.exec(tables[1].footer)?.[1]);
  assert.ok(busy >= 29 && busy < 2000, `busy(30) lasted ${busy} ms`);
  assert.match(tables[9].footer, /ended by an exception$/);
});

test('JSON documents through MEMPROF_OUTPUT', () => {
  const run = runNode(HOSTILE, { tablesToFile: true, env: { MEMPROF_FORMAT: 'json' } });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, plain.stdout);
  assert.equal(run.stderr, '');
  const reports = run.tables.trim().split('\n').map((line) => JSON.parse(line) as CallReport);
  assert.deepEqual(reports.map((report) => report.function), CALLS);
  assert.ok(reports[1].durationMs >= 29, `busy(30) lasted ${reports[1].durationMs} ms`);
  // Without the addon (MEMPROF_NO_ADDON=1) a collection during a line hides what it allocated.
  if (reports[10].allocationExact) assert.ok(Math.abs(reports[10].allocatedBytes - 8e6) < 0.2 * MiB, `later allocated ${reports[10].allocatedBytes}`);
  // The program's polluted Object.prototype did not leak into the documents.
  assert.doesNotMatch(run.tables, /polluted/);
});

test('tables on stdout, between the program\'s own lines, in order', () => {
  const run = runNode(HOSTILE);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr, '');
  assert.equal(parseTables(run.stdout).length, CALLS.length);
  const programLines = run.stdout.split('\n').filter((line) => PROGRAM_OUTPUT.includes(line));
  assert.deepEqual(programLines, PROGRAM_OUTPUT);
});

test('under memprof run, every call is a marker with its real duration', () => {
  const directory = mkdtempSync(join(tmpdir(), 'memprof-hermetic-'));
  try {
    const output = join(directory, 'hostile.dat');
    const run = spawnSync(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), 'run', '-o', output, process.execPath, HOSTILE], {
      cwd: directory,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '', MEMPROF_OUTPUT: join(directory, 'tables.txt') },
      timeout: 60_000,
    });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, plain.stdout);
    const markers = readFileSync(output, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('FUNC '))
      .map((line) => line.split(' '));
    assert.deepEqual(markers.map((fields) => fields[1]).sort(), [...CALLS].sort());
    const busy = markers.find((fields) => fields[1] === 'busy')!;
    const seconds = Number(busy[5]) - Number(busy[3]);
    assert.ok(seconds >= 0.029 && seconds < 2, `busy's marker lasts ${seconds} s`);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
