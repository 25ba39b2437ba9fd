// Debugging by a memory threshold: report, heap snapshot, debugger pause; the program goes on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSync, readdirSync, readSync, closeSync } from 'node:fs';
import { tempDirs } from './temp-dirs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, parseTables, runNode } from './helpers';

function snapshotsIn(directory: string): string[] {
  return readdirSync(directory).filter((name) => name.endsWith('.heapsnapshot'));
}

function startOf(file: string): string {
  const buffer = Buffer.alloc(32);
  const fd = openSync(file, 'r');
  readSync(fd, buffer, 0, 32, 0);
  closeSync(fd);
  return buffer.toString('utf8');
}

const snapshotDir = tempDirs('memprof-snapshots-');

test('MEMPROF_BREAK_AT reports the line once, writes a heap snapshot and pauses an attached debugger', () => {
  const snapshots = snapshotDir();
  const file = join(FIXTURES, 'threshold/break-at.js');
  const run = runNode(file, { args: ['--attach'], tablesToFile: true, env: { MEMPROF_BREAK_AT: '100', MEMPROF_SNAPSHOT_DIR: snapshots } });
  assert.equal(run.status, 0, run.stderr);
  // The program's own output is unchanged, and both calls still print their tables.
  const plain = runNode(file, { args: ['--attach'], tablesToFile: true });
  assert.equal(run.stdout.split('\n')[0], plain.stdout.split('\n')[0]);
  assert.equal(parseTables(run.tables).length, 2);
  const reports = run.stderr.match(/^memprof: heap passed .*$/gm) ?? [];
  assert.equal(reports.length, 1, run.stderr);
  assert.match(reports[0], /^memprof: heap passed 100\.0 MiB \(now 1\d\d\.\d MiB\) at .*break-at\.js:20 in grow$/);
  assert.match(run.stderr, /^ {4}at grow \(.*break-at\.js:\d+:\d+\)$/m);
  const [snapshot] = snapshotsIn(snapshots);
  assert.ok(snapshot, 'a heap snapshot was written');
  assert.match(run.stderr, new RegExp(`heap snapshot written to ${join(snapshots, snapshot).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.match(startOf(join(snapshots, snapshot)), /^\{"snapshot":\{/);
  assert.match(run.stdout, /^pauses \["thresholdCrossed/m);
  assert.equal(JSON.parse(/^pauses (.*)$/m.exec(run.stdout)![1]).length, 1);
});

test('the breakAt marker option watches only its own function', () => {
  const snapshots = snapshotDir();
  const run = runNode(join(FIXTURES, 'threshold/option.js'), { tablesToFile: true, env: { MEMPROF_SNAPSHOT_DIR: snapshots } });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, '100000 10000000\n');
  assert.match(run.stderr, /heap passed 40\.0 MiB .* at .*option\.js:9 in watched\n/);
  assert.equal(snapshotsIn(snapshots).length, 1);
});

test('a bad threshold is a clear error', () => {
  const run = runNode(join(FIXTURES, 'seed/example.js'), { env: { MEMPROF_BREAK_AT: 'lots' } });
  assert.equal(run.status, 2);
  assert.equal(run.stderr, 'memprof: MEMPROF_BREAK_AT ("lots") must be a positive number of MiB, got NaN\n');
});
