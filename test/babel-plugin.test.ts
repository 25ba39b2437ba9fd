// memprof/babel-plugin inside a project's own Babel pipeline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { transformSync } from '@babel/core';
import { parseTables, ROOT } from './helpers';
import { tempDirs } from './temp-dirs';

const freshDirectory = tempDirs('memprof-plugin-');

const PLUGIN = join(ROOT, 'dist/src/integrations/babel-plugin.js');
const SOURCE = `import { profile } from 'memprof';
export const grow = profile(function grow(n) {
  const items = new Array(n).fill(0);
  return items.length;
});
`;

function compile(supportsStaticESM: boolean, extra: object = {}) {
  return transformSync(SOURCE, {
    filename: '/project/grow.js',
    babelrc: false,
    configFile: false,
    caller: { name: 'test', supportsStaticESM },
    plugins: [[PLUGIN, extra]],
  })?.code ?? '';
}

test('the plugin follows its caller: CommonJS output requires the runtime, ES modules use import.meta', () => {
  assert.match(compile(false), /require\(".*profiling\.js"\)\.registerFile\("\/project\/grow\.js"/);
  assert.doesNotMatch(compile(false), /import\.meta/);
  assert.match(compile(true), /import \{ createRequire as \w+ \} from "node:module"/);
  assert.match(compile(true), /\(import\.meta\.url\)\(".*profiling\.js"\)/);
  assert.match(compile(true, { moduleKind: 'commonjs' }), /require\(".*profiling/);
});

test('a bad plugin option is a clear error', () => {
  assert.throws(() => compile(true, { moduleKind: 'amd' }), /memprof\/babel-plugin: option moduleKind must be 'commonjs' or 'esm', got "amd"/);
});

test('code compiled by the plugin profiles when it runs', () => {
  const directory = freshDirectory();
  // The source stays where the table reads its lines from; the build output goes beside it.
  const file = join(directory, 'grow.mjs');
  const output = join(directory, 'grow.out.mjs');
  writeFileSync(file, SOURCE);
  const compiled = transformSync(SOURCE, {
    filename: file,
    babelrc: false,
    configFile: false,
    caller: { name: 'test', supportsStaticESM: true },
    plugins: [PLUGIN],
  })?.code;
  // The compiled module imports 'memprof' only for the (replaced) marker: point it at this checkout.
  writeFileSync(output, `${compiled!.replace("from 'memprof'", `from ${JSON.stringify(join(ROOT, 'dist/src/index.js'))}`)}\nconsole.log(grow(1e6));\n`);
  const run = spawnSync(process.execPath, [output], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^1000000$/m);
  const [table] = parseTables(run.stdout);
  assert.equal(table.filename, file);
  const fill = table.rows.find((row) => row.contents.includes('new Array(n)'));
  assert.ok(fill && Math.abs((fill.incrementMiB ?? 0) - 7.6) < 0.5, JSON.stringify(fill));
});
