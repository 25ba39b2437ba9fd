// docs/report.md as written: the seed example's JSON line data, then `memprof report --html`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, REGISTER, ROOT } from './helpers';
import { tempDirs } from './temp-dirs';

const tempDir = tempDirs('memprof-report-');
const CLI = join(ROOT, 'dist/src/cli/main.js');
const env = { ...process.env, NODE_OPTIONS: '' };

test('the seed example as an annotated-source page', () => {
  const cwd = tempDir();
  const json = join(cwd, 'run.json');
  const run = spawnSync(process.execPath, ['-r', REGISTER, join(FIXTURES, 'seed/example.js')], { cwd, env: { ...env, MEMPROF_FORMAT: 'json', MEMPROF_OUTPUT: json }, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const report = spawnSync(process.execPath, [CLI, 'report', '--html', '-o', 'report.html', 'run.json'], { cwd, env, encoding: 'utf8' });
  assert.equal(report.status, 0, report.stderr);
  assert.equal(report.stdout, `${join(cwd, 'report.html')}\n`);
  const page = readFileSync(join(cwd, 'report.html'), 'utf8');
  // Line 7 of the seed allocates the 20M-element array: 152.6 MiB, the whole heat bar.
  assert.match(page, /<tr id="file-0-L7" class="ran"><td class="number">7<\/td><td>152\.6 MiB<\/td><td><span class="heat" title="152\.6 MiB"><span style="width:100\.0%"><\/span><\/span><\/td><td>\+152\.6 MiB<\/td><td>1<\/td><td class="code">  let b = new Array\(2e7\)\.fill\(2\);<\/td><\/tr>/);
  assert.match(page, /<a href="#file-0-L4">myFunc<\/a><\/td><td>160\.2 MiB/);
});

test('bad input: one line naming the file, exit 1; no --html or no file: usage, exit 2', () => {
  const cwd = tempDir();
  const missing = spawnSync(process.execPath, [CLI, 'report', '--html', 'nosuch.json'], { cwd, env, encoding: 'utf8' });
  assert.equal(missing.status, 1);
  assert.equal(missing.stderr, 'memprof: cannot read nosuch.json: ENOENT\n');
  const usage = spawnSync(process.execPath, [CLI, 'report', 'x.json'], { cwd, env, encoding: 'utf8' });
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /^memprof: memprof report needs --html\n/);
  assert.equal(existsSync(join(cwd, 'memprof-report.html')), false);
});

test("several processes' files: one that holds no results (nothing profiled, a log), or whose last report a crash cut short, leaves the page whole with a word", () => {
  const cwd = tempDir();
  const run = spawnSync(process.execPath, ['-r', REGISTER, join(FIXTURES, 'seed/example.js')], { cwd, env: { ...env, MEMPROF_FORMAT: 'json', MEMPROF_OUTPUT: 'run.json' }, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const reportLine = readFileSync(join(cwd, 'run.json'), 'utf8').split('\n')[0];
  writeFileSync(join(cwd, 'worker.txt'), 'a worker that profiled nothing\n');
  writeFileSync(join(cwd, 'log.json'), '{"level": "info", "msg": "started"}\n');
  writeFileSync(join(cwd, 'crashed.json'), `${reportLine}\n${reportLine.slice(0, 50)}`);
  const report = spawnSync(process.execPath, [CLI, 'report', '--html', 'run.json', 'worker.txt', 'log.json', 'crashed.json'], { cwd, env, encoding: 'utf8' });
  assert.equal(report.status, 0, report.stderr);
  assert.equal(
    report.stderr,
    'memprof: warning: worker.txt holds no memprof results (call reports from --json or MEMPROF_FORMAT=json, or collect() results); left out\n' +
      'memprof: warning: log.json is JSON, but not memprof results (call reports from --json or MEMPROF_FORMAT=json, or collect() results); left out\n' +
      'memprof: warning: crashed.json: line 2 is a call report cut short or damaged; left out\n',
  );
  assert.match(readFileSync(join(cwd, 'memprof-report.html'), 'utf8'), /myFunc/);
  // Alone, a file without results is an error; among others, so is one that cannot be read.
  const alone = spawnSync(process.execPath, [CLI, 'report', '--html', 'worker.txt'], { cwd, env, encoding: 'utf8' });
  assert.equal(alone.status, 1);
  assert.equal(alone.stderr, 'memprof: worker.txt holds no memprof results (call reports from --json or MEMPROF_FORMAT=json, or collect() results)\n');
  const missing = spawnSync(process.execPath, [CLI, 'report', '--html', 'run.json', 'nosuch.json'], { cwd, env, encoding: 'utf8' });
  assert.equal(missing.status, 1);
  assert.equal(missing.stderr, 'memprof: cannot read nosuch.json: ENOENT\n');
  const nothing = spawnSync(process.execPath, [CLI, 'report', '--html', 'worker.txt', 'log.json'], { cwd, env, encoding: 'utf8' });
  assert.equal(nothing.status, 1);
  assert.match(nothing.stderr, /^memprof: warning: worker\.txt holds no memprof results .*; left out\nmemprof: warning: log\.json is JSON, but not memprof results .*; left out\nmemprof: no profiled calls in worker\.txt, log\.json\n$/);
});
