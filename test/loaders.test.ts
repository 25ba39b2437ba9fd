// TypeScript run through the loaders teams use in development, ts-node and tsx (the real packages,
// devDependencies), with memprof's hook given before or after theirs: the tables are the
// TypeScript's, line numbers and text, for a comment marker and a decorated method.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, parseTables, REGISTER, ROOT, runNode } from './helpers';

const HOOK = join(REGISTER, 'index.js');
const TS_NODE = join(ROOT, 'node_modules/ts-node/register/index.js');
const TSX_CJS = join(ROOT, 'node_modules/tsx/dist/cjs/index.cjs');

function assertTypeScriptTables(project: 'cjs' | 'esm', nodeArgs: string[]): void {
  const directory = join(FIXTURES, 'loaders', project);
  const label = `${project}: node ${nodeArgs.map((arg) => arg.replace(`${ROOT}/`, '')).join(' ')}`;
  // No loader's cache in the temporary folder: tsx's (/tmp/tsx-0), ts-node's v8-compile-cache-lib
  // (/tmp/v8-compile-cache-0).
  const env = { MEMPROF_CACHE: '0', TSX_DISABLE_CACHE: '1', DISABLE_V8_COMPILE_CACHE: '1' };
  const run = runNode(join(directory, 'app.ts'), { hook: false, nodeArgs, cwd: directory, env });
  assert.equal(run.status, 0, `${label}\n${run.stderr}`);
  assert.equal(run.stderr, '', label);
  assert.match(run.stdout, /^build 1000000 fill 1000000$/m, label);
  const source = join(directory, 'store.ts');
  const lines = readFileSync(source, 'utf8').split('\n');
  const tables = parseTables(run.stdout);
  assert.deepEqual(tables.map((table) => table.footer.split(':')[0]), ['build', 'Store.fill'], label);
  for (const table of tables) {
    assert.equal(table.filename, source, label);
    for (const row of table.rows) assert.equal(row.contents, lines[row.line - 1].trimStart(), `${label}: line ${row.line}`);
  }
  const [build, fill] = tables;
  assert.deepEqual(build.rows.map((row) => row.line), [14, 15, 16, 17, 18], label);
  assert.deepEqual(fill.rows.map((row) => row.line), [6, 7, 8, 9, 10, 11], label);
  assert.ok(build.rows[2].allocatedMiB! > 7 && build.rows[2].allocatedMiB! < 8.5, `${label}: ${JSON.stringify(build.rows[2])}`);
  assert.ok(fill.rows[2].allocatedMiB! > 7 && fill.rows[2].allocatedMiB! < 8.5, `${label}: ${JSON.stringify(fill.rows[2])}`);
}

test('ts-node (type-checking, CommonJS), before or after memprof/register', { timeout: 120_000 }, () => {
  assertTypeScriptTables('cjs', ['-r', TS_NODE, '-r', HOOK]);
  assertTypeScriptTables('cjs', ['-r', HOOK, '-r', TS_NODE]);
});

test('tsx in a CommonJS project (-r tsx/cjs, --import tsx), before or after memprof/register', { timeout: 120_000 }, () => {
  assertTypeScriptTables('cjs', ['-r', TSX_CJS, '-r', HOOK]);
  assertTypeScriptTables('cjs', ['-r', HOOK, '-r', TSX_CJS]);
  assertTypeScriptTables('cjs', ['--import', 'tsx', '--import', HOOK]);
  assertTypeScriptTables('cjs', ['--import', HOOK, '--import', 'tsx']);
});

test('tsx in an ES module project, before or after memprof/register', { timeout: 120_000 }, () => {
  assertTypeScriptTables('esm', ['--import', 'tsx', '--import', HOOK]);
  assertTypeScriptTables('esm', ['--import', HOOK, '--import', 'tsx']);
});
