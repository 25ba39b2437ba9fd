// memprof check's and memprof diff's logic on scripted inputs: results files in each form, the budget
// file and its errors, tolerances, medians, the verdict and its table, and both diffs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BudgetError, parseTolerance, readBudget, writeBudget } from '../../src/compare/budget-file';
import { checkAgainstBudget, formatCheck, limitOf } from '../../src/compare/check';
import { medians, WHOLE_CALL, type FunctionFigures } from '../../src/compare/figures';
import { runFigures, scenarioFigures } from '../../src/compare/measurements';
import { readResultRuns } from '../../src/compare/results-file';
import { diffResults } from '../../src/compare/diff-results';
import { diffRecordings, slopeOf } from '../../src/compare/diff-recordings';
import { formatTable } from '../../src/compare/table';
import { parseDat } from '../../src/record/dat';
import { tempDirs } from '../temp-dirs';

const tempDir = tempDirs('memprof-compare-');
const MIB = 1024 * 1024;

const report = (fn: string, allocated: number, extra: Record<string, unknown> = {}) => ({
  function: fn,
  file: '/app/a.js',
  entryBytes: 1000,
  peakBytes: 1000 + allocated,
  allocatedBytes: allocated,
  retainedBytes: null,
  lines: [{ line: 3, source: '  const rows = load();', occurrences: 1, allocatedBytes: allocated, incrementBytes: allocated }],
  ...extra,
});

function write(name: string, text: string): string {
  const path = join(tempDir(), name);
  writeFileSync(path, text);
  return path;
}

test('results files: --json lines among program output, a Collected, arrays of either', () => {
  const lines = write('out.txt', ['starting', JSON.stringify(report('load', 2 * MIB)), '{not json', JSON.stringify(report('load', 4 * MIB, { calls: 3 })), 'done'].join('\n'));
  const runs = readResultRuns(lines);
  assert.equal(runs.length, 2);
  assert.deepEqual(runs.map((run) => [run.calls[0].allocatedBytes, run.calls[0].calls, run.calls[0].peakBytes, run.whole]), [[2 * MIB, 1, 2 * MIB, null], [4 * MIB, 3, 4 * MIB, null]]);
  const collected = write('collected.json', JSON.stringify([{ value: 1, calls: [report('load', MIB)], entryBytes: 100, exitBytes: 200, peakBytes: 100 + 3 * MIB, allocatedBytes: 5 * MIB, freedBytes: 0 }]));
  const [run] = readResultRuns(collected);
  assert.deepEqual(run.whole, { allocatedBytes: 5 * MIB, retainedBytes: null, peakBytes: 3 * MIB });
  assert.deepEqual([...runFigures(run)].map(([name, figures]) => [name, figures.allocatedBytes]), [[WHOLE_CALL, 5 * MIB], ['load', MIB]]);
  // The forms and errors of the file itself: test/unit/saved-results.test.ts.
  assert.throws(() => readResultRuns(write('other.json', '{"a": 1}'), 'other.json'), /other\.json is JSON, but not memprof results/);
});

test('figures: calls of a function add up within a run; medians across runs', () => {
  const [run] = readResultRuns(write('c.json', JSON.stringify({ calls: [report('load', MIB, { retainedBytes: 10 }), report('load', 3 * MIB, { retainedBytes: 20 })], allocatedBytes: 4 * MIB })));
  assert.deepEqual(runFigures(run).get('load'), { allocatedBytes: 4 * MIB, retainedBytes: 30, peakBytes: 3 * MIB });
  const runs = [100, 300, 200, 900, 250].map((bytes) => new Map<string, FunctionFigures>([['f', { allocatedBytes: bytes, retainedBytes: bytes === 900 ? null : 1, peakBytes: bytes * 2 }]]));
  assert.deepEqual(medians(runs).get('f'), { allocatedBytes: 250, retainedBytes: 1, peakBytes: 500 });
  assert.equal(scenarioFigures([]).size, 0);
});

test('tolerances: a percentage, bytes, or both', () => {
  assert.deepEqual(parseTolerance('10%', 'x'), { fraction: 0.1, bytes: 0 });
  assert.deepEqual(parseTolerance('256 KiB', 'x'), { fraction: 0, bytes: 256 * 1024 });
  assert.deepEqual(parseTolerance('5% + 64 KiB', 'x'), { fraction: 0.05, bytes: 65536 });
  assert.deepEqual(parseTolerance(4096, 'x'), { fraction: 0, bytes: 4096 });
  assert.throws(() => parseTolerance('lots', 'budget.json: tolerance.peak'), /^BudgetError: budget.json: tolerance.peak must be a percentage, a byte amount or both/);
  assert.equal(limitOf(1000, { fraction: 0.1, bytes: 50 }), 1150);
});

