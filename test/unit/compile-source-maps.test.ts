// The load hook keeps a file's own source map comment: it appends one of its own only to code that
// names none, in every spelling Node accepts (with or without the space after `//#`), and only when
// something reads maps (here: Node's source map support).
import { test } from 'node:test';
import assert from 'node:assert/strict';

process.env.MEMPROF_CACHE = '0';
import { compileForHook, withSourceMap } from '../../src/hooks/compile';

const SOURCE = '/** @profile */\nfunction f() {\n  return [1, 2, 3];\n}\nmodule.exports = f;\n';
const comments = (code: string) => code.match(/sourceMappingURL=/g)?.length ?? 0;

test('a cached map is read only when it is attached: not while nothing reads maps, nor for code naming its own', () => {
  // A warm start-up's entries decode their map when it is asked for (transform-packs.ts); asking for
  // it for every file cost a decode of each map (5 ms on 1,000 marked modules) for nothing.
  let reads = 0;
  const cached = {
    code: 'compiled()',
    get map() {
      reads++;
      return JSON.stringify({ version: 3, sources: ['file:///app/a.js'], names: [], mappings: 'AAAA' });
    },
  };
  process.setSourceMapsEnabled(false);
  assert.equal(withSourceMap(cached, 'source()'), 'compiled()');
  assert.equal(reads, 0, 'nothing reads maps');
  process.setSourceMapsEnabled(true);
  try {
    assert.equal(withSourceMap(cached, 'source()\n//# sourceMappingURL=a.js.map\n'), 'compiled()');
    assert.equal(reads, 0, 'the file names a map of its own');
    assert.match(withSourceMap(cached, 'source()'), /^compiled\(\)\n\/\/# sourceMappingURL=data:application\/json;charset=utf-8;base64,/);
    assert.equal(reads, 1);
  } finally {
    process.setSourceMapsEnabled(false);
  }
});

test('code without a map gets memprof\'s; code naming its own keeps it, with or without the space', () => {
  // A file name whose .map does not exist: the comment is the file's, the map is not readable.
  const file = '/nowhere/memprof-test/app.js';
  assert.equal(comments(compileForHook(SOURCE, file, 'commonjs', '/rt.js')), 0, 'nothing reads maps: none is attached');
  process.setSourceMapsEnabled(true);
  assert.equal(comments(compileForHook(SOURCE, file, 'commonjs', '/rt.js')), 1);
  for (const own of ['//# sourceMappingURL=app.js.map', '//#sourceMappingURL=app.js.map', '//@ sourceMappingURL=app.js.map']) {
    const compiled = compileForHook(`${SOURCE}${own}\n`, file, 'commonjs', '/rt.js');
    assert.match(compiled, /_memprofFile\(\)\.enter\(0\)/, 'instrumented');
    assert.equal(comments(compiled), 1, own);
    assert.ok(compiled.includes(own), own);
  }
});
