// Proof on real code: two third-party libraries' own test suites (qs and minimist, installed from npm
// as dev dependencies with the tests they ship, run by tape) pass or fail exactly as they do without
// memprof when every function of the library is profiled through MEMPROF_INCLUDE, and print
// byte for byte the same stdout and stderr (memprof's tables go to MEMPROF_OUTPUT).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REGISTER, ROOT } from './helpers';

const TAPE = join(dirname(require.resolve('tape/package.json', { paths: [ROOT] })), 'bin', 'tape');

interface Suite {
  library: string;
  /** Test files, as tape's own glob. */
  tests: string;
  /** The library's code, every function of which is profiled. */
  include: string;
  /** Fewer profiled functions than this means the glob missed the library. */
  atLeastFunctions: number;
}

const SUITES: Suite[] = [
  { library: 'qs', tests: 'test/**/*.js', include: '**/node_modules/qs/lib/**', atLeastFunctions: 40 },
  { library: 'minimist', tests: 'test/*.js', include: '**/node_modules/minimist/index.js', atLeastFunctions: 10 },
];

function runSuite(suite: Suite, env: Record<string, string>, nodeArgs: string[]) {
  const cwd = dirname(require.resolve(`${suite.library}/package.json`, { paths: [ROOT] }));
  const child = spawnSync(process.execPath, [...nodeArgs, TAPE, suite.tests], {
    cwd,
    env: { ...process.env, NODE_OPTIONS: '', MEMPROF_INCLUDE: '', MEMPROF_OUTPUT: '', ...env },
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { status: child.status, signal: child.signal, stdout: child.stdout, stderr: child.stderr };
}

for (const suite of SUITES) {
  test(`${suite.library}'s own tests: the same results and output with all its functions profiled`, () => {
    const plain = runSuite(suite, {}, []);
    assert.equal(plain.status, 0, `${suite.library}'s suite fails without memprof:\n${plain.stdout.slice(-2000)}`);
    assert.match(plain.stdout, /^# pass +\d+$/m);

    const dir = mkdtempSync(join(tmpdir(), 'memprof-suite-'));
    try {
      const tables = join(dir, 'tables.txt');
      const profiled = runSuite(suite, { MEMPROF_INCLUDE: suite.include, MEMPROF_OUTPUT: tables, MEMPROF_CACHE: '0' }, ['-r', REGISTER]);
      assert.equal(profiled.signal, null);
      assert.equal(profiled.status, plain.status);
      assert.equal(profiled.stderr, plain.stderr);
      assert.equal(profiled.stdout, plain.stdout);
      // The library was profiled: its functions' summed tables and the top lines are in the file.
      const report = readFileSync(tables, 'utf8');
      const summary = /; (\d+) functions? profiled, (\d+) calls?$/m.exec(report);
      assert.ok(summary, report.slice(-2000));
      assert.ok(Number(summary[1]) >= suite.atLeastFunctions, `only ${summary[1]} functions of ${suite.library} profiled`);
      assert.ok(Number(summary[2]) >= 1000, `only ${summary[2]} calls`);
      assert.equal(report.match(/^Filename: /gm)?.length, Number(summary[1]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
