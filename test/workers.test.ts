// worker_threads: a marked function running in a Worker gets its table, and its marker under
// memprof run; the worker's end does not crash the process (the native addon's memory is V8's).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, ROOT, parseTables, rowContaining, runNode } from './helpers';
import { tempDirs } from './temp-dirs';

const MAIN = join(FIXTURES, 'workers', 'main.js');
const tempDir = tempDirs('memprof-workers-');

for (const env of [{}, { MEMPROF_NO_ADDON: '1' }]) {
  test(`a profiled function in a worker thread prints its table${'MEMPROF_NO_ADDON' in env ? ' (no addon)' : ''}`, () => {
    const run = runNode(MAIN, { env });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^worker built 2000000$/m);
    assert.match(run.stdout, /^worker exit 0$/m);
    const [table] = parseTables(run.stdout);
    assert.equal(table.filename, join(FIXTURES, 'workers', 'job.js'));
    assert.ok(Math.abs((rowContaining(table, 'new Array(2e6)').allocatedMiB ?? 0) - 15.3) <= 0.2);
  });
}

test('under memprof run, the worker\'s call is a marker of the recorded process', () => {
  const output = join(tempDir(), 'workers.dat');
  const run = spawnSync(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), 'run', '-o', output, process.execPath, MAIN], {
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^worker exit 0$/m);
  assert.match(readFileSync(output, 'utf8'), /^FUNC build [\d.]+ [\d.]+ [\d.]+ [\d.]+ 0$/m);
});
