// V8's heap statistics without allocating: the readers memprof uses when its native addon is not
// loaded (see native.ts), and for the full statistics the addon's reads are calibrated against.
import * as v8 from 'node:v8';

export interface HeapCounters {
  /** Refreshes the counters; must be called before reading `usedHeap`/`external`. */
  update(): void;
  usedHeap(): number;
  external(): number;
  /** Bytes of garbage the last update() put on the JS heap (0 for the binding). */
  garbage(): number;
  readonly allocationFree: boolean;
}

/**
 * `v8.getHeapStatistics()` builds a fresh 14-field object on every call (about 400 bytes): read in a
 * loop, that garbage would be charged to the user's line. Node's own implementation fills a shared
 * Float64Array first and copies it into that object; we read the array directly when the runtime
 * lets us, and fall back to the public API (measuring its garbage as we go) when it does not.
 */
export function openHeapCounters(): HeapCounters {
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
      garbage: () => 0,
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
  const getHeapStatistics = v8.getHeapStatistics;
  let stats = getHeapStatistics() as Stats;
  let garbage = 0;
  let pendingObject = 0;
  return {
    update() {
      const first = getHeapStatistics();
      stats = getHeapStatistics() as Stats;
      const objectSize = stats.used_heap_size > first.used_heap_size ? stats.used_heap_size - first.used_heap_size : 0;
      // The first object is garbage now; the second one becomes garbage at the next update.
      garbage = pendingObject + objectSize;
      pendingObject = objectSize;
    },
    usedHeap: () => stats.used_heap_size,
    external: () => stats.external_memory ?? 0,
    garbage: () => garbage,
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
