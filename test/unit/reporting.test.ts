// Tables and summed tables, in process, from scripted results: the formatting and the summing rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CallResult, LineResult } from '../../src/runtime/call-result';
import type { ResolvedOptions } from '../../src/runtime/options';
import { formatTable } from '../../src/reporters/table';
import { admitCall, takeSummaries } from '../../src/reporters/summaries';
import { rememberSource } from '../../src/shared/source-lines';
import { parseTables } from '../helpers';

const MiB = 1024 * 1024;
const FILE = '/virtual/work.js';
rememberSource(FILE, ['/** @profile */', 'function work() {', '  const keep = new Array(2e6).fill(1);', '  for (let i = 0; i < 8; i++) temp = new Array(2e6);', '  return keep;', '}'].join('\n'));

function lineResult(line: number, allocated: number, freed = 0, extra: Partial<LineResult> = {}): LineResult {
  return {
    line,
    occurrences: 1,
    incrementBytes: allocated - freed,
    allocatedBytes: allocated,
    freedBytes: freed,
    usageBytes: 100 * MiB,
    reentrantAllocatedBytes: 0,
    reentrantFreedBytes: 0,
    calleeAllocatedBytes: 0,
    calleeFreedBytes: 0,
    ...extra,
  };
}

function callResult(lines: LineResult[], extra: Partial<CallResult> = {}): CallResult {
  const allocated = lines.reduce((sum, entry) => sum + entry.allocatedBytes, 0);
  const freed = lines.reduce((sum, entry) => sum + entry.freedBytes, 0);
  return {
    file: FILE,
    functionName: 'work',
    firstLine: 1,
    lastLine: 6,
    metric: 'heap',
    metricDescription: 'V8 heap used + external memory',
    precision: 1,
    entryBytes: 20 * MiB,
    exitBytes: 20 * MiB + allocated - freed,
    peakBytes: 140 * MiB,
    allocatedBytes: allocated,
    freedBytes: freed,
    retainedBytes: null,
    allocationExact: true,
    lines,
    threw: false,
    durationMs: 10,
    lineLevel: true,
    block: false,
    reentrant: false,
    calls: 0,
    reentrantCalls: 0,
    ...extra,
  };
}

const OPTIONS: ResolvedOptions = { precision: 1, metric: 'heap', stream: undefined, breakAtBytes: Infinity, maxTables: 2, retained: false, lines: true };

test('the table has an Allocated column, marks lines where memory was freed, and sums up in the footer', () => {
  const result = callResult([lineResult(1, 0), lineResult(3, 16 * MiB), lineResult(4, 128 * MiB, 112 * MiB, { occurrences: 9 }), lineResult(5, 0)]);
  const text = formatTable(result);
  const [table] = parseTables(text);
  assert.match(text, /^Line # {2}Mem usage {2}Increment {2}Allocated {2}GC {2}Occurrences {2}Line Contents$/m);
  const loop = table.rows.find((row) => row.line === 4);
  assert.deepEqual([loop?.incrementMiB, loop?.allocatedMiB, loop?.freed, loop?.occurrences], [16, 128, true, 9]);
  assert.equal(table.rows.find((row) => row.line === 3)?.freed, false);
  assert.equal(table.rows.find((row) => row.line === 2)?.allocatedMiB, undefined, 'a line that did not run is blank');
  assert.match(text, /^\* memory was freed while the line ran/m);
  assert.equal(table.footer, 'work: allocated 144.0 MiB, freed by GC 112.0 MiB, net +32.0 MiB, peak 140.0 MiB, 10.0 ms');
  assert.doesNotMatch(text, /estimated/);
});

test('at the default precision the numeric columns leave most of 80 columns to the source', () => {
  const text = formatTable(callResult([lineResult(3, 999.9 * MiB, 0), lineResult(4, 9999 * MiB, 9999 * MiB, { occurrences: 99999 })]));
  const row = text.split('\n').find((entry) => entry.includes('const keep'));
  assert.ok(row);
  assert.ok(row.indexOf('const keep') <= 62, `source starts at column ${row.indexOf('const keep')}:\n${row}`);
});

test('without exact counting the header says Allocated is an estimate; on rss, what it means', () => {
  assert.match(formatTable(callResult([lineResult(3, MiB)], { allocationExact: false })), /^Allocated: estimated \(memprof's native addon is not loaded/m);
  assert.match(formatTable(callResult([lineResult(3, MiB)], { allocationExact: false, metric: 'rss' })), /^Allocated: growth of the resident set/m);
});

test('retained memory, when measured, is in the footer and in whole-call tables', () => {
  assert.match(formatTable(callResult([lineResult(3, 16 * MiB)], { retainedBytes: 16 * MiB })), /, retained 16\.0 MiB, 10\.0 ms$/m);
  const whole = formatTable(callResult([], { lineLevel: false, allocatedBytes: 5 * MiB, retainedBytes: 0 }));
  assert.match(whole, /^ {2}Allocated {5}5\.0 MiB$/m);
  assert.match(whole, /^ {2}Retained {6}0\.0 MiB$/m);
});

test('summed tables count a recursive call once: calls, time and totals from outermost calls, lines their own share', () => {
  const key = { ...OPTIONS, maxTables: 0 };
  const leaf = (): CallResult => callResult([lineResult(3, 100)], { reentrant: true, durationMs: 1, functionName: 'fib' });
  // fib(2): two leaves inside line 4, which therefore includes their 200 bytes.
  const root = callResult([lineResult(3, 100), lineResult(4, 210, 0, { reentrantAllocatedBytes: 200 })], { durationMs: 5, functionName: 'fib' });
  const notices: string[] = [];
  for (const result of [leaf(), leaf(), root]) assert.equal(admitCall(result, key, (text) => notices.push(text)), 'summed');
  assert.equal(notices.length, 1);
  const summaries = takeSummaries().filter((entry) => entry.result.functionName === 'fib');
  assert.equal(summaries.length, 1);
  const sum = summaries[0].result;
  assert.deepEqual([sum.calls, sum.reentrantCalls, sum.durationMs, sum.allocatedBytes], [1, 2, 5, 310]);
  const lines = new Map(sum.lines.map((entry) => [entry.line, entry]));
  assert.deepEqual([lines.get(3)?.allocatedBytes, lines.get(3)?.occurrences, lines.get(4)?.allocatedBytes], [300, 3, 10]);
  assert.equal(sum.lines.reduce((total, entry) => total + entry.incrementBytes, 0), sum.allocatedBytes - sum.freedBytes);
  const text = formatTable(sum);
  assert.match(text, /^Calls: 1 summed/m);
  assert.match(text, /^Recursion: 2 more calls ran inside calls of fib; each line counts them once$/m);
  assert.match(text, /^fib: 1 call, allocated /m);
});

test('each function prints its first maxTables calls, then sums the rest', () => {
  const decisions = [1, 2, 3, 4].map(() => admitCall(callResult([lineResult(3, MiB)], { functionName: 'busy', firstLine: 40 }), OPTIONS, () => {}));
  assert.deepEqual(decisions, ['print', 'print', 'summed', 'summed']);
  const [summary] = takeSummaries().filter((entry) => entry.result.functionName === 'busy');
  assert.equal(summary.result.calls, 2);
  assert.equal(summary.result.allocatedBytes, 2 * MiB);
});