function budgetFile(content: unknown): string {
  return write('memprof.budget.json', JSON.stringify(content));
}

test('the budget file: scenarios relative to it, defaults, and errors naming the key', () => {
  const path = budgetFile({ runs: 3, tolerance: { peak: '1%' }, scenarios: { one: { file: 'one.js', export: 'run' }, suite: { results: 'out.json', runs: 1, tolerance: { allocated: '0%' } } } });
  const budget = readBudget(path, 'memprof.budget.json');
  const [one, suite] = budget.scenarios;
  assert.equal(one.file, join(path, '..', 'one.js'));
  assert.equal(one.runs, 3);
  assert.deepEqual(one.tolerance, { allocatedBytes: { fraction: 0.1, bytes: MIB }, retainedBytes: { fraction: 0.1, bytes: MIB }, peakBytes: { fraction: 0.01, bytes: 0 } });
  assert.equal(suite.results, join(path, '..', 'out.json'));
  assert.deepEqual(suite.tolerance.allocatedBytes, { fraction: 0, bytes: 0 });
  assert.deepEqual(suite.tolerance.peakBytes, { fraction: 0.01, bytes: 0 });
  const errors: Array<[unknown, RegExp]> = [
    [{ scenarios: {} }, /^memprof\.budget\.json: "scenarios" must name at least one scenario/],
    [{ scenarios: { a: { file: 'a.js' } }, extra: 1 }, /^memprof\.budget\.json: unknown key "extra"; known keys: runs, tolerance, scenarios, budget$/],
    [{ scenarios: { a: { file: 'a.js', results: 'b.json' } } }, /^memprof\.budget\.json: scenarios\["a"\] needs either "file"/],
    [{ scenarios: { a: { file: 'a.js', runs: 0 } } }, /^memprof\.budget\.json: scenarios\["a"\]\.runs must be a whole number of at least 1, got 0$/],
    [{ scenarios: { a: { file: 'a.js' } }, budget: { a: { f: { allocatedBytes: -1, peakBytes: 0 } } } }, /^memprof\.budget\.json: budget\["a"\]\["f"\]\.allocatedBytes must be a number of bytes, got -1$/],
  ];
  for (const [content, message] of errors) assert.throws(() => readBudget(budgetFile(content), 'memprof.budget.json'), (error: Error) => error instanceof BudgetError && message.test(error.message));
  assert.throws(() => readBudget('/nowhere/memprof.budget.json', 'memprof.budget.json'), /^BudgetError: cannot find memprof\.budget\.json$/);
  assert.throws(() => readBudget(write('memprof.budget.json', '{ oops'), 'memprof.budget.json'), /^BudgetError: cannot read memprof\.budget\.json: .*JSON at position 2$/);
});

test('writeBudget: the budget section replaced, the rest kept, no temporary file left', () => {
  const path = budgetFile({ runs: 2, scenarios: { one: { file: 'one.js' } }, budget: { old: { f: { allocatedBytes: 1, retainedBytes: 0, peakBytes: 1 } } } });
  writeBudget(readBudget(path), new Map([['one', new Map([['f', { allocatedBytes: 10, retainedBytes: null, peakBytes: 20 }]])]]));
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { runs: 2, scenarios: { one: { file: 'one.js' } }, budget: { one: { f: { allocatedBytes: 10, retainedBytes: null, peakBytes: 20 } } } });
  assert.deepEqual(readdirSync(join(path, '..')), ['memprof.budget.json']);
  assert.ok(existsSync(path));
});

test('the verdict: over budget plus tolerance is a regression; new and missing functions are listed, not failed', () => {
  const path = budgetFile({
    scenarios: { one: { file: 'one.js' } },
    budget: { one: { [WHOLE_CALL]: { allocatedBytes: 10 * MIB, retainedBytes: 0, peakBytes: 4 * MIB }, gone: { allocatedBytes: 1, retainedBytes: null, peakBytes: 1 } } },
  });
  const budget = readBudget(path, 'memprof.budget.json');
  const measured = new Map([
    [
      'one',
      new Map<string, FunctionFigures>([
        [WHOLE_CALL, { allocatedBytes: 10.5 * MIB, retainedBytes: 2 * MIB, peakBytes: 4 * MIB }],
        ['load', { allocatedBytes: MIB, retainedBytes: null, peakBytes: MIB }],
      ]),
    ],
  ]);
  const result = checkAgainstBudget(measured, budget);
  assert.deepEqual(result.rows.map((row) => [row.function, row.over]), [[WHOLE_CALL, ['retainedBytes']], ['load', []]]);
  assert.deepEqual(result.missing, ['one › gone']);
  assert.equal(
    formatCheck(result, budget),
    [
      'Scenario  Function      Allocated (now / budget)  Retained         Peak               Status',
      'one       (whole call)  10.5 MiB / 10.0 MiB       2.0 MiB / 0 B ✗  4.0 MiB / 4.0 MiB  REGRESSION',
      'one       load          1.0 MiB / -               - / -            1.0 MiB / -        new',
      'memprof: one › (whole call): retained 2.0 MiB, over its budget of 0 B + 10% + 1.0 MiB',
      'memprof: 1 function without a budget (new): memprof check --update adds it',
      'memprof: in the budget but not measured: one › gone',
      '',
    ].join('\n'),
  );
});

