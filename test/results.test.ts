// Results for machines: collect() in a program, and MEMPROF_FORMAT=json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FIXTURES, runNode } from './helpers';
import type { CallReport } from '../src/reporters/call-report';

const MiB = 1024 * 1024;

test('collect() returns per-line results and prints nothing', () => {
  const run = runNode(join(FIXTURES, 'api/collect.js'));
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trim().split('\n');
  assert.equal(lines.length, 1, `only the program's own output: ${run.stdout}`);
  const result = JSON.parse(lines[0]);
  assert.equal(result.value, 2_000_000);
  assert.equal(result.calls, 1);
  assert.equal(result.function, 'build');
  assert.deepEqual(result.lines, [[4, 1], [6, 1], [7, 1], [8, 1]]);
  assert.equal(result.fillLine.source, '  const numbers = new Array(count).fill(3);');
  // 2M small integers: 15.3 MiB, and the same again for the mapped copy.
  assert.ok(Math.abs(result.fillLine.incrementBytes - 16e6) < 0.3 * MiB, String(result.fillLine.incrementBytes));
  assert.ok(result.netBytes > 30 * MiB && result.netBytes < 32 * MiB, String(result.netBytes));
  // The peak reading is at least what the call added, less what a collection during it freed of
  // memprof's own garbage (which lowers the readings but is not the call's: the net leaves it out).
  assert.ok(result.peakAboveEntry >= result.netBytes - MiB, `peak above entry ${result.peakAboveEntry}, net ${result.netBytes}`);
  assert.equal(result.asyncValue, 8 * MiB);
  assert.equal(result.asyncFunction, 'later');
  assert.ok(Math.abs(result.asyncBuffer - 8 * MiB) < 0.1 * MiB, String(result.asyncBuffer));
});

test('MEMPROF_FORMAT=json prints one JSON document per call', () => {
  const run = runNode(join(FIXTURES, 'seed/example-import.cjs'), { env: { MEMPROF_FORMAT: 'json' } });
  assert.equal(run.status, 0, run.stderr);
  const [json, programOutput] = run.stdout.trim().split('\n');
  assert.equal(programOutput, 'length 1000000');
  const report = JSON.parse(json) as CallReport;
  assert.equal(report.function, 'myFunc');
  assert.equal(report.metric, 'heap');
  assert.equal(report.lineLevel, true);
  assert.equal(report.threw, false);
  // Mem usage is absolute (memprof's own few KiB included); the net leaves memprof's own work out.
  assert.ok(Math.abs(report.netBytes - (report.exitBytes - report.entryBytes)) < 64 * 1024, `net ${report.netBytes} vs exit - entry ${report.exitBytes - report.entryBytes}`);
  assert.equal(report.netBytes, report.allocatedBytes - report.freedBytes);
  const big = report.lines.find((line) => line.source.includes('new Array(2e7)'));
  assert.ok(big && Math.abs(big.incrementBytes - 160e6) < 1.5 * MiB, JSON.stringify(big));
  const sum = report.lines.reduce((total, line) => total + line.incrementBytes, 0);
  assert.equal(sum, report.netBytes);
});
