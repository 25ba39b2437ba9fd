// `memprof check` and `memprof diff` as a user runs them: a budget file with scenarios (a file
// exporting functions, and a results file of --json output), --update, a passing check, regressions
// of allocated and retained memory with exit code 1, unusable budget files, and diffs of results and
// of recordings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, ROOT } from './helpers';
import { tempDirs } from './temp-dirs';

const CLI = join(ROOT, 'dist/src/cli/main.js');
const tempDir = tempDirs('memprof-check-');

function memprof(cwd: string, args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '', ...env }, timeout: 120_000 });
}

/** A project with a scenario file (sizes from the environment, so that a test can make it regress). */
function project(): string {
  const dir = tempDir();
  writeFileSync(
    join(dir, 'scenario.js'),
    `const kept = [];
/** @profile */
function build() {
  const rows = new Float64Array(Number(process.env.ROWS || 1000000));
  return rows.length;
}
function keep() {
  kept.push(new Float64Array(Number(process.env.KEEP || 0)));
}
module.exports = { build, keep };
`,
  );
  writeFileSync(join(dir, 'memprof.budget.json'), JSON.stringify({ runs: 3, scenarios: { 'build rows': { file: 'scenario.js', export: 'build' }, 'keep rows': { file: 'scenario.js', export: 'keep' } } }, null, 2));
  return dir;
}

const rowOf = (stdout: string, scenario: string, fn: string) => stdout.split('\n').find((line) => line.startsWith(scenario) && line.includes(` ${fn} `)) ?? '';

test('check --update writes the budget; check passes; more allocated, or more kept, is a regression', { timeout: 180_000 }, () => {
  const dir = project();
  const update = memprof(dir, ['check', '--update']);
  assert.equal(update.status, 0, update.stderr);
  assert.match(update.stdout, /memprof: wrote the budget of 3 functions in 2 scenarios to memprof\.budget\.json\n$/);
  assert.deepEqual(readdirSync(dir).sort(), ['memprof.budget.json', 'scenario.js'], 'no temporary file left');
  const written = JSON.parse(readFileSync(join(dir, 'memprof.budget.json'), 'utf8'));
  assert.equal(written.runs, 3, 'the rest of the file is kept');
  // A million doubles: 7.6 MiB, in the call as a whole and in build (compiling it adds some KiB).
  for (const figures of [written.budget['build rows']['(whole call)'], written.budget['build rows'].build]) {
    assert.ok(figures.allocatedBytes > 7.6 * 1024 * 1024 && figures.allocatedBytes < 8 * 1024 * 1024, JSON.stringify(figures));
  }
  assert.ok(written.budget['keep rows']['(whole call)'].retainedBytes < 64 * 1024, JSON.stringify(written.budget['keep rows']));

  const pass = memprof(dir, ['check']);
  assert.equal(pass.status, 0, `${pass.stdout}\n${pass.stderr}`);
  assert.match(pass.stdout, /^Scenario +Function +Allocated \(now \/ budget\) +Retained +Peak +Status\n/);
  assert.match(rowOf(pass.stdout, 'build rows', 'build'), / ok$/);
  assert.doesNotMatch(pass.stdout, /REGRESSION/);

  const more = memprof(dir, ['check', '--runs', '1'], { ROWS: '1500000' });
  assert.equal(more.status, 1, more.stderr);
  assert.match(rowOf(more.stdout, 'build rows', 'build'), /^build rows +build +11\.\d MiB \/ 7\.\d MiB ✗ .* REGRESSION$/);
  assert.match(more.stdout, /memprof: build rows › build: allocated 11\.\d MiB, over its budget of 7\.\d MiB \+ 10% \+ 1\.0 MiB\n/);
  assert.match(rowOf(more.stdout, 'keep rows', '(whole call)'), / ok$/);

  const kept = memprof(dir, ['check', '--runs', '1'], { KEEP: '1000000' });
  assert.equal(kept.status, 1, kept.stderr);
  assert.match(kept.stdout, /memprof: keep rows › \(whole call\): retained 7\.\d MiB, over its budget of [\d.]+ K?i?B \+ 10% \+ 1\.0 MiB\n/);
});

test('a results scenario: --json output of the test suite, checked without running anything', () => {
  const dir = tempDir();
  const results = memprof(dir, ['--json', join(FIXTURES, 'seed', 'example.js')]);
  assert.equal(results.status, 0, results.stderr);
  writeFileSync(join(dir, 'results.json'), results.stdout);
  writeFileSync(join(dir, 'budget.json'), JSON.stringify({ scenarios: { seed: { results: 'results.json' } } }));
  assert.equal(memprof(dir, ['check', '-b', 'budget.json', '--update']).status, 0);
  const budget = JSON.parse(readFileSync(join(dir, 'budget.json'), 'utf8')).budget.seed.myFunc;
  assert.ok(budget.allocatedBytes > 159 * 1024 * 1024 && budget.allocatedBytes < 162 * 1024 * 1024, JSON.stringify(budget));
  const check = memprof(dir, ['check', '-b', 'budget.json']);
  assert.equal(check.status, 0, check.stdout);
  assert.match(rowOf(check.stdout, 'seed', 'myFunc'), /^seed +myFunc +160\.2 MiB \/ 160\.2 MiB .* ok$/);
});

