// The on-disk transform cache: used when valid, ignored when damaged, off when asked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { openTransformCache } from '../src/hooks/transform-cache';
import { FIXTURES, parseTables, runNode } from './helpers';

function cacheFiles(directory: string): string[] {
  try {
    return readdirSync(directory).filter((name) => name.endsWith('.pack'));
  } catch {
    return [];
  }
}

test('entries round-trip through one pack per process, and a damaged pack is a miss', () => {
  const directory = mkdtempSync(join(tmpdir(), 'memprof-cache-'));
  try {
    const cache = openTransformCache({ MEMPROF_CACHE_DIR: directory });
    assert.ok(cache);
    const options = { moduleKind: 'commonjs' };
    assert.equal(cache.get('source', '/app/a.ts', options), undefined);
    const functions = [{ name: 'f', firstLine: 1, lastLine: 2 }];
    const map = JSON.stringify({ version: 3, sources: ['file:///app/b.js'], names: [], mappings: 'AAAA' });
    cache.set('source é', '/app/a.ts', options, { code: 'compiled é', map: null, functions });
    cache.set('mapped source', '/app/b.js', {}, { code: 'compiled b', map, functions });
    cache.set('says profile', '/app/c.js', {}, null);
    assert.deepEqual(cache.get('source é', '/app/a.ts', options), { code: 'compiled é', map: null, functions }, 'found again without a read');
    assert.equal(cacheFiles(directory).length, 1, 'one pack for the three entries');

    const reader = openTransformCache({ MEMPROF_CACHE_DIR: directory })!;
    assert.deepEqual(reader.get('source é', '/app/a.ts', options), { code: 'compiled é', map: null, functions });
    assert.deepEqual(reader.get('mapped source', '/app/b.js', {}), { code: 'compiled b', map, functions });
    assert.equal(reader.get('says profile', '/app/c.js', {}), null, 'a file that needs no transform is remembered too');
    // Another source, file or options: a miss.
    assert.equal(reader.get('source è', '/app/a.ts', options), undefined);
    assert.equal(reader.get('source é', '/app/b.ts', options), undefined);
    assert.equal(reader.get('source é', '/app/a.ts', { moduleKind: 'esm' }), undefined);

    for (const file of cacheFiles(directory)) writeFileSync(join(directory, file), '{"code": 12');
    assert.equal(openTransformCache({ MEMPROF_CACHE_DIR: directory })!.get('source é', '/app/a.ts', options), undefined);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('past 8 packs, the one started merges them, one version per file; packs of another compiler are never read', () => {
  const directory = mkdtempSync(join(tmpdir(), 'memprof-cache-'));
  try {
    const functions = [{ name: 'f', firstLine: 1, lastLine: 2 }];
    // A pack an older memprof wrote, for the same file and source.
    const key = '/app/0.js\0{}';
    writeFileSync(join(directory, '000000000-1-old.pack'), `memprof-pack 3\nold${key.length} 8 3 2 0\n${key}source 0old[]`);
    for (let run = 0; run < 10; run++) {
      const cache = openTransformCache({ MEMPROF_CACHE_DIR: directory })!;
      if (run === 0) assert.equal(cache.get('source 0', '/app/0.js', {}), undefined, 'the old pack is not read');
      cache.set(`source ${run}`, `/app/${run}.js`, {}, { code: `code ${run}`, map: null, functions });
      // An edit of file 0 in every run: only its last version is worth keeping.
      if (run > 0) cache.set(`source 0 edited ${run}`, '/app/0.js', {}, { code: `code 0 edited ${run}`, map: null, functions });
      assert.ok(cacheFiles(directory).length <= 8, `${cacheFiles(directory).length} packs after run ${run}`);
    }
    assert.ok(!cacheFiles(directory).includes('000000000-1-old.pack'), 'removed by the merge');
    const reader = openTransformCache({ MEMPROF_CACHE_DIR: directory })!;
    for (let run = 1; run < 10; run++) assert.deepEqual(reader.get(`source ${run}`, `/app/${run}.js`, {}), { code: `code ${run}`, map: null, functions }, `entry ${run}`);
    assert.deepEqual(reader.get('source 0 edited 9', '/app/0.js', {}), { code: 'code 0 edited 9', map: null, functions });
    assert.equal(reader.get('source 0 edited 2', '/app/0.js', {}), undefined, 'older versions went with the merge');
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('a pack cut short (a crash while writing) keeps its whole records; entries are read from the file once the pack is out of memory', () => {
  const directory = mkdtempSync(join(tmpdir(), 'memprof-cache-'));
  try {
    const functions = [{ name: 'f', firstLine: 1, lastLine: 2 }];
    const cache = openTransformCache({ MEMPROF_CACHE_DIR: directory })!;
    for (let index = 0; index < 50; index++) cache.set(`source ${index}`, `/app/${index}.js`, {}, { code: `code ${index} ${'x'.repeat(40_000)}`, map: null, functions });
    const [pack] = cacheFiles(directory);
    // The program reads its entries in a later turn of the event loop, after a full collection:
    // the pack read whole at the first get is gone from memory by then.
    const script = `
      const { openTransformCache } = require(${JSON.stringify(join(__dirname, '..', 'src', 'hooks', 'transform-cache.js'))});
      const cache = openTransformCache({ MEMPROF_CACHE_DIR: ${JSON.stringify(directory)} });
      const first = cache.get('source 0', '/app/0.js', {});
      setImmediate(() => {
        globalThis.gc();
        const codes = [first];
        for (let index = 1; index < 50; index++) codes.push(cache.get('source ' + index, '/app/' + index + '.js', {}));
        console.log(codes.map((entry) => entry ? entry.code.split(' ')[1] : 'miss').join(','));
      });`;
    const whole = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8' });
    assert.equal(whole.stdout.trim(), Array.from({ length: 50 }, (_, index) => index).join(','), whole.stderr);
    // Cut in the middle of the last record: the 49 before it stay.
    const bytes = readFileSync(join(directory, pack));
    writeFileSync(join(directory, pack), bytes.subarray(0, bytes.length - 20_000));
    const cut = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8' });
    assert.equal(cut.stdout.trim(), [...Array.from({ length: 49 }, (_, index) => index), 'miss'].join(','), cut.stderr);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
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

test("a cached file's source map goes with its code: with source maps on, frames name the original line and column, cold and warm", () => {
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
    assert.equal(cacheFiles(join(directory, 'cache')).length, 1, 'one pack');
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
