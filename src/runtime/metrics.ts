// Memory readers. This is the hot path of line profiling: one read per executed statement, so a
// read must be cheap and must not allocate on the JS heap (or the profiler would measure itself).
import * as v8 from 'node:v8';

export const METRIC_NAMES = ['heap', 'rss', 'heapUsed', 'external'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export interface Metric {
  readonly name: MetricName;
  /** Shown in table headers so that a reader knows what "Mem usage" means. */
  readonly description: string;
  /** True when the value comes from V8's heap counters, which memprof can compensate for its own allocations. */
  readonly heapBased: boolean;
  /** Current value in bytes, minus memprof's own allocations (see `hideOwnAllocations`). */
  read(): number;
}

interface HeapCounters {
  /** Refreshes the counters; must be called before reading `usedHeap`/`external`. */
  update(): void;
  usedHeap(): number;
  external(): number;
  /** Bytes the JS heap grows by per update() call itself (0 for the allocation-free binding). */
  readonly selfAllocation: number;
}

/**
 * `v8.getHeapStatistics()` builds a fresh 14-field object on every call (about 400 bytes): read in a
 * loop, that garbage would be charged to the user's line. Node's own implementation fills a shared
 * Float64Array first and copies it into that object; we read the array directly when the runtime
 * exposes it, and fall back to the public API (with a calibrated correction) when it does not.
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
      selfAllocation: 0,
    };
  }
  let stats = v8.getHeapStatistics();
  const counters = {
    update() {
      stats = v8.getHeapStatistics();
    },
    usedHeap: () => stats.used_heap_size,
    external: () => (stats as { external_memory?: number }).external_memory ?? 0,
    selfAllocation: 0,
  };
  counters.selfAllocation = calibrateSelfAllocation(counters);
  return counters;
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

function loadV8Binding(): V8Binding | undefined {
  if (process.env.MEMPROF_NO_BINDING === '1') return undefined;
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

function calibrateSelfAllocation(counters: HeapCounters): number {
  const deltas: number[] = [];
  for (let i = 0; i < 200; i++) {
    counters.update();
    const before = counters.usedHeap();
    counters.update();
    deltas.push(counters.usedHeap() - before);
  }
  deltas.sort((a, b) => a - b);
  return Math.max(0, deltas[deltas.length >> 1]);
}

const heapCounters = openHeapCounters();

/**
 * Bytes memprof itself allocated on the V8 heap (frames, tables) that the heap-based metrics hide, so
 * that an enclosing profiled call does not see its callee's bookkeeping as user allocations.
 */
let hiddenHeapBytes = 0;
/** Number of reads, for the fallback reader whose every read allocates `selfAllocation` bytes. */
let readCount = 0;

const ownHeapBytes =
  heapCounters.selfAllocation === 0
    ? () => hiddenHeapBytes
    : () => hiddenHeapBytes + heapCounters.selfAllocation * ++readCount;

function readUsedHeap(): number {
  heapCounters.update();
  return heapCounters.usedHeap() - ownHeapBytes();
}

function readHeapAndExternal(): number {
  heapCounters.update();
  return heapCounters.usedHeap() + heapCounters.external() - ownHeapBytes();
}

function readExternal(): number {
  heapCounters.update();
  return heapCounters.external();
}

export const METRICS: Readonly<Record<MetricName, Metric>> = {
  heap: {
    name: 'heap',
    description: 'V8 heap used + external memory',
    heapBased: true,
    read: readHeapAndExternal,
  },
  heapUsed: { name: 'heapUsed', description: 'V8 heap used', heapBased: true, read: readUsedHeap },
  external: {
    name: 'external',
    description: 'external memory (ArrayBuffers, Buffers, native)',
    heapBased: false,
    read: readExternal,
  },
  rss: {
    name: 'rss',
    description: 'resident set size of the process',
    heapBased: false,
    read: () => process.memoryUsage.rss(),
  },
};

export function isMetricName(name: unknown): name is MetricName {
  return typeof name === 'string' && (METRIC_NAMES as readonly string[]).includes(name);
}

/** Whether heap reads go through the allocation-free counters (reported by benchmarks and tests). */
export const allocationFreeHeapReads = heapCounters.selfAllocation === 0;

/**
 * Runs memprof's own work (creating frames, formatting tables) and hides what it allocated from the
 * heap-based metrics. Freed-later garbage can still show as a small negative delta after a GC.
 */
export function hideOwnAllocations<T>(work: () => T): T {
  heapCounters.update();
  const before = heapCounters.usedHeap();
  try {
    return work();
  } finally {
    heapCounters.update();
    const grown = heapCounters.usedHeap() - before;
    if (grown > 0) hiddenHeapBytes += grown;
  }
}
