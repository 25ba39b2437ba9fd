// The instrumenter on compiled JavaScript, in process: esbuild compiles a TypeScript source (its
// comments dropped, its decorators lowered), and the instrumenter, given the source map, finds the
// marked functions there and samples them on the original lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { transformSync } from 'esbuild';
import { instrument } from '../../src/instrument/instrumenter';

const SOURCE = [
  'export class Store {', //                                   1
  '  @profile', //                                             2
  '  fill(size: number): number {', //                         3
  '    const values: number[] = new Array(size).fill(2);', //  4
  '    return values.length;', //                              5
  '  }', //                                                    6
  '  plain(): number { return 1; }', //                        7
  '}', //                                                      8
  '', //                                                       9
  '/** @profile */', //                                        10
  'export function build(n: number): number[] {', //          11
  '  const rows: number[] = new Array(n).fill(1);', //         12
  '  return rows;', //                                         13
  '}', //                                                      14
].join('\n');
const FILE = '/app/src/store.ts';

function compiled(experimentalDecorators: boolean) {
  const output = transformSync(SOURCE, { loader: 'ts', format: 'cjs', target: 'es2022', sourcemap: 'external', sourcefile: FILE, tsconfigRaw: { compilerOptions: { experimentalDecorators } } });
  return { code: output.code, map: JSON.parse(output.map) as object };
}

for (const experimentalDecorators of [true, false]) {
  test(`compiled by esbuild (${experimentalDecorators ? 'legacy' : 'standard'} decorators): the original's functions, lines and file`, () => {
    const { code, map } = compiled(experimentalDecorators);
    assert.doesNotMatch(code, /@profile/);
    const result = instrument(code, '/app/dist/store.js', { runtime: '/memprof/profiling.js', moduleKind: 'commonjs', original: { map, files: [FILE], contents: [SOURCE] } });
    assert.ok(result);
    assert.deepEqual(result.functions, [
      { name: 'Store.fill', firstLine: 2, lastLine: 6, file: FILE },
      { name: 'build', firstLine: 10, lastLine: 14, file: FILE },
    ]);
    assert.deepEqual([...result.code.matchAll(/\.at\((\d+)\)/g)].map((match) => Number(match[1])), [4, 5, 12, 13]);
    // The file is registered under the original's name, and the compiled decorator is the stand-in.
    assert.match(result.code, /registerFile\("\/app\/src\/store\.ts"/);
    assert.match(result.code, /_memprofFile\(\)\.marker\(0\)/);
    assert.doesNotMatch(result.code, /import_memprof|[[,]\s*profile\s*[\],]/);
    // The unmarked method is the compiler's, character for character.
    assert.ok(result.code.includes('  plain() {\n    return 1;\n  }'));
  });
}

test('a decorator whose compiled form cannot be found leaves its method to profile() at run time', () => {
  const { code, map } = compiled(true);
  // The decorator's reference renamed away: nothing maps to line 2 as `profile` any more.
  const renamed = code.replace(/profile\n\], Store\.prototype/, 'other\n], Store.prototype');
  const result = instrument(renamed, '/app/dist/store.js', { runtime: '/memprof/profiling.js', moduleKind: 'commonjs', original: { map, files: [FILE], contents: [SOURCE] } });
  assert.deepEqual(result?.functions.map((fn) => fn.name), ['build']);
});

test('memprof/babel-plugin is the plugin function for a native ES module default import, and for require()', async () => {
  const path = join(__dirname, '..', '..', 'src', 'integrations', 'babel-plugin.js');
  const imported = (await import(pathToFileURL(path).href)) as { default: unknown };
  assert.equal(typeof imported.default, 'function');
  const required = require(path) as { default: unknown };
  assert.equal(imported.default, required);
  assert.equal(required.default, required);
});
