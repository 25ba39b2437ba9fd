// Profiling without markers: `memprof --include <globs>` / MEMPROF_INCLUDE profile every function of
// the files that match, and print summed tables and the program-wide top lines at exit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, REGISTER, ROOT, runNode } from './helpers';

const APP = join(FIXTURES, 'include');
const CLI = join(ROOT, 'dist/src/cli/main.js');

function memprof(args: string[], env: Record<string, string> = {}) {
  const child = spawnSync(process.execPath, [CLI, ...args], {
    cwd: APP,
    env: { ...process.env, NODE_OPTIONS: '', MEMPROF_INCLUDE: '', MEMPROF_MAX_TABLES: '', MEMPROF_TOP_LINES: '', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

/** The "Allocated" figure of a top-lines row naming `where`, in MiB. */
function topLineAllocated(stdout: string, where: string): number {
  const row = stdout.split('\n').find((line) => line.includes(` ${where} `));
  assert.ok(row, `no top line for ${where}:\n${stdout}`);
  return Number(/^\s+([\d.]+) MiB/.exec(row!)![1]);
}

const plain = runNode('app.mjs', { hook: false, cwd: APP });

test('docs/line-profiling.md shows the command this file runs', () => {
  const doc = readFileSync(join(ROOT, 'docs/line-profiling.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Profiling whole files, without markers'));
  const block = /```sh\n([^`]*)```/.exec(section)![1];
  assert.equal(block, "cd fixtures/include\nmemprof --include 'src/**' app.mjs\n");
});

test('--include: every function of the matching files, CommonJS and ES module, summed at exit with the top lines', () => {
  assert.equal(plain.status, 0, plain.stderr);
  const run = memprof(['--include', 'src/**', 'app.mjs']);
  assert.equal(run.status, 0, run.stderr);
  // One notice (on stderr, as memprof's notices go when the tables go to stdout), not one per function.
  assert.match(run.stderr, /^memprof: every function of the files matching src\/\*\* is profiled; [^\n]*\n$/);
  // The program's own output comes first, once, then what memprof prints at exit.
  assert.ok(run.stdout.startsWith(plain.stdout), run.stdout);
  assert.equal(run.stdout.match(/^memprof: /gm)!.length, 1, 'the top lines');
  for (const name of ['makeRecords', 'indexById', 'fillBuffers']) {
    assert.match(run.stdout, new RegExp(`^${name}: 3 calls, allocated`, 'm'));
  }
  assert.equal(run.stdout.match(/^Calls: 3 summed/gm)!.length, 3);
  // The dependency in node_modules is left alone: no glob names it.
  assert.doesNotMatch(run.stdout, /repeat/);
  // 3 calls x 2 buffers x 10 MiB on one line; 600,000 records on another.
  const buffers = topLineAllocated(run.stdout, 'src/buffers.mjs:4');
  assert.ok(buffers >= 59 && buffers <= 62, `buffers line allocated ${buffers} MiB`);
  assert.ok(topLineAllocated(run.stdout, 'src/records.js:7') >= 30);
  assert.match(run.stdout, /^memprof: the \d+ lines that allocated most .*; 3 functions profiled, 9 calls$/m);
  // Lines that show as 0.0 MiB are left out of the list.
  assert.doesNotMatch(run.stdout.slice(run.stdout.lastIndexOf('lines that allocated most')), / 0\.0 MiB/);
});

test('MEMPROF_INCLUDE under the hook: a glob naming node_modules profiles the dependency; per-call tables on request', () => {
  const run = runNode('app.mjs', {
    cwd: APP,
    nodeArgs: ['--import', join(REGISTER, 'index.js')],
    hook: false,
    env: { MEMPROF_INCLUDE: 'src/records.js,**/node_modules/tiny-dep/**', MEMPROF_MAX_TABLES: 'all' },
  });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.match(/^makeRecords: allocated/gm)?.length, 3, run.stdout);
  assert.match(run.stdout, /^repeat: allocated/m);
  assert.doesNotMatch(run.stdout, /fillBuffers/);
  // Per-call tables asked for: no summing notice; the top lines still come at exit.
  assert.doesNotMatch(run.stdout, /summed/);
  assert.match(run.stdout, /lines that allocated most .*; 3 functions profiled, 7 calls$/m);
});

test('with MEMPROF_OUTPUT, the program prints exactly what it prints without memprof', () => {
  const run = runNode('app.mjs', { cwd: APP, tablesToFile: true, env: { MEMPROF_INCLUDE: 'src/**' } });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout, plain.stdout);
  assert.equal(run.stderr, plain.stderr);
  assert.match(run.tables, /^memprof: every function of the files matching src\/\*\* is profiled/);
  assert.match(run.tables, /lines that allocated most/);
});

test('a malformed include is one line and exit 2, before the program runs', () => {
  const cli = memprof(['--include', 'src/**,,x', 'app.mjs']);
  assert.equal(cli.status, 2);
  assert.equal(cli.stdout, '');
  assert.match(cli.stderr, /^memprof: --include has an empty glob: "src\/\*\*,,x"\n/);
  const hook = runNode('app.mjs', { cwd: APP, env: { MEMPROF_INCLUDE: 'src/**,,x' } });
  assert.equal(hook.status, 2);
  assert.equal(hook.stdout, '');
  assert.equal(hook.stderr, 'memprof: MEMPROF_INCLUDE has an empty glob: "src/**,,x"\n');
  const count = memprof(['--include', 'src/**', '--top-lines', 'many', 'app.mjs']);
  assert.equal(count.status, 2);
  assert.match(count.stderr, /--top-lines must be a whole number, got "many"/);
});
