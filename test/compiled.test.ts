// Compiled JavaScript with source maps, as tsc and esbuild write it (dist/*.js and .map, or inline),
// run with the load hook: the tables are the TypeScript's, line numbers and text, decorated methods
// included in the shapes both compilers give legacy and standard decorators.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { FIXTURES, parseTables, REGISTER, ROOT, runNode, type ParsedTable } from './helpers';
import { tempDirs } from './temp-dirs';

const PROJECT = join(FIXTURES, 'compiled');
const SOURCE = join(PROJECT, 'src/store.ts');
const SOURCE_LINES = readFileSync(SOURCE, 'utf8').split('\n');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const tempDir = tempDirs('memprof-compiled-');
let out = '';

before(() => {
  out = tempDir();
  // The compiled files require 'memprof': this checkout.
  mkdirSync(join(out, 'node_modules'));
  symlinkSync(ROOT, join(out, 'node_modules/memprof'));
});

/** The four tables, each checked against the TypeScript source line by line. */
function assertOriginalTables(stdout: string, variant: string): Map<string, ParsedTable> {
  assert.match(stdout, /^rows 100000 fill 1000000 scratch 2000000$/m, variant);
  const tables = parseTables(stdout);
  const byName = new Map(tables.map((table) => [table.footer.split(':')[0], table]));
  assert.deepEqual([...byName.keys()], ['makeRows', 'total', 'Store.fill', 'Store.scratch'], variant);
  const firstLines = { makeRows: 9, total: 16, 'Store.fill': 24, 'Store.scratch': 31 };
  for (const [name, table] of byName) {
    assert.equal(table.filename, SOURCE, `${variant} ${name}`);
    assert.equal(table.rows[0].line, firstLines[name as keyof typeof firstLines], `${variant} ${name}`);
    for (const row of table.rows) assert.equal(row.contents, SOURCE_LINES[row.line - 1].trimStart(), `${variant} ${name} line ${row.line}`);
    // Line by line, not whole calls: the statements have their own rows.
    assert.ok(table.rows.filter((row) => row.occurrences !== undefined).length >= 3, `${variant} ${name}`);
  }
  const fill = byName.get('Store.fill')!.rows.find((row) => row.line === 26)!;
  assert.ok(fill.allocatedMiB! > 7 && fill.allocatedMiB! < 8.5, `${variant}: ${JSON.stringify(fill)}`);
  assert.equal(byName.get('makeRows')!.rows.find((row) => row.line === 12)?.occurrences, 100_001, variant);
  return byName;
}

function run(file: string, nodeArgs: string[] = []) {
  const result = runNode(file, { hook: nodeArgs.length === 0, nodeArgs, cwd: out, env: { MEMPROF_CACHE: '0' } });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '', file);
  return result.stdout;
}

test('tsc output: legacy decorators with .map files, standard decorators with inline maps', () => {
  execFileSync(process.execPath, [TSC, '-p', PROJECT, '--outDir', join(out, 'tsc-legacy'), '--experimentalDecorators'], { stdio: 'pipe' });
  execFileSync(process.execPath, [TSC, '-p', PROJECT, '--outDir', join(out, 'tsc-standard'), '--sourceMap', 'false', '--inlineSourceMap'], { stdio: 'pipe' });
  // tsc's shapes: `__decorate([memprof_1.profile], Store.prototype, "fill", null)`, and `__esDecorate`.
  assert.match(readFileSync(join(out, 'tsc-legacy/store.js'), 'utf8'), /__decorate\(\[\s*memprof_1\.profile\s*\], Store\.prototype, "fill", null\)/);
  assert.match(readFileSync(join(out, 'tsc-standard/store.js'), 'utf8'), /_fill_decorators = \[memprof_1\.profile\];[\s\S]*__esDecorate\(this, null, _fill_decorators/);
  assertOriginalTables(run(join(out, 'tsc-legacy/main.js')), 'tsc legacy');
  assertOriginalTables(run(join(out, 'tsc-standard/main.js')), 'tsc standard');
});

test('esbuild output: comments dropped, decorators lowered; .map beside the file, inline, and a bundle', () => {
  const build = (outdir: string, experimentalDecorators: boolean, options: object) =>
    buildSync({
      entryPoints: [join(PROJECT, 'src/main.ts'), join(PROJECT, 'src/store.ts')],
      outdir: join(out, outdir),
      format: 'cjs',
      platform: 'node',
      target: 'es2022',
      logLevel: 'silent',
      tsconfigRaw: { compilerOptions: { experimentalDecorators } },
      ...options,
    });
  build('esbuild-legacy', true, { sourcemap: 'external' });
  build('esbuild-standard', false, { sourcemap: 'inline' });
  buildSync({
    entryPoints: [join(PROJECT, 'src/main.ts')],
    bundle: true,
    external: ['memprof'],
    outfile: join(out, 'esbuild-bundle/main.mjs'),
    format: 'esm',
    platform: 'node',
    target: 'es2022',
    sourcemap: 'linked',
    logLevel: 'silent',
  });
  const legacy = readFileSync(join(out, 'esbuild-legacy/store.js'), 'utf8');
  assert.doesNotMatch(legacy, /@profile|sourceMappingURL/, 'esbuild keeps no marker comment, and names no .map');
  assert.match(legacy, /__decorateClass\(\[\s*import_memprof\.profile\s*\], Store\.prototype, "fill", 1\)/);
  assert.match(readFileSync(join(out, 'esbuild-standard/store.js'), 'utf8'), /_fill_dec = \[import_memprof\.profile\][\s\S]*__decorateElement\(_init, 1, "fill", _fill_dec, Store\)/);
  assertOriginalTables(run(join(out, 'esbuild-legacy/main.js')), 'esbuild legacy');
  assertOriginalTables(run(join(out, 'esbuild-standard/main.js')), 'esbuild standard');
  // One ES module made of both files, through the ES module hooks.
  assertOriginalTables(run(join(out, 'esbuild-bundle/main.mjs'), ['--import', join(REGISTER, 'index.js')]), 'esbuild bundle');
});
