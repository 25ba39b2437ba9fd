// Memory readers. They are the hot path of line profiling (one read per executed statement), so a
// read must be cheap and must not allocate on the JS heap, or the profiler would measure itself.
// With the native addon a read takes V8's object spaces and external memory (about 55 ns); without it,
// V8's full heap statistics (about 130 ns). Each metric also names its counters in the ledger (see
// ledger.ts), which samples use to tell allocations from collections and from memprof's own work.
import { METRIC_NAMES, isMetricName, type MetricName } from './metric-names';
import { openResidentSetReader } from './resident-set';
import { nativeAddon } from './native';
import { openHeapCounters } from './heap-statistics';
import {
  addReaderGarbage,
  counters,
  collectionsCounted,
  FREED_EXTERNAL,
  FREED_HEAP,
  FREED_HEAP_USED,
  hideCollection,
  NO_COUNTER,
  OWN_EXTERNAL,
  OWN_HEAP,
  OWN_HEAP_USED,
  PENDING_EXTERNAL,
  PENDING_HEAP_USED,
  total,
  useReaders,
} from './ledger';
import { garbageCollector } from './gc';
import { monotonicMs } from './clock';

export { METRIC_NAMES, isMetricName, type MetricName };
export { beginOwnWork, endOwnWork, hideOwnAllocations, forcedCollectionsFreed, ownAllocatedSoFar } from './ledger';

export interface Metric {
  readonly name: MetricName;
  /** Shown in table headers so that a reader knows what "Mem usage" means. */
  readonly description: string;
  /** Current value in bytes, as cheaply as it can be read; `offset()` makes it absolute. */
  read(): number;
  /**
   * What `read()` leaves out compared with `process.memoryUsage()` (V8's code and read-only spaces,
   * external strings), in bytes; 0 when the reading is already complete. Allocates: call it only
   * inside memprof's own work.
   */
  offset(): number;
  /** The ledger (ledger.ts) and this metric's slots in it. */
  readonly counters: Int32Array;
  readonly freedSlot: number;
  readonly ownSlot: number;
  readonly pendingSlot: number;
  /** True when collections are counted as they happen: Allocated is then exact, not an estimate. */
  readonly exact: boolean;
}

const { addon } = nativeAddon();

interface HeapReaders {
  heap(): number;
  heapUsed(): number;
  external(): number;
  offsets(): readonly [number, number, number];
  allocationFree: boolean;
}

function openHeapReaders(): HeapReaders {
  if (addon) {
    return {
      heap: addon.heap,
      heapUsed: addon.heapUsed,
      external: addon.external,
      offsets: recentOffsets(addon.calibrate),
      allocationFree: true,
    };
  }
  const statistics = openHeapCounters();
  const NO_OFFSETS = [0, 0, 0] as const;
  /** The public-API reader leaves garbage of its own: it is memprof's, not the program's. */
  const update = (): void => {
    statistics.update();
    const garbage = statistics.garbage();
    if (garbage !== 0) addReaderGarbage(garbage);
  };
  return {
    heap() {
      update();
      return statistics.usedHeap() + statistics.external();
    },
    heapUsed() {
      update();
      return statistics.usedHeap();
    },
    external() {
      update();
      return statistics.external();
    },
    offsets: () => NO_OFFSETS,
    allocationFree: statistics.allocationFree,
  };
}

/**
 * What the fast reads leave out (code and read-only spaces, external strings) changes when V8
 * compiles, slowly: measured at most every few milliseconds, not at every call (it costs a full
 * statistics read, a fifth of a short call's cost).
 */
const OFFSETS_FOR_MS = 5;
function recentOffsets(calibrate: () => [number, number, number]): () => readonly [number, number, number] {
  let offsets: readonly [number, number, number] | undefined;
  let measuredAt = -Infinity;
  return () => {
    const now = monotonicMs();
    if (!offsets || now - measuredAt > OFFSETS_FOR_MS) {
      offsets = calibrate();
      measuredAt = now;
    }
    return offsets;
  };
}

const heapReaders = openHeapReaders();
useReaders(heapReaders);

function heapMetric(
  name: MetricName,
  description: string,
  read: () => number,
  offsetIndex: number,
  slots: { freed: number; own: number; pending: number },
): Metric {
  return {
    name,
    description,
    read,
    offset: () => heapReaders.offsets()[offsetIndex],
    counters,
    freedSlot: slots.freed,
    ownSlot: slots.own,
    pendingSlot: slots.pending,
    exact: collectionsCounted,
  };
}

export const METRICS: Readonly<Record<MetricName, Metric>> = {
  // memprof's pending garbage is on the JS heap; its external part (write buffers) is rarely pending.
  heap: heapMetric('heap', 'V8 heap used + external memory', heapReaders.heap, 0, { freed: FREED_HEAP, own: OWN_HEAP, pending: PENDING_HEAP_USED }),
  heapUsed: heapMetric('heapUsed', 'V8 heap used', heapReaders.heapUsed, 1, { freed: FREED_HEAP_USED, own: OWN_HEAP_USED, pending: PENDING_HEAP_USED }),
  external: heapMetric('external', 'external memory (ArrayBuffers, Buffers, native)', heapReaders.external, 2, {
    freed: FREED_EXTERNAL,
    own: OWN_EXTERNAL,
    pending: PENDING_EXTERNAL,
  }),
  rss: {
    name: 'rss',
    description: 'resident set size of the process',
    read: openResidentSetReader(),
    offset: () => 0,
    // Collections do not give pages back to the system when they run, and memprof's own pages are not
    // told apart: growth of the resident set is what a line allocated, a drop what it gave back.
    counters,
    freedSlot: NO_COUNTER,
    ownSlot: NO_COUNTER,
    pendingSlot: NO_COUNTER,
    exact: false,
  },
};

/** Whether heap reads go through allocation-free counters (reported by benchmarks and tests). */
export const allocationFreeHeapReads = heapReaders.allocationFree;

/** Whether the native addon counts collections as they happen (Allocated exact), and why not. */
export function allocationCounting(): { exact: boolean; reason: string } {
  return { exact: collectionsCounted, reason: nativeAddon().reason };
}

/** The metric's value as `process.memoryUsage()` would report it now (allocates: not for hot paths). */
export function readAbsolute(metric: Metric): number {
  return metric.read() + metric.offset();
}

/** Unwrapped totals for stretches of code (collect(), matchers): own work only. */
export function freedSoFar(metric: Metric): number {
  return total(metric.freedSlot);
}

export function ownWorkSoFar(metric: Metric): number {
  return total(metric.ownSlot);
}

/**
 * A full garbage collection that no figure of the program's sees (see ledger.ts). Used by retained
 * measurements, settling and the test matchers. Returns false when no collector can be reached.
 */
export function forceCollection(): boolean {
  const gc = garbageCollector();
  if (!gc) return false;
  hideCollection(gc);
  return true;
}
