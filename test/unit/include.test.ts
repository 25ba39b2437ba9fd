// MEMPROF_INCLUDE's globs and the program-wide "top lines" list, in process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { includeMatcher } from '../../src/instrument/include-globs';
import { topLines } from '../../src/reporters/top-lines';
import type { CallResult, LineResult } from '../../src/runtime/call-result';
import type { CallStart } from '../../src/runtime/call-events';

test('globs match absolute paths and paths from the working directory; node_modules only when named', () => {
  const matcher = includeMatcher('src/**/*.js, /opt/lib/*.cjs', '/work/app')!;
  assert.deepEqual(matcher.globs, ['src/**/*.js', '/opt/lib/*.cjs']);
  assert.equal(matcher.matches('/work/app/src/a/b.js'), true);
  assert.equal(matcher.matches('/work/app/test/b.js'), false);
  assert.equal(matcher.matches('/opt/lib/x.cjs'), true);
  assert.equal(includeMatcher('**/*.js', '/work/app')!.matches('/work/app/node_modules/qs/lib/parse.js'), false);
  assert.equal(includeMatcher('**/node_modules/qs/**', '/work/app')!.matches('/work/app/node_modules/qs/lib/parse.js'), true);
  assert.equal(includeMatcher(undefined), undefined);
  assert.equal(includeMatcher('  '), undefined);
  assert.throws(() => includeMatcher('a/*.js,,b'), /MEMPROF_INCLUDE has an empty glob/);
});

function line(number: number, allocated: number, callee = 0): LineResult {
  return {
    line: number,
    occurrences: 2,
    incrementBytes: allocated,
    allocatedBytes: allocated,
    freedBytes: 0,
    usageBytes: 0,
    reentrantAllocatedBytes: 0,
    reentrantFreedBytes: 0,
    calleeAllocatedBytes: callee,
    calleeFreedBytes: 0,
  };
}

function result(functionName: string, file: string, lines: LineResult[]): CallResult {
  return {
    file,
    functionName,
    firstLine: lines[0].line,
    lastLine: lines[lines.length - 1].line,
    metric: 'heap',
    metricDescription: 'heap',
    precision: 1,
    entryBytes: 0,
    exitBytes: 0,
    peakBytes: 0,
    allocatedBytes: 0,
    freedBytes: 0,
    retainedBytes: null,
    allocationExact: true,
    lines,
    threw: false,
    durationMs: 1,
    lineLevel: true,
    block: false,
    reentrant: false,
    calls: 0,
    reentrantCalls: 0,
  };
}

test('top lines rank what each line allocated itself, across calls, not what the calls it made did', () => {
  const listener = topLines(2);
  const start = {} as CallStart;
  const MiB = 1024 * 1024;
  // main's line 2 calls build (which allocates 10 MiB on its line 12): 10.5 MiB, 10 of them build's.
  listener.ended!(start, result('build', `${process.cwd()}/lib.js`, [line(11, 0), line(12, 10 * MiB)]), null);
  listener.ended!(start, result('build', `${process.cwd()}/lib.js`, [line(11, 0), line(12, 10 * MiB)]), null);
  listener.ended!(start, result('main', `${process.cwd()}/main.js`, [line(1, 0), line(2, 20.5 * MiB, 20 * MiB), line(3, 3 * MiB)]), null);
  const text = listener.format();
  assert.match(text, /^memprof: the 2 lines that allocated most .*; 2 functions profiled, 3 calls$/m);
  const rows = text.trim().split('\n').slice(2);
  assert.match(rows[0], /^\s+20\.0 MiB\s+\+20\.0 MiB\s+4\s+lib\.js:12\s+build$/);
  assert.match(rows[1], /^\s+3\.0 MiB\s+\+3\.0 MiB\s+2\s+main\.js:3\s+main$/);
  assert.equal(rows.length, 2);
});

test('top lines leave out lines that would show as 0.0 MiB, and say so when none is left', () => {
  const KiB = 1024;
  const small = topLines(5);
  small.ended!({} as CallStart, result('tiny', `${process.cwd()}/tiny.js`, [line(1, 0), line(2, 40 * KiB)]), null);
  assert.equal(small.format(), 'memprof: no profiled line allocated 0.1 MiB or more; 1 function profiled, 1 call\n\n');
  small.ended!({} as CallStart, result('tiny', `${process.cwd()}/tiny.js`, [line(1, 0), line(2, 40 * KiB), line(3, 20 * KiB)]), null);
  const text = small.format();
  assert.match(text, /^memprof: the line that allocated most .*; 1 function profiled, 2 calls$/m);
  assert.equal(text.trim().split('\n').length, 3);
  assert.match(text, /0\.1 MiB\s+\+0\.1 MiB\s+4\s+tiny\.js:2\s+tiny$/m);
});
