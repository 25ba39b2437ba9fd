// The one reader of saved results (report, export --lines, check, diff): every form memprof writes,
// whatever else shares the file, memprof's lines cut short by a crash left out with a word, and a
// one-line error naming the file when it holds no results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSavedRuns, runsOf, SavedResultsError, savedResultsIn, type SavedResultsProblem } from '../../src/shared/saved-results';
import { tempDirs } from '../temp-dirs';

const tempDir = tempDirs('memprof-saved-');
const report = (fn: string, allocated: number) => ({ function: fn, file: '/app/a.js', firstLine: 2, allocatedBytes: allocated, lines: [{ line: 3, allocatedBytes: allocated, occurrences: 1 }] });
const collected = (...calls: object[]) => ({ value: 1, calls, entryBytes: 100, exitBytes: 200, peakBytes: 300, allocatedBytes: 5, freedBytes: 0 });
const functions = (text: string) => savedResultsIn(text, 'x.json').runs.map((run) => [run.calls.map((call) => call.function), run.collected !== null]);

test("JSON lines among the program's output, tables, notices and lines that only start with a brace", () => {
  const text = [
    'starting',
    JSON.stringify(report('load', 10)),
    'Filename: /app/a.js',
    'memprof: calls of load are summed from here on',
    "{not json, the program's own",
    JSON.stringify({ level: 'info', msg: "a logger's JSON line", calls: [] }),
    `  ${JSON.stringify(report('parse', 20))}\r`,
    JSON.stringify(collected(report('inner', 1))),
    'done',
  ].join('\n');
  assert.deepEqual(functions(text), [[['load'], false], [['parse'], false], [['inner'], true]]);
  assert.deepEqual(functions(`\uFEFF${JSON.stringify(report('bom', 1))}\nmore output`), [[['bom'], false]], 'a byte order mark is not in the way');
  // The program wrote without a newline just before memprof's line: the report is found after it.
  assert.deepEqual(functions(`progress 50%${JSON.stringify(report('glued', 1))}\nprogress 100%{"function": "mine"}\n`), [[['glued'], false]]);
});

test('a JSON document: a call report, a Collected, or arrays of either, pretty-printed or not', () => {
  assert.deepEqual(functions(JSON.stringify(report('load', 1))), [[['load'], false]]);
  assert.deepEqual(functions(JSON.stringify(collected(report('a', 1), report('b', 2)), null, 2)), [[['a', 'b'], true]]);
  assert.deepEqual(functions(JSON.stringify([report('a', 1), collected(), [report('b', 2)]], null, 2)), [[['a'], false], [[], true], [['b'], false]]);
  assert.deepEqual(functions(`\uFEFF${JSON.stringify([report('a', 1)])}`), [[['a'], false]]);
  // The scenario runner's output (check) goes through the same parse.
  assert.equal(runsOf([report('a', 1)])?.length, 1);
  assert.equal(runsOf({ a: 1 }), undefined);
  // An object with calls is a Collected only with its figures: a log's {"calls": [...]} is not results.
  assert.equal(runsOf({ total: 3, calls: [{ url: '/a' }] }), undefined);
  // A report whose lines are not lines is not one (annotate would read nothing sensible from it).
  assert.equal(runsOf({ ...report('a', 1), lines: [null] }), undefined);
});

test("memprof's own lines that are not whole (a crash while writing one) are left out, each named by its line, the rest kept", () => {
  const whole = JSON.stringify(report('load', 10));
  const { runs, damaged } = savedResultsIn(`${whole}\nprogram output\n${whole}\n${JSON.stringify({ ...report('x', 1), lines: [null] })}\n${whole.slice(0, 40)}`, 'out.txt');
  assert.equal(runs.length, 2);
  assert.deepEqual(damaged, [4, 5]);
  const path = join(tempDir(), 'out.txt');
  writeFileSync(path, `${whole}\n${whole.slice(0, 40)}\n${whole.slice(0, 20)}\n`);
  const warnings: string[] = [];
  assert.equal(readSavedRuns(path, 'out.txt', (line) => warnings.push(line)).length, 1);
  assert.deepEqual(warnings, ['memprof: warning: out.txt: lines 2, 3 are call reports cut short or damaged; left out']);
});

test('no results: one line naming the file, whatever the reason', () => {
  const error = (problem: SavedResultsProblem, message: RegExp) => (thrown: unknown) =>
    thrown instanceof SavedResultsError && thrown.problem === problem && message.test(thrown.message) && !thrown.message.includes('\n');
  const none = (text: string) => () => savedResultsIn(text, 'f.txt');
  assert.throws(none('nothing here\n'), error('no-results', /^f\.txt holds no memprof results \(call reports from --json or MEMPROF_FORMAT=json, or collect\(\) results\)$/));
  assert.throws(none(''), error('no-results', /^f\.txt holds no memprof results/));
  assert.throws(none('[]'), error('no-results', /^f\.txt holds no memprof results/));
  // The program's own output, however it begins: not results, not "not JSON".
  for (const text of ['{"level": "info"}\n{"level": "debug"}\n', '[INFO] worker 2 started\n', '[ok] ready\n', '{ port: 8080 }\n', 'listening\n{\n  port: 8080\n}\n']) {
    assert.throws(none(text), error('no-results', /^f\.txt holds no memprof results/), text);
  }
  assert.throws(none(JSON.stringify(report('a', 1)).slice(0, 30)), error('no-results', /^f\.txt holds no memprof results: line 1 is a call report cut short or damaged$/));
  assert.throws(none('{"function": "f"}'), error('not-results', /^f\.txt is JSON, but not memprof results/));
  assert.throws(none('[{"a": 1}]'), error('not-results', /^f\.txt is JSON, but not memprof results/));
  assert.throws(none(JSON.stringify(collected(report('a', 1), { a: 1 }))), error('not-results', /^f\.txt is JSON, but not memprof results/));
  // A document as JSON.stringify begins one that does not parse says where, not "no results", in one line.
  assert.throws(none(JSON.stringify([report('a', 1)], null, 2).slice(0, -3)), error('not-results', /^f\.txt: not JSON \(.+\)$/));
  assert.throws(none(JSON.stringify(collected(report('a', 1))).slice(0, 60)), error('not-results', /^f\.txt: not JSON/));
  assert.throws(none('{\n  port: 8080\n}\n'), error('not-results', /^f\.txt: not JSON/));
  assert.throws(() => readSavedRuns('/nowhere/x.json', 'x.json'), error('unreadable', /^cannot read x\.json: ENOENT$/));
});
