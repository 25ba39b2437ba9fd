// The load hook from the user's side: bad input, TypeScript stack traces, and files memprof cannot
// instrument.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { compileForHook } from '../src/hooks/compile';
import { instrument, SourceSyntaxError } from '../src/instrument/instrumenter';
import { FIXTURES, parseTables, REGISTER, runNode } from './helpers';
import { tempDirs } from './temp-dirs';

const freshDirectory = tempDirs('memprof-esm-r-');

/** Node's report of an uncaught error, without the stack frames (which differ with a hook). */
function errorReport(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => !/^\s+at /.test(line))
    .join('\n');
}

test('a JavaScript syntax error fails exactly as it does without memprof', () => {
  const file = join(FIXTURES, 'errors/syntax-error.js');
  const hooked = runNode(file);
  const plain = runNode(file, { hook: false });
  assert.equal(plain.status, 1);
  assert.equal(hooked.status, plain.status);
  assert.equal(errorReport(hooked.stderr), errorReport(plain.stderr));
  assert.match(hooked.stderr, /syntax-error\.js:4\n {2}const value = ;/);
});

test('a TypeScript syntax error names the file and line, with no Babel internals', () => {
  const run = runNode(join(FIXTURES, 'errors/syntax-error.ts'));
  assert.equal(run.status, 1);
  assert.match(run.stderr, /syntax-error\.ts:8\n/);
  assert.match(run.stderr, />\s+8 \|\s+const value: number = ;/);
  assert.match(run.stderr, /SyntaxError: Unexpected token/);
  assert.doesNotMatch(run.stderr, /@babel|node_modules/);
  // The report starts with the user's file: no frame of memprof's own hook above it.
  assert.match(run.stderr, /^\S*syntax-error\.ts:8\n/);
  assert.doesNotMatch(run.stderr, /hooks[/\\]compile|compile\.[jt]s/);
});

test('a proposal in a TypeScript file says what to do, not which Babel plugin to add', () => {
  const run = runNode(join(FIXTURES, 'errors/do-expression.ts'), { env: { MEMPROF_CACHE: '0' } });
  assert.equal(run.status, 1);
  assert.match(run.stderr, /^\S*do-expression\.ts:4\n/);
  assert.match(run.stderr, /SyntaxError: `do \{ \}` expressions: a proposal that tsc and Node\.js do not support.*rewrite this code without it/);
  assert.doesNotMatch(run.stderr, /plugin|Babel|babel/);
});

test('decorators in a .js file are the same SyntaxError as without memprof', () => {
  const file = join(FIXTURES, 'errors/decorator.js');
  const hooked = runNode(file);
  const plain = runNode(file, { hook: false });
  assert.equal(plain.status, 1);
  assert.equal(hooked.status, plain.status);
  assert.equal(errorReport(hooked.stderr), errorReport(plain.stderr));
  assert.match(hooked.stderr, /decorator\.js:4\n {2}@profile\n/);
});

test("an uncaught error in a profiled function: Node's report shows the user's line and columns", () => {
  const file = join(FIXTURES, 'errors/uncaught.js');
  const hooked = runNode(file, { tablesToFile: true });
  const plain = runNode(file, { hook: false });
  assert.equal(plain.status, 1);
  assert.equal(hooked.status, plain.status);
  const userPart = (stderr: string) => stderr.split('\n').filter((line) => !/^\s+at /.test(line) || line.includes('uncaught.js'));
  assert.deepEqual(userPart(hooked.stderr), userPart(plain.stderr));
  assert.match(hooked.stderr, /uncaught\.js:7\n {2}throw new Error\(message\);\n {2}\^\n/);
});

test('an ES module importing JSON with `assert` is profiled, and runs as without memprof', () => {
  const file = join(FIXTURES, 'semantics/import-attributes/main.mjs');
  const hooked = runNode(file, { hook: false, nodeArgs: ['--import', join(REGISTER, 'index.js')], tablesToFile: true, env: { MEMPROF_CACHE: '0' } });
  const plain = runNode(file, { hook: false });
  assert.equal(plain.status, 0, plain.stderr);
  assert.equal(hooked.status, 0, hooked.stderr);
  assert.equal(hooked.stdout, plain.stdout);
  assert.equal(hooked.stderr.replace(/\(node:\d+\)/g, ''), plain.stderr.replace(/\(node:\d+\)/g, ''));
  assert.deepEqual(parseTables(hooked.tables).map((table) => table.footer.split(':')[0]), ['total']);
});

test('a marked ES module loaded with require() is profiled, and runs as without memprof', () => {
  const file = join(FIXTURES, 'semantics/require-esm/main.js');
  const hooked = runNode(file, { tablesToFile: true, env: { MEMPROF_CACHE: '0' } });
  const plain = runNode(file, { hook: false });
  assert.equal(plain.status, 0, plain.stderr);
  assert.equal(hooked.status, 0, hooked.stderr);
  assert.equal(hooked.stdout, plain.stdout);
  assert.equal(hooked.stderr, plain.stderr);
  assert.deepEqual(parseTables(hooked.tables).map((table) => table.footer.split(':')[0]), ['fill']);
});

