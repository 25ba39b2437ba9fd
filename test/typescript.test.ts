// TypeScript compiled by memprof runs as tsc's output does: each fixture below runs once compiled by
// the real tsc (typescript, a devDependency) and run by plain node, and once under memprof's hook
// straight from its .ts/.tsx source; stdout and the exit status must be identical. The fixtures
// cover what tsc emits beyond stripping types: JSX by tsconfig's "jsx" settings, and
// emitDecoratorMetadata's design-time metadata with parameter decorators.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import * as ts from 'typescript';
import { FIXTURES, runNode } from './helpers';

const CASES = [
  'semantics/tsx-classic/app.tsx',
  'semantics/tsx-automatic/app.tsx',
  'semantics/decorator-metadata/app.ts',
  'semantics/decorator-metadata/no-reflect-metadata.ts',
];

/** Compiles `entry` (and what it imports) with tsc by the tsconfig.json beside it; returns the emitted entry. */
function compileWithTsc(entry: string): string {
  const configFile = join(dirname(entry), 'tsconfig.json');
  const config = ts.readConfigFile(configFile, (path) => ts.sys.readFile(path));
  assert.equal(config.error, undefined, `reading ${configFile}`);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, dirname(entry));
  const program = ts.createProgram([entry], { ...options, noEmitOnError: false, outDir: undefined, rootDir: undefined });
  const emitted = program.emit();
  assert.equal(emitted.emitSkipped, false, 'tsc emitted nothing');
  return entry.replace(/\.tsx?$/, '.js');
}

for (const fixture of CASES) {
  test(`TypeScript as tsc compiles it: ${fixture}`, () => {
    const source = join(FIXTURES, fixture);
    const copy = mkdtempSync(join(tmpdir(), 'memprof-tsc-'));
    try {
      cpSync(dirname(source), copy, { recursive: true });
      const compiled = compileWithTsc(join(copy, basename(source)));
      const plain = runNode(compiled, { hook: false });
      const hooked = runNode(source, { tablesToFile: true, env: { MEMPROF_CACHE: '0' } });
      assert.equal(plain.status, 0, `tsc's output failed:\n${plain.stderr}`);
      assert.notEqual(plain.stdout.trim(), '', 'the fixture printed nothing');
      assert.equal(hooked.stderr, '', 'memprof printed to stderr');
      assert.equal(hooked.stdout, plain.stdout);
      assert.equal(hooked.status, plain.status);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
}
