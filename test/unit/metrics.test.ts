// The memory readers: exact, and free of allocations of their own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getHeapStatistics } from 'node:v8';
import { allocationFreeHeapReads, METRICS, readAbsolute } from '../../src/runtime/metrics';
import { readCounter } from '../../src/runtime/heap-statistics';
import { detectPageSize, residentSetSource } from '../../src/runtime/resident-set';

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
  // Both reads once first: the first read of each compiles and loads what it needs (up to 250 KB of
  // code and metadata on the heap), which made the figures differ by that in 1 to 6 runs of 10.
  getHeapStatistics();
  readAbsolute(METRICS.heap);
  const stats = getHeapStatistics() as ReturnType<typeof getHeapStatistics> & { external_memory: number };
  const read = readAbsolute(METRICS.heap);
  // The two reads are microseconds apart; only the statistics object itself was allocated between them.
  assert.ok(Math.abs(read - (stats.used_heap_size + stats.external_memory)) < 64 * 1024, `${read} vs ${stats.used_heap_size} + ${stats.external_memory}`);
});

test('a heap read allocates nothing on the JS heap', () => {
  assert.equal(allocationFreeHeapReads, true, 'Node no longer exposes the heap statistics buffer: the fallback reader is in use');
  const read = METRICS.heapUsed.read;
  const reads = (count: number) => {
    for (let i = 0; i < count; i++) read();
  };
  // V8 compiles the loop while it runs (on-stack replacement, then optimised code): code it keeps on
  // the heap, 243 KB once on a busy machine. Compiled first, it is not in the measurement.
  reads(100000);
  reads(100000);
  const before = read();
  reads(100000);
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

test('the rss reader finds the page size from readings that disagree as the kernel lets them', () => {
  const pages = 5000; // 19.5 MiB in 4 KiB pages
  // The kernel sums resident pages lazily: statm and Node's rss, read microseconds apart, differed by
  // up to 47 pages here (100 KiB typical), more with many threads. None of that may lose the page size.
  for (const skew of [0, 25, 47, 64, 200, -200, 900]) assert.equal(detectPageSize(pages, (pages + skew) * 4096), 4096, `skew ${skew}`);
  assert.equal(detectPageSize(pages, pages * 16384 * 1.1), 16384);
  assert.equal(detectPageSize(pages, pages * 65536 * 0.9), 65536);
  // Nothing that fits (2.8 pages of 4 KiB a page, between sizes): Node's own reader is used instead.
  assert.equal(detectPageSize(pages, pages * 4096 * 2.8), 0);
  assert.equal(detectPageSize(0, 4096), 0);
});

test('the rss metric reads /proc/self/statm on Linux (else Node\'s reader), and agrees with process.memoryUsage.rss()', () => {
  const rss = process.memoryUsage.rss();
  const read = METRICS.rss.read();
  assert.ok(Math.abs(read - rss) < rss / 10, `${read} vs ${rss}`);
  // Where the statm reader could not start (it once failed now and then: see detectPageSize), every
  // sample silently cost Node's reader, 4x more.
  assert.equal(residentSetSource(), process.platform === 'linux' ? 'statm' : 'process.memoryUsage.rss');
});