test('stack traces and tables of TypeScript files use the original line numbers', () => {
  const run = runNode(join(FIXTURES, 'errors/stack-trace.ts'));
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /thrown at at area \(.*stack-trace\.ts:23:\d+\)/);
  const [table] = parseTables(run.stdout);
  assert.equal(table.rows.find((row) => row.contents.startsWith('throw new Error'))?.line, 23);
});

test('an unknown marker option is a clear error naming the option, file and line', () => {
  for (const hook of [true, false]) {
    const run = runNode(join(FIXTURES, 'errors/bad-option.js'), { hook });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /memprof: unknown profile option "precison" \(at .*bad-option\.js:4\); known options: precision, metric, stream/);
    // The stack starts in the user's code, not inside memprof.
    const firstFrame = run.stderr.split('\n').find((line) => /^\s+at /.test(line));
    assert.match(firstFrame ?? '', /bad-option\.js:4/);
  }
});

test('a mistyped MEMPROF_METRIC stops at start-up with one line', () => {
  const run = runNode(join(FIXTURES, 'seed/example.js'), { env: { MEMPROF_METRIC: 'bogus' } });
  assert.equal(run.status, 2);
  assert.equal(run.stderr, 'memprof: MEMPROF_METRIC must be one of heap, rss, heapUsed, external, got "bogus"\n');
  assert.equal(run.stdout, '');
});

/** Runs `work` with this process' stderr writes collected instead of printed. */
function capturingStderr<T>(work: () => T): { result: T; warnings: string[] } {
  const warnings: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((text: string) => warnings.push(text) > 0) as unknown as typeof process.stderr.write;
  try {
    return { result: work(), warnings };
  } finally {
    process.stderr.write = write;
  }
}

test('a file the instrumenter cannot handle still runs, unprofiled, with one warning', () => {
  const failing: typeof instrument = () => {
    throw new Error('unsupported construct\nwith detail');
  };
  const { result: [js, ts], warnings } = capturingStderr(() => [
    compileForHook('/** @profile */ function f() { return 1 }', '/app/f.js', 'commonjs', 'memprof-runtime', failing),
    compileForHook('/** @profile */ function f(): number { return 1 }', '/app/f.ts', 'commonjs', 'memprof-runtime', failing),
  ]);
  assert.equal(js, '/** @profile */ function f() { return 1 }');
  // TypeScript still has its types stripped, so it can run.
  assert.match(ts, /function f\(\) \{\s*return 1;?\s*\}/);
  assert.deepEqual(warnings, [
    'memprof: warning: could not instrument /app/f.js: unsupported construct; it runs unprofiled\n',
    'memprof: warning: could not instrument /app/f.ts: unsupported construct; it runs unprofiled\n',
  ]);
});

test('an ES module Babel cannot parse but Node can runs unprofiled after one warning; a broken one fails as Node says', () => {
  const unparsable: typeof instrument = (_source, filename) => {
    throw new SourceSyntaxError(filename, 1, 0, 'Unexpected token', '');
  };
  const { result: [valid, broken], warnings } = capturingStderr(() => [
    compileForHook('/** @profile */ export function f() { return 1; }', '/app/ok.mjs', 'esm', 'memprof-runtime', unparsable),
    compileForHook('/** @profile */ export function f() { return ; = }', '/app/broken.mjs', 'esm', 'memprof-runtime', unparsable),
  ]);
  assert.equal(valid, '/** @profile */ export function f() { return 1; }');
  assert.equal(broken, '/** @profile */ export function f() { return ; = }');
  assert.deepEqual(warnings, ['memprof: warning: could not instrument /app/ok.mjs: Unexpected token at line 1; it runs unprofiled\n']);
});

test('an ES module run with -r says to use --import', () => {
  const directory = freshDirectory();
  writeFileSync(join(directory, 'package.json'), '{"name": "typeless"}');
  const file = join(directory, 'app.js');
  writeFileSync(file, "import { sep } from 'node:path';\n/** @profile */\nfunction work() { return sep.length; }\nconsole.log('work', work());\n");
  const run = runNode(file, { cwd: directory });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^work 1$/m);
  assert.match(run.stderr, new RegExp(`memprof: warning: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is an ES module: run with --import memprof/register to profile it`));
});

test('@profile on a class field is a clear error', () => {
  const run = runNode(join(FIXTURES, 'errors/field-decorator.ts'));
  assert.equal(run.status, 1);
  assert.match(run.stderr, /memprof: @profile can only decorate methods, getters and setters, not the field onRequest; for an arrow function in a field, put \/\*\* @profile \*\/ before it/);
});
