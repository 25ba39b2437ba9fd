// Which statements the instrumenter counts without a memory read (call.tick) because they provably
// cannot allocate, and which it samples (call.at): code in, decisions out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { instrument } from '../../src/instrument/instrumenter';

/** The body's lines, each with the call the instrumenter put before it: 'at', 'tick' or ''. */
function decisions(body: string): string[] {
  const source = `/** @profile */\nfunction f(n, o) {\n${body}\n}\n`;
  const result = instrument(source, '/virtual/quiet.js', { runtime: '/virtual/runtime.js', moduleKind: 'commonjs' });
  assert.ok(result, 'instrumented');
  const calls = new Map<number, string>();
  for (const match of result.code.matchAll(/_memprofCall\.(at|tick)\((\d+)\)/g)) calls.set(Number(match[2]), match[1]);
  return body.split('\n').map((text, index) => `${calls.get(index + 3) ?? ''} ${text.trim()}`.trim());
}

test('int32 operations on numeric locals, literals and copies are counted without a read', () => {
  assert.deepEqual(
    decisions(['let total = 0;', 'for (let i = 0; i < n; i++) {', '  const x = i & 7;', '  total += x;', '  total ^= 1;', '  const y = x;', '}', 'return total;'].join('\n')),
    ['tick let total = 0;', 'at for (let i = 0; i < n; i++) {', 'tick const x = i & 7;', 'at total += x;', 'tick total ^= 1;', 'tick const y = x;', '}', 'at return total;'],
  );
});

test('what may allocate, call, convert, throw or overflow is sampled', () => {
  const lines = decisions(
    [
      'let a = 0;',
      'a = a + 1;', // may overflow to a boxed double
      'a = a >>> 1;', // may exceed 32 bits
      'a = n | 0;', // n is a parameter: may be an object whose valueOf allocates
      'a = o.x & 1;', // a property read
      'a = f() & 1;', // a call
      'const s = "x";', // not an integer
      'a |= b;', // b: declared later (temporal dead zone)
      'let b = 1;',
      'const c = 1; c2();', // shares its line with a call
    ].join('\n'),
  );
  assert.deepEqual(
    lines.map((line) => line.split(' ')[0]),
    ['tick', 'at', 'at', 'at', 'at', 'at', 'at', 'at', 'tick', 'at'],
  );
});

test('a local a nested function writes, or that a for...of fills, is not known to be numeric', () => {
  const lines = decisions(['let k = 0;', 'const set = () => { k = "text"; };', 'const m = k & 1;', 'for (const v of o) { const w = v | 0; }'].join('\n'));
  assert.deepEqual(lines.map((line) => line.split(' ')[0]), ['tick', 'at', 'at', 'at']);
  assert.match(lines[3], /^at for/);
});

test('MEMPROF_SAMPLE_ALL=1 samples every statement', () => {
  process.env.MEMPROF_SAMPLE_ALL = '1';
  try {
    assert.deepEqual(decisions('let x = 1;\nx = x | 2;'), ['at let x = 1;', 'at x = x | 2;']);
  } finally {
    delete process.env.MEMPROF_SAMPLE_ALL;
  }
});