test('budget files and scenarios that cannot be used: one line naming them, exit 2', () => {
  const dir = project();
  const cases: Array<[string[], RegExp]> = [
    [['check', '-b', 'none.json'], /^memprof: cannot find none\.json\n$/],
    [['check', '--runs', 'many'], /^memprof: --runs must be a whole number of at least 1, got "many"\n/],
    [['check', 'scenario.js'], /^memprof: memprof check takes no files \(the budget file names the scenarios\), got scenario\.js\n/],
  ];
  for (const [args, message] of cases) {
    const run = memprof(dir, args);
    assert.equal(run.status, 2, args.join(' '));
    assert.match(run.stderr, message);
  }
  writeFileSync(join(dir, 'memprof.budget.json'), JSON.stringify({ scenarios: { broken: { file: 'scenario.js', export: 'nope' } } }));
  const missing = memprof(dir, ['check']);
  assert.equal(missing.status, 2);
  assert.equal(missing.stderr, 'memprof: scenario "broken": scenario.js has no function export "nope"; it exports build, keep\n');
  writeFileSync(join(dir, 'memprof.budget.json'), JSON.stringify({ scenarios: { suite: { results: 'out.json' } } }));
  const unread = memprof(dir, ['check']);
  assert.equal(unread.status, 2);
  assert.equal(unread.stderr, 'memprof: scenario "suite": cannot read out.json: ENOENT\n');
});

test('memprof diff: two results files per function and per line; two recordings; mixed or missing files refused', () => {
  const dir = project();
  const script = join(dir, 'run.js');
  writeFileSync(script, "require('./scenario.js').build();\n");
  // The runs below read compiled files from a cache of their own, warmed by the first: this test is
  // about diff output, and first calls on a cold cache have a test of their own (first-calls.test.ts).
  const cache = { MEMPROF_CACHE_DIR: join(dir, 'cache') };
  assert.equal(memprof(dir, ['--json', script], { ROWS: '10', ...cache }).status, 0);
  for (const [name, rows] of [['before.json', '100000'], ['after.json', '300000']] as const) {
    const run = memprof(dir, ['--json', script], { ROWS: rows, ...cache });
    assert.equal(run.status, 0, run.stderr);
    writeFileSync(join(dir, name), run.stdout);
  }
  const diff = memprof(dir, ['diff', 'before.json', 'after.json']);
  assert.equal(diff.status, 0, diff.stderr);
  assert.match(diff.stdout, /^Functions, the largest change first:\nFunction +Calls +Allocated +Retained +Peak\nbuild +1 → 1 +78\d\.\d KiB → 2\.3 MiB \(\+1\.5 MiB\)/);
  assert.match(diff.stdout, /\nscenario\.js:4 +build +78\d\.\d KiB → 2\.3 MiB \(\+1\.5 MiB\) .* 1 → 1 +const rows = new Float64Array/);

  const recordings = memprof(ROOT, ['diff', 'fixtures/plot/plain.dat', 'fixtures/plot/service.dat']);
  assert.equal(recordings.status, 0, recordings.stderr);
  assert.match(recordings.stdout, /^fixtures\/plot\/plain\.dat → fixtures\/plot\/service\.dat\n/);
  assert.match(recordings.stdout, /\nPeak +[\d.]+ MiB → 231\.5 MiB \([-+][\d.]+ MiB\)\n/);
  assert.match(recordings.stdout, /\ndelay +0 → 6 +- → 1\.20 s/);

  const refused: Array<[string[], number, RegExp]> = [
    [['diff', 'before.json'], 2, /^memprof: memprof diff needs two files, before and after; got 1\n/],
    [['diff', 'before.json', join(FIXTURES, 'plot', 'plain.dat')], 2, /^memprof: memprof diff compares two results files or two recordings \(\.dat\), not one of each\n/],
    [['diff', 'before.json', 'nope.json'], 2, /^memprof: cannot read nope\.json: ENOENT\n$/],
    [['diff', 'before.json', 'memprof.budget.json'], 2, /^memprof: memprof\.budget\.json is JSON, but not memprof results/],
  ];
  for (const [args, status, message] of refused) {
    const run = memprof(dir, args);
    assert.equal(run.status, status, args.join(' '));
    assert.match(run.stderr, message, args.join(' '));
  }
});
