// toNotLeak(), findLeaks() and the per-test limits of package.json inside real Jest and Vitest projects
// (fixtures/leaks/*-project), with memprof installed from its packed tarball, as a user would have it.
// Each project has two tests that must fail (a leak under toNotLeak, a test over allocateAtMost):
// their failure messages are what a user would read.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, ROOT } from './helpers';

const WORKSPACE = mkdtempSync(join(tmpdir(), 'memprof-leak-projects-'));
after(() => rmSync(WORKSPACE, { recursive: true, force: true }));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

before(() => {
  execFileSync(NPM, ['pack', '--ignore-scripts', '--silent', '--pack-destination', WORKSPACE], { cwd: ROOT, stdio: 'pipe' });
  const [tarball] = readdirSync(WORKSPACE).filter((name) => name.endsWith('.tgz'));
  cpSync(join(WORKSPACE, tarball), join(WORKSPACE, 'memprof.tgz'));
});

function installProject(name: string): string {
  const directory = join(WORKSPACE, name);
  cpSync(join(FIXTURES, 'leaks', name), directory, { recursive: true, filter: (source) => !source.includes('node_modules') });
  const install = spawnSync(NPM, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: directory, encoding: 'utf8', timeout: 240_000 });
  assert.equal(install.status, 0, `npm install in ${name} failed:\n${install.stderr}`);
  return directory;
}

interface TestOutcome {
  title: string;
  status: string;
  failureMessages: string[];
}

/** The tests of a Jest-style JSON report (Jest's --json, Vitest's json reporter), by title. */
function outcomes(reportFile: string): Map<string, TestOutcome> {
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { testResults: Array<{ assertionResults: TestOutcome[] }> };
  return new Map(report.testResults.flatMap((file) => file.assertionResults).map((outcome) => [outcome.title, outcome]));
}

function checkOutcomes(results: Map<string, TestOutcome>, output: string): void {
  const expectedToFail = [...results.values()].filter((outcome) => outcome.title.includes('(expected to fail)'));
  assert.equal(results.size, 7, output);
  for (const outcome of results.values()) {
    assert.equal(outcome.status, outcome.title.includes('(expected to fail)') ? 'failed' : 'passed', `${outcome.title}: ${outcome.failureMessages.join('\n')}`);
  }
  assert.equal(expectedToFail.length, 2);
  const leak = results.get('a leak fails the test (expected to fail)')!.failureMessages.join('\n');
  assert.match(leak, /expected the function not to leak, but it does \(toNotLeak\)/);
  assert.match(leak, /src\/sessions\.ts:7 {2}100\.\d KiB\/iteration/);
  // CommonJS (Jest) names the module variable; an ES module scope (Vitest) leaves it unnamed.
  assert.match(leak, /kept alive by: (open|module variable) \(Map\) → closure at src\/sessions\.ts:8 → payload \(Array, 100\.0 KiB\)/);
  const limit = results.get('a test that allocates more than allocateAtMost fails (expected to fail)')!.failureMessages.join('\n');
  // parse(30_000_000): an array of 30 million small integers, 228.9 MiB.
  const allocated = /memprof: the test allocated ([\d.]+) MiB( \(estimated\))?, more than 200\.0 MiB \(allocateAtMost, .*package\.json \(memprof\.eachTest\)\)/.exec(limit);
  assert.ok(allocated && Number(allocated[1]) > 225 && Number(allocated[1]) < 235, limit);
}

/** Installs the project, runs its test runner (which writes result.json) and checks what its tests did. */
function runProject(name: string, runner: string, args: string[]): void {
  const project = installProject(name);
  const run = spawnSync(process.execPath, [join(project, runner), ...args], {
    cwd: project,
    encoding: 'utf8',
    timeout: 180_000,
    env: { ...process.env, NODE_OPTIONS: '', CI: 'true' },
  });
  assert.equal(run.status, 1, `two tests are expected to fail:\n${run.stdout}\n${run.stderr}`);
  checkOutcomes(outcomes(join(project, 'result.json')), run.stderr);
}

test('a Jest project: toNotLeak, findLeaks and memprof.eachTest limits', { timeout: 300_000 }, () => {
  // Jest's cache goes in the project's temporary copy (by default it stays behind in /tmp/jest_*).
  runProject('jest-project', 'node_modules/jest/bin/jest.js', ['--cacheDirectory=.jest-cache', '--ci', '--json', '--outputFile=result.json']);
});

test('a Vitest project: toNotLeak, findLeaks and memprof.eachTest limits', { timeout: 300_000 }, () => {
  runProject('vitest-project', 'node_modules/vitest/vitest.mjs', ['run', '--reporter=json', '--outputFile=result.json']);
});
