// The quick check that decides whether a file needs Babel: marker forms in code and marker comments
// count, the word in strings, templates, regular expressions and other comments does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasMarkerSyntax } from '../../src/instrument/marker-scan';
import { mayContainMarkers, needsTransform } from '../../src/instrument/file-kinds';

const ROOT = join(__dirname, '..', '..', '..');

test('every marker form counts', () => {
  const marked = [
    '/** @profile */\nfunction f() {}',
    '// @profile\nconst f = () => 1;',
    '/**\n * Builds it.\n * @profile\n */\nfunction f() {}',
    'class A {\n  @profile\n  m() {}\n}',
    'class A { @profile({ precision: 3 }) m() {} }',
    'const f = profile(function () {});',
    'const f = memprof.profile(async () => {});',
    'profile.timestamp("block");',
    // What compilers write: tsc's CommonJS calls and decorators, esbuild's decorator arrays.
    'const f = (0, memprof_1.profile)(function () {});',
    '__decorate([\n    memprof_1.profile\n], Store.prototype, "build", null);',
    '_fill_dec = [import_memprof.profile];',
    '__decorate([\n    profile\n], Store.prototype, "build", null);',
    '__decorate([other, profile], Store.prototype, "build", null);',
    // Code after strings, templates and regular expressions that look like they might not end.
    'const a = "it\'s"; profile(f);',
    'const t = `a ${b} c`; profile(f);',
    'const t = `a ${ { x: `in ${"}"}` }.x } c`; profile(f);',
    'const r = /["`]/g; profile(f);',
    'const r = /[/]/; profile(f);',
    'const half = total / 2; const r = x / y; profile(f);',
    'if (ok) return /"/.test(x); profile(f);',
  ];
  for (const source of marked) assert.equal(hasMarkerSyntax(source), true, source);
});

test('the word in strings, templates, regular expressions and other comments does not', () => {
  const unmarked = [
    'const help = "Emit a v8 CPU profile of the compiler run";',
    "const key = 'profile';",
    'const text = `your profile: ${name}`;',
    'const pattern = /profile(s)?/;',
    '// see profile.md for the profile format',
    '/* the @profiler tag is another tool\'s */',
    '/** @profiles */ function f() {}',
    'const profileName = "x"; userProfile(); profiles.push(1);',
    // The program's own variable called profile is not a marker.
    'function cleanupPaths(profile) {\n  const copy = profile;\n  return profile;\n}',
    'for (const node of profile.nodes) count++;',
    '#!/usr/bin/env node profile\nconst x = 1;',
    // A string that is not closed ends at its line: the next line is code again.
    'const broken = "no end\nconst y = 1;',
  ];
  for (const source of unmarked) assert.equal(hasMarkerSyntax(source), false, source);
  // An unterminated string does not hide a marker on the next line.
  assert.equal(hasMarkerSyntax('const broken = "no end\nprofile(f);'), true);
});

test('a copy of typescript.js, which says "profile" only in a string, needs no compile (and the check is quick)', () => {
  const source = readFileSync(join(ROOT, 'node_modules/typescript/lib/typescript.js'), 'utf8');
  assert.match(source, /\bprofile\b/);
  const started = performance.now();
  assert.equal(mayContainMarkers(source), false);
  const elapsedMs = performance.now() - started;
  assert.equal(needsTransform(source, '/app/vendor/typescript.js'), false);
  // A full Babel compile of this file takes seconds; the scan is a single pass over its 9 MB.
  assert.ok(elapsedMs < 2000, `${elapsedMs} ms`);
});
