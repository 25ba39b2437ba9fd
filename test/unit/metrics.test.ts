// The memory readers: exact, and free of allocations of their own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getHeapStatistics } from 'node:v8';
import { allocationFreeHeapReads, METRICS, readAbsolute } from '../../src/runtime/metrics';
import { readCounter } from '../../src/runtime/heap-statistics';

test('counters decoded from 32-bit halves equal the doubles they encode', () => {
  const buffer = new Float64Array(1);
  const words = new Int32Array(buffer.buffer);
  const values = [0, 1, 2, 3, 1023, 2 ** 20 - 1, 2 ** 20, 2 ** 20 + 1, 2 ** 21, 2 ** 30, 2 ** 31 - 1, 2 ** 31, 2 ** 40 + 5];
  let seed = 12345;
  for (let i = 0; i < 20000; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    values.push(Math.floor((seed / 2 ** 31) * 2 ** (seed % 36)));
  }
  for (const value of values) {
    buffer[0] = value;
    assert.equal(readCounter(buffer, words, 0), value);
  }
});

test('the heap metric reads V8 used heap plus external memory', () => {
  const stats = getHeapStatistics() as ReturnType<typeof getHeapStatistics> & { external_memory: number };
  const read = readAbsolute(METRICS.heap);
  // The two reads are microseconds apart; only the statistics object itself was allocated between them.
  assert.ok(Math.abs(read - (stats.used_heap_size + stats.external_memory)) < 64 * 1024, `${read} vs ${stats.used_heap_size}`);
});

test('a heap read allocates nothing on the JS heap', () => {
  assert.equal(allocationFreeHeapReads, true, 'Node no longer exposes the heap statistics buffer: the fallback reader is in use');
  const read = METRICS.heapUsed.read;
  read();
  const before = read();
  for (let i = 0; i < 100000; i++) read();
  const grown = read() - before;
  // A single boxed number per read would be 1.6 MB here.
  assert.ok(grown < 64 * 1024, `100,000 reads grew the heap by ${grown} bytes`);
});

test('external memory sees Buffers, which live outside the V8 heap', () => {
  const before = METRICS.external.read();
  const buffer = Buffer.alloc(8 * 1024 * 1024, 1);
  const grown = METRICS.external.read() - before;
  assert.ok(grown >= 8 * 1024 * 1024 && grown < 9 * 1024 * 1024, `external grew by ${grown}`);
  assert.equal(buffer[0], 1);
});