test('formatTable: columns padded to their widest cell, numbers right-aligned on request', () => {
  assert.equal(formatTable(['a', 'bb', 'c'], [['xxx', '1', 'end'], ['y', '22', '']], new Set([1])), 'a    bb  c\nxxx   1  end\ny    22\n');
});

test('diffResults: per function and per line, the largest change first', () => {
  const before = readResultRuns(write('a.json', [report('load', 2 * MIB), report('parse', 100)].map((r) => JSON.stringify(r)).join('\n')));
  const after = readResultRuns(write('b.json', [report('load', 5 * MIB), report('render', 300)].map((r) => JSON.stringify(r)).join('\n')));
  assert.equal(
    diffResults(before, after, '/app'),
    [
      'Functions, the largest change first:',
      'Function  Calls  Allocated                     Retained  Peak',
      'load      1 → 1  2.0 MiB → 5.0 MiB (+3.0 MiB)  - → -     2.0 MiB → 5.0 MiB (+3.0 MiB)',
      'render    0 → 1  - → 300 B                     - → -     - → 300 B',
      'parse     1 → 0  100 B → -                     - → -     100 B → -',
      '',
      'Lines, the largest change first:',
      'Line    Function  Allocated                     Increment                     Occurrences  Source',
      'a.js:3  load      2.0 MiB → 5.0 MiB (+3.0 MiB)  2.0 MiB → 5.0 MiB (+3.0 MiB)  1 → 1        const rows = load();',
      'a.js:3  render    - → 300 B                     - → 300 B                     0 → 1        const rows = load();',
      'a.js:3  parse     100 B → -                     100 B → -                     1 → 0        const rows = load();',
      '',
    ].join('\n'),
  );
});

test('diffRecordings: peak, slope, duration, and per function calls, time and memory', () => {
  const dat = (memory: number[], delay: number) =>
    parseDat(
      [...memory.map((mib, index) => `MEM ${mib.toFixed(6)} ${(100 + index).toFixed(4)}`), `FUNC handle ${memory[0]} 100.0000 ${memory[1]} ${(100 + delay).toFixed(4)} 0`, ''].join('\n'),
      'x.dat',
    );
  assert.equal(slopeOf([{ time: 0, mib: 10 }, { time: 1, mib: 12 }, { time: 2, mib: 14 }]), 2);
  assert.equal(
    diffRecordings(dat([10, 12, 14], 0.5), dat([10, 20, 30], 0.25), ['before.dat', 'after.dat']),
    [
      'before.dat → after.dat',
      '          Before → after',
      'Peak      14.0 MiB → 30.0 MiB (+16.0 MiB)',
      'Slope     2.000 MiB/s → 10.000 MiB/s (+8.000 MiB/s)',
      'Duration  2.00 s → 2.00 s (0.00 s)',
      'Samples   3 → 3',
      '',
      'Functions, the largest change first:',
      'Function  Calls  Time                       Memory change per call         Highest',
      'handle    1 → 1  0.50 s → 0.25 s (-0.25 s)  2.0 MiB → 10.0 MiB (+8.0 MiB)  12.0 MiB → 20.0 MiB (+8.0 MiB)',
      '',
    ].join('\n'),
  );
});

test('diffRecordings of hours of samples and tens of thousands of calls: no argument spread, no quadratic grouping', () => {
  // 300,000 samples is 8 hours at -T 0.1: Math.max(...samples) threw RangeError (too many arguments).
  const text = (scale: number) => {
    const lines: string[] = [];
    for (let index = 0; index < 300_000; index++) lines.push(`MEM ${((index % 1000) * scale).toFixed(6)} ${(index / 10).toFixed(4)}`);
    for (let index = 0; index < 40_000; index++) lines.push(`FUNC handle 10.0 ${index}.0000 ${10 + scale} ${index}.5000 0`);
    return `${lines.join('\n')}\n`;
  };
  const diff = diffRecordings(parseDat(text(1), 'a.dat'), parseDat(text(2), 'b.dat'), ['a.dat', 'b.dat']);
  assert.match(diff, /^Peak {6}999\.0 MiB → 1998\.0 MiB \(\+999\.0 MiB\)$/m);
  assert.match(diff, /^Samples {3}300000 → 300000$/m);
  assert.match(diff, /^handle {4}40000 → 40000 /m);
});
