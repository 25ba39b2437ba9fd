// How memprof finds a generated file's source map and its sources (src/shared/source-map-files.ts),
// with scripted files: the comment that counts, inline and file maps, and source paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readSourceMapReference, sourceFile, sourceMappingReference } from '../../src/shared/source-map-files';
import { tempDirs } from '../temp-dirs';

const tempDir = tempDirs('memprof-unit-source-maps-');

test('the last sourceMappingURL comment on a line of its own is the one that counts', () => {
  assert.equal(sourceMappingReference('const a = 1;\n'), undefined);
  assert.equal(sourceMappingReference('//# sourceMappingURL=first.map\ncode();\n//@ sourceMappingURL=last.map\n'), 'last.map');
  assert.equal(sourceMappingReference('  //# sourceMappingURL=indented.js.map  \n'), 'indented.js.map');
  // After code on its line (Node and V8 read that too); inside a string, not a reference.
  assert.equal(sourceMappingReference('void 0;//# sourceMappingURL=after-code.js.map\n'), 'after-code.js.map');
  assert.equal(sourceMappingReference('const s = "//# sourceMappingURL=x.map";\n'), undefined);
  assert.equal(sourceMappingReference('const footer = `//# sourceMappingURL=${url}`;\n'), undefined);
});

test('a reference reads an inline map (base64 or percent-encoded) or a file relative to the generated one', () => {
  const dir = tempDir();
  const generated = join(dir, 'dist', 'app.js');
  mkdirSync(join(dir, 'dist', 'maps'), { recursive: true });
  const text = '{"version":3,"sources":["app.ts"],"mappings":"AAAA"}';
  assert.deepEqual(readSourceMapReference(`data:application/json;base64,${Buffer.from(text).toString('base64')}`, generated), { text, location: generated });
  assert.deepEqual(readSourceMapReference(`data:application/json;charset=utf-8,${encodeURIComponent(text)}`, generated), { text, location: generated });
  const mapFile = join(dir, 'dist', 'maps', 'app js.map');
  writeFileSync(mapFile, text);
  assert.deepEqual(readSourceMapReference('maps/app%20js.map', generated), { text, location: mapFile });
  assert.deepEqual(readSourceMapReference(pathToFileURL(mapFile).href, generated), { text, location: mapFile });
  assert.throws(() => readSourceMapReference('missing.map', generated), /ENOENT/);
  assert.throws(() => readSourceMapReference('https://example.com/app.js.map', generated), /file/i);
  assert.throws(() => readSourceMapReference('data:application/json;base64', generated), /comma/);
});

test("a map's sources resolve after its sourceRoot, from the map's location; other URLs stay as written", () => {
  assert.equal(sourceFile('app.ts', undefined, '/project/dist/app.js.map'), '/project/dist/app.ts');
  assert.equal(sourceFile('../src/app.ts', undefined, '/project/dist/app.js.map'), '/project/src/app.ts');
  assert.equal(sourceFile('app.ts', '../src', '/project/dist/app.js.map'), '/project/src/app.ts');
  assert.equal(sourceFile('app.ts', '/abs/root/', '/project/dist/app.js.map'), '/abs/root/app.ts');
  assert.equal(sourceFile('webpack://app/./src/x.ts', undefined, '/project/dist/app.js.map'), 'webpack://app/./src/x.ts');
  // An absolute source keeps its path whatever the sourceRoot; a literal % is a file name, not an escape.
  assert.equal(sourceFile('/elsewhere/a.ts', 'x', '/project/dist/app.js.map'), '/elsewhere/a.ts');
  assert.equal(sourceFile('../src dir/100%.ts', undefined, '/project/dist/app.js.map'), '/project/src dir/100%.ts');
  assert.equal(sourceFile('a%20b.ts', undefined, '/project/dist/app.js.map'), '/project/dist/a b.ts');
});
