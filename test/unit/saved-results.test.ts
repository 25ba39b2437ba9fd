// The one reader of saved results (report, export --lines, check, diff): every form memprof writes,
// whatever else shares the file, and a one-line error naming the file when it holds no results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSavedRuns, runsOf, SavedResultsError, savedRunsIn } from '../../src/shared/saved-results';
import { tempDirs } from '../temp-dirs';

const tempDir = tempDirs('memprof-saved-');
const report = (fn: string, allocated: number) => ({ function: fn, file: '/app/a.js', firstLine: 2, allocatedBytes: allocated, lines: [{ line: 3, allocatedBytes: allocated, occurrences: 1 }] });
const collected = (...calls: object[]) => ({ value: 1, calls, entryBytes: 100, exitBytes: 200, peakBytes: 300, allocatedBytes: 5, freedBytes: 0 });
const functions = (text: string) => savedRunsIn(text, 'x.json').map((run) => [run.calls.map((call) => call.function), run.collected !== null]);

test('JSON lines among the program\'s output, tables, notices and lines that only start with a brace', () => {
  const text = [
    'starting',
    JSON.stringify(report('load', 10)),
    'Filename: /app/a.js',
    'memprof: calls of load are summed from here on',
    '{not json, the program\'s own',
    JSON.stringify({ level: 'info', msg: 'a logger\'s JSON line' }),
    `  ${JSON.stringify(report('parse', 20))}\r`,
    JSON.stringify(collected(report('inner', 1))),
    'done',
  ].join('\n');
  assert.deepEqual(functions(text), [[['load'], false], [['parse'], false], [['inner'], true]]);
});

test('a JSON document: a call report, a Collected, or an array of either', () => {
  assert.deepEqual(functions(JSON.stringify(report('load', 1))), [[['load'], false]]);
  assert.deepEqual(functions(JSON.stringify(collected(report('a', 1), report('b', 2)))), [[['a', 'b'], true]]);
  assert.deepEqual(functions(JSON.stringify([report('a', 1), collected(), report('b', 2)], null, 2)), [[['a'], false], [[], true], [['b'], false]]);
  // The scenario runner's output (check) goes through the same parse.
  assert.equal(runsOf([report('a', 1)])?.length, 1);
  assert.equal(runsOf({ a: 1 }), undefined);
});

test('no results: one line naming the file, whatever the reason', () => {
  const error = (message: RegExp) => (thrown: unknown) => thrown instanceof SavedResultsError && message.test(thrown.message) && !thrown.message.includes('\n');
  assert.throws(() => savedRunsIn('nothing here\n', 'empty.txt'), error(/^empty\.txt holds no memprof results \(call reports from --json or MEMPROF_FORMAT=json, or collect\(\) results\)$/));
  assert.throws(() => savedRunsIn('', 'blank.txt'), error(/^blank\.txt holds no memprof results/));
  assert.throws(() => savedRunsIn('[]', 'none.json'), error(/^none\.json holds no memprof results/));
  assert.throws(() => savedRunsIn('{"function": "f"}', 'partial.json'), error(/^partial\.json is JSON, but not memprof results/));
  assert.throws(() => savedRunsIn('[{"a": 1}]', 'other.json'), error(/^other\.json is JSON, but not memprof results/));
  assert.throws(() => readSavedRuns('/nowhere/x.json', 'x.json'), error(/^cannot read x\.json: ENOENT$/));
  const path = join(tempDir(), 'out.txt');
  writeFileSync(path, `hello\n${JSON.stringify(report('load', 1))}\n`);
  assert.equal(readSavedRuns(path)[0].calls[0].function, 'load');
});
