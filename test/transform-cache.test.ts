// The on-disk transform cache: used when valid, ignored when damaged, off when asked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

test('entries round-trip, one file each, and a damaged entry is a miss', () => {
  const directory = mkdtempSync(join(tmpdir(), 'memprof-cache-'));
  try {
    const cache = openTransformCache({ MEMPROF_CACHE_DIR: directory });
    assert.ok(cache);
    const key = cacheKey('source', '/app/a.ts', { moduleKind: 'commonjs' });
    assert.equal(cache.get(key), undefined);
    const functions = [{ name: 'f', firstLine: 1, lastLine: 2 }];
    assert.deepEqual(cache.set(key, { code: 'compiled', map: null, functions }), { code: 'compiled', map: null, functions });
    assert.deepEqual(cache.get(key), { code: 'compiled', map: null, functions });
    cache.set('ff00', null);
    assert.equal(cache.get('ff00'), null, 'a file that needs no transform is remembered too');

    // With a source map, the entry's file is that map: the code's sourceMappingURL can name it.
    const mapped = cacheKey('mapped source', '/app/b.js', {});
    const map = { version: 3, sources: ['b.js'], names: [], mappings: 'AAAA' };
    const stored = cache.set(mapped, { code: 'compiled b', map, functions });
    assert.ok(stored?.mapFile);
    assert.deepEqual(JSON.parse(readFileSync(stored.mapFile, 'utf8')), { ...map, x_memprof: { code: 'compiled b', functions } });
    assert.deepEqual(cache.get(mapped), { code: 'compiled b', map, functions, mapFile: stored.mapFile });
    assert.equal(cacheFiles(directory).length, 3, 'one file per entry');

    for (const file of cacheFiles(directory)) writeFileSync(join(directory, file), '{"code": 12');
    assert.equal(cache.get(key), undefined);
    assert.equal(cache.get(mapped), undefined);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
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
  try {
    const run = runNode(join(FIXTURES, 'seed/example.ts'), { env: { MEMPROF_CACHE: '0', MEMPROF_CACHE_DIR: directory } });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(cacheFiles(directory), []);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('a program runs the same from a cold cache, a warm one, and a corrupted one', () => {
  const directory = mkdtempSync(join(tmpdir(), 'memprof-cache-'));
  try {
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
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test("a cached file's source map is the entry's file: with source maps on, frames name the original line and column, cold and warm", () => {
  const directory = mkdtempSync(join(tmpdir(), 'memprof-cache-'));
  try {
    const program = join(directory, 'boom.js');
    writeFileSync(
      program,
      // The throw shares its line with the function's start, where memprof's code goes: its column moves.
      "/** @profile */\nfunction boom(a = 1) { const b = a + 1; throw new Error('boom ' + b); }\n" +
        "try { boom(); } catch (error) { console.log(error.stack.split('\\n')[1].trim()); }\n",
    );
    const options = { nodeArgs: ['--enable-source-maps'], tablesToFile: true, env: { MEMPROF_CACHE_DIR: join(directory, 'cache') } };
    const plain = runNode(program, { hook: false });
    assert.equal(plain.stdout, `at boom (${program}:2:47)\n`);
    const cold = runNode(program, options);
    const warm = runNode(program, options);
    assert.equal(cold.stdout, plain.stdout, cold.stderr);
    assert.equal(warm.stdout, plain.stdout, warm.stderr);
    assert.match(cold.tables, /throw new Error/);
    // Without source maps the column is the instrumented code's: the map is what puts it back.
    assert.notEqual(runNode(program, { ...options, nodeArgs: [] }).stdout, plain.stdout);
    assert.equal(cacheFiles(join(directory, 'cache')).length, 1);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
