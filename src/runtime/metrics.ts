// Memory readers. This is the hot path of line profiling: one read per executed statement, so a
// read must be cheap and must not allocate on the JS heap (or the profiler would measure itself).
import * as v8 from 'node:v8';

import { METRIC_NAMES, isMetricName, type MetricName } from './metric-names';
import { openResidentSetReader } from './resident-set';

export { METRIC_NAMES, isMetricName, type MetricName };

export interface Metric {
  readonly name: MetricName;
  /** Shown in table headers so that a reader knows what "Mem usage" means. */
  readonly description: string;
  /** Current value in bytes, minus memprof's own allocations (see `hideOwnAllocations`). */
  read(): number;
}

interface HeapCounters {
  /** Refreshes the counters; must be called before reading `usedHeap`/`external`. */
  update(): void;
  usedHeap(): number;
  external(): number;
  /** Bytes of garbage the reads themselves have put on the JS heap so far (0 for the binding). */
  ownBytes(): number;
  readonly allocationFree: boolean;
}

/**
 * `v8.getHeapStatistics()` builds a fresh 14-field object on every call (about 400 bytes): read in a
 * loop, that garbage would be charged to the user's line. Node's own implementation fills a shared
 * Float64Array first and copies it into that object; we read the array directly when the runtime
 * lets us, and fall back to the public API (measuring its garbage as we go) when it does not.
 */
function openHeapCounters(): HeapCounters {
  const binding = loadV8Binding();
  if (binding) {
    const buffer = binding.heapStatisticsBuffer;
    const words = new Int32Array(buffer.buffer, buffer.byteOffset, buffer.length * 2);
    const usedIndex = binding.kUsedHeapSizeIndex;
    const externalIndex = binding.kExternalMemoryIndex;
    return {
      update: binding.updateHeapStatisticsBuffer,
      usedHeap: () => readCounter(buffer, words, usedIndex),
      external: () => readCounter(buffer, words, externalIndex),
      ownBytes: () => 0,
      allocationFree: true,
    };
  }
  return publicApiCounters();
}

/**
 * Two reads back to back: the second one's counters include exactly the first one's statistics object,
 * which gives the size of that garbage whether V8 optimised the allocation away (0) or not. The
 * second object shows up in the next read's counters, so it is accounted for then.
 */
function publicApiCounters(): HeapCounters {
  type Stats = ReturnType<typeof v8.getHeapStatistics> & { external_memory?: number };
  let stats = v8.getHeapStatistics() as Stats;
  let own = 0;
  let pendingObject = 0;
  return {
    update() {
      const first = v8.getHeapStatistics();
      stats = v8.getHeapStatistics() as Stats;
      const objectSize = Math.max(0, stats.used_heap_size - first.used_heap_size);
      own += pendingObject + objectSize;
      pendingObject = objectSize;
    },
    usedHeap: () => stats.used_heap_size,
    external: () => stats.external_memory ?? 0,
    ownBytes: () => own,
    allocationFree: false,
  };
}

/**
 * Reads a whole-number counter from the Float64Array without allocating. Interpreted code boxes every
 * Float64Array element it loads into a new 16-byte HeapNumber, which a profiler sampling after each
 * statement would then report as the user's allocation (about 7 MiB per 200,000 samples, until V8
 * optimises the sampler). Int32Array loads yield small integers, which are never boxed, so the
 * double is decoded from its two 32-bit halves. Values from 2 GiB up are read directly (and boxed).
 */
export function readCounter(buffer: Float64Array, words: Int32Array, index: number): number {
  const high = words[2 * index + 1];
  const exponent = ((high >>> 20) & 0x7ff) - 1023;
  if (exponent < 0) return 0;
  if (exponent > 30 || high < 0) return buffer[index];
  const mantissaHigh = (high & 0xfffff) | 0x100000;
  if (exponent <= 20) return mantissaHigh >> (20 - exponent);
  // Two shifts, because a JavaScript shift by 32 is a shift by 0.
  return (mantissaHigh << (exponent - 20)) | ((words[2 * index] >>> 1) >>> (51 - exponent));
}

interface V8Binding {
  heapStatisticsBuffer: Float64Array;
  updateHeapStatisticsBuffer(): void;
  kUsedHeapSizeIndex: number;
  kExternalMemoryIndex: number;
  kHeapSizeLimitIndex: number;
}

/**
 * Where a loaded binding is left for other copies of this module: on the `v8` module object, which a
 * test runner's sandbox shares with the outer process.
 */
const SHARED_BINDING = Symbol.for('memprof.v8-heap-statistics');

function loadV8Binding(): V8Binding | undefined {
  if (process.env.MEMPROF_NO_BINDING === '1') return undefined;
  const shared = (v8 as unknown as Record<symbol, V8Binding | undefined>)[SHARED_BINDING];
  if (shared) return shared;
  // Jest runs tests with a process object of its own, on which muting the deprecation warning has no
  // effect. memprof/jest loads the binding outside that sandbox (see shareV8Binding); without it, the
  // public API is used.
  if (process.env.JEST_WORKER_ID !== undefined) return undefined;
  return shareV8Binding();
}

