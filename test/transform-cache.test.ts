// The on-disk transform cache: used when valid, ignored when damaged, off when asked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheKey, openTransformCache } from '../src/hooks/transform-cache';
import { FIXTURES, parseTables, runNode } from './helpers';

function cacheFiles(directory: string): string[] {
  try {
    return readdirSync(directory, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
}

test('entries round-trip, and a damaged entry is a miss', () => {
  const directory = mkdtempSync(join(tmpdir(), 'memprof-cache-'));
  const cache = openTransformCache({ MEMPROF_CACHE_DIR: directory });
  assert.ok(cache);
  const key = cacheKey('source', '/app/a.ts', { moduleKind: 'commonjs' });
  assert.equal(cache.get(key), undefined);
  cache.set(key, { code: 'compiled', map: null, functions: [{ name: 'f', firstLine: 1, lastLine: 2 }] });
  assert.deepEqual(cache.get(key), { code: 'compiled', map: null, functions: [{ name: 'f', firstLine: 1, lastLine: 2 }] });
  cache.set('ff00', null);
  assert.equal(cache.get('ff00'), null, 'a file that needs no transform is remembered too');
  for (const file of cacheFiles(directory)) writeFileSync(join(directory, file), '{"code": 12');
  assert.equal(cache.get(key), undefined);
});

test('the key changes with the source, the file name and the options', () => {
  const base = cacheKey('a', '/x.ts', { decorators: 'standard' });
  assert.notEqual(cacheKey('b', '/x.ts', { decorators: 'standard' }), base);
  assert.notEqual(cacheKey('a', '/y.ts', { decorators: 'standard' }), base);
  assert.notEqual(cacheKey('a', '/x.ts', { decorators: 'legacy' }), base);
  assert.equal(cacheKey('a', '/x.ts', { decorators: 'standard' }), base);
});

test('MEMPROF_CACHE=0 turns the cache off', () => {
  assert.equal(openTransformCache({ MEMPROF_CACHE: '0' }), undefined);
  const directory = mkdtempSync(join(tmpdir(), 'memprof-cache-'));
  const run = runNode(join(FIXTURES, 'seed/example.ts'), { env: { MEMPROF_CACHE: '0', MEMPROF_CACHE_DIR: directory } });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(cacheFiles(directory), []);
});

test('a program runs the same from a cold cache, a warm one, and a corrupted one', () => {
  const directory = mkdtempSync(join(tmpdir(), 'memprof-cache-'));
  const env = { MEMPROF_CACHE_DIR: directory };
  const file = join(FIXTURES, 'seed/example.ts');
  const cold = runNode(file, { env });
  assert.equal(cold.status, 0, cold.stderr);
  assert.ok(cacheFiles(directory).length >= 1, 'the cold run filled the cache');
  const warm = runNode(file, { env });
  for (const name of cacheFiles(directory)) writeFileSync(join(directory, name), 'not json');
  const corrupted = runNode(file, { env });
  for (const run of [warm, corrupted]) {
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stderr, '');
    const [table] = parseTables(run.stdout);
    assert.deepEqual(table.rows.map((row) => row.line), parseTables(cold.stdout)[0].rows.map((row) => row.line));
    assert.ok((table.rows.find((row) => row.contents.includes('filled(2e7'))?.incrementMiB ?? 0) > 150);
  }
});
