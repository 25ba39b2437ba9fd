// What a stretch of code allocated, as a whole: for collect(), the test matchers and anything else that
// runs code it did not instrument. With the native addon the program's collections are counted as they
// happen; without it, V8's GCProfiler lists them (with heap statistics before and after each one) when
// the stretch ends. memprof's own work and its forced collections are left out either way.
import { forcedCollectionsFreed, freedSoFar, METRICS, ownAllocatedSoFar, ownWorkSoFar, type Metric } from './metrics';
import { primordials } from '../shared/primordials';

const { v8GCProfiler } = primordials;

export interface AllocationTotals {
  /** Bytes allocated during the stretch, whatever collections reclaimed meanwhile. */
  allocatedBytes: number;
  /** Bytes collections (or external frees) released during it. */
  freedBytes: number;
  /** False when the figures come from GCProfiler's list (external frees after a collection are missed). */
  exact: boolean;
}

interface GcEntry {
  beforeGC: { heapStatistics: { usedHeapSize: number; externalMemory: number } };
  afterGC: { heapStatistics: { usedHeapSize: number; externalMemory: number } };
}

/** Starts counting (heap metric: V8 heap used + external); the returned function ends it. */
export function openAllocationSpan(metric: Metric = METRICS.heap): () => AllocationTotals {
  const readingBefore = metric.read();
  if (metric.exact) {
    const ownBefore = ownWorkSoFar(metric);
    const freedBefore = freedSoFar(metric);
    return () => {
      const reading = metric.read();
      return totals(reading - readingBefore, freedSoFar(metric) - freedBefore, ownWorkSoFar(metric) - ownBefore, true);
    };
  }
  // Without the addon (heap metric): GCProfiler lists every collection with the heap before and after.
  // The reading's change plus everything collected, minus memprof's allocations, is what the stretch
  // allocated; memprof's garbage is then counted as freed too (it cannot be told apart here).
  const profiler = new v8GCProfiler();
  const forcedBefore = forcedCollectionsFreed();
  const ownAllocatedBefore = ownAllocatedSoFar();
  profiler.start();
  return () => {
    const reading = metric.read();
    const entries = (profiler.stop()?.statistics ?? []) as unknown as GcEntry[];
    let collected = 0;
    for (let index = 0; index < entries.length; index++) {
      const before = entries[index].beforeGC.heapStatistics;
      const after = entries[index].afterGC.heapStatistics;
      const drop = before.usedHeapSize + before.externalMemory - after.usedHeapSize - after.externalMemory;
      if (drop > 0) collected += drop;
    }
    const allocated = reading - readingBefore + collected - (ownAllocatedSoFar() - ownAllocatedBefore);
    const freed = collected - (forcedCollectionsFreed() - forcedBefore);
    return { allocatedBytes: allocated > 0 ? allocated : 0, freedBytes: freed > 0 ? freed : 0, exact: false };
  };
}

function totals(change: number, collected: number, own: number, exact: boolean): AllocationTotals {
  let allocated = change + collected - own;
  let freed = collected;
  if (allocated < 0) {
    freed -= allocated;
    allocated = 0;
  }
  return { allocatedBytes: allocated, freedBytes: freed, exact };
}