/** Loads the binding in this (real) process, quietly, and shares it; called by memprof/jest. */
export function shareV8Binding(): V8Binding | undefined {
  const binding = openV8Binding();
  if (binding) {
    Object.defineProperty(v8, SHARED_BINDING, { value: binding, configurable: true });
  }
  return binding;
}

function openV8Binding(): V8Binding | undefined {
  const proc = process as unknown as { binding?: (name: string) => unknown; noDeprecation?: boolean };
  if (typeof proc.binding !== 'function') return undefined;
  // process.binding is deprecated (DEP0111); we use it read-only and must not print that warning
  // into the user's program, so deprecation warnings are muted for this one call.
  const muted = proc.noDeprecation;
  try {
    proc.noDeprecation = true;
    const binding = proc.binding('v8') as Partial<V8Binding>;
    if (
      !(binding.heapStatisticsBuffer instanceof Float64Array) ||
      typeof binding.updateHeapStatisticsBuffer !== 'function' ||
      typeof binding.kUsedHeapSizeIndex !== 'number' ||
      typeof binding.kExternalMemoryIndex !== 'number' ||
      typeof binding.kHeapSizeLimitIndex !== 'number'
    ) {
      return undefined;
    }
    // Trust the layout only if it agrees with the public API on a value that does not move.
    binding.updateHeapStatisticsBuffer();
    if (binding.heapStatisticsBuffer[binding.kHeapSizeLimitIndex] !== v8.getHeapStatistics().heap_size_limit) {
      return undefined;
    }
    return binding as V8Binding;
  } catch {
    return undefined;
  } finally {
    proc.noDeprecation = muted;
  }
}


const heapCounters = openHeapCounters();

/**
 * Bytes memprof itself allocated on the V8 heap (frames, tables) that the heap-based metrics hide, so
 * that an enclosing profiled call does not see its callee's bookkeeping as user allocations.
 */
let hiddenHeapBytes = 0;
/** The same for external memory (a table written to a pipe holds a Buffer until it is flushed). */
let hiddenExternalBytes = 0;
function ownHeapBytes(): number {
  return hiddenHeapBytes + heapCounters.ownBytes();
}

function readUsedHeap(): number {
  heapCounters.update();
  return heapCounters.usedHeap() - ownHeapBytes();
}

function readHeapAndExternal(): number {
  heapCounters.update();
  return heapCounters.usedHeap() + heapCounters.external() - ownHeapBytes() - hiddenExternalBytes;
}

function readExternal(): number {
  heapCounters.update();
  return heapCounters.external() - hiddenExternalBytes;
}

export const METRICS: Readonly<Record<MetricName, Metric>> = {
  heap: {
    name: 'heap',
    description: 'V8 heap used + external memory',
    read: readHeapAndExternal,
  },
  heapUsed: { name: 'heapUsed', description: 'V8 heap used', read: readUsedHeap },
  external: {
    name: 'external',
    description: 'external memory (ArrayBuffers, Buffers, native)',
    read: readExternal,
  },
  rss: {
    name: 'rss',
    description: 'resident set size of the process',
    read: openResidentSetReader(),
  },
};

/** Whether heap reads go through the allocation-free counters (reported by benchmarks and tests). */
export const allocationFreeHeapReads = heapCounters.allocationFree;

/**
 * memprof's own work (creating frames, formatting and writing tables) is bracketed by
 * `beginOwnWork()` and `endOwnWork()`, and what it allocated is hidden from the metrics read from V8.
 * No closure is needed around the work: that closure would itself be allocated, outside the bracket.
 * Brackets may nest; the outermost one counts. Freed-later garbage can still show as a small negative
 * delta after a GC.
 */
let ownWorkDepth = 0;
let heapBefore = 0;
let externalBefore = 0;

export function beginOwnWork(): void {
  if (ownWorkDepth++ > 0) return;
  heapCounters.update();
  heapBefore = heapCounters.usedHeap() - heapCounters.ownBytes();
  externalBefore = heapCounters.external();
}

export function endOwnWork(): void {
  if (--ownWorkDepth > 0) return;
  heapCounters.update();
  const heapGrown = heapCounters.usedHeap() - heapCounters.ownBytes() - heapBefore;
  if (heapGrown > 0) hiddenHeapBytes += heapGrown;
  const externalGrown = heapCounters.external() - externalBefore;
  if (externalGrown > 0) hiddenExternalBytes += externalGrown;
}

/** The same bracket around a function, where a closure does not matter. */
export function hideOwnAllocations<T>(work: () => T): T {
  beginOwnWork();
  try {
    return work();
  } finally {
    endOwnWork();
  }
}

/**
 * Everything hidden so far. Hidden bytes only accumulate, while the garbage they stand for gets
 * collected, so a call adds back what was hidden before it started to report absolute usage.
 */
export function hiddenSoFar(metric: MetricName): number {
  if (metric === 'heap') return hiddenHeapBytes + hiddenExternalBytes;
  if (metric === 'heapUsed') return hiddenHeapBytes;
  if (metric === 'external') return hiddenExternalBytes;
  return 0;
}
