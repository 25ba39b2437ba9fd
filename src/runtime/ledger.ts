// The ledger: counters that make per-line figures independent of when the garbage collector runs and
// of memprof's own work. Each counter exists twice: modulo 2^32 in an Int32Array (what samples read:
// small integers, never boxed by interpreted code; differences taken with `| 0`), and unwrapped in a
// Float64Array (what totals over long stretches read, in memprof's own work only).
//
//   freed      what collections freed of the program's memory (counted inside each collection by the
//              native addon; without it nothing is counted and collections are only seen as drops)
//   own        memprof's own work: what it allocated (frames, tables, records), minus what collections
//              freed of it, minus what the collections it forced itself freed
//   pending    what memprof allocated since the last collection: its garbage, mostly. A collection is
//              taken to free that first (its share goes to `own`, the rest to `freed`); what survived is
//              then the program's, so the error is bounded by memprof's live objects, never accumulated
//   collected  everything collections freed, to measure memprof's own work across one
//
// Layout mirrored in native/memprof.cc (enum Word).
import { nativeAddon } from './native';

export const FREED_HEAP_USED = 0;
export const FREED_EXTERNAL = 1;
export const FREED_HEAP = 2;
export const OWN_HEAP_USED = 3;
export const OWN_EXTERNAL = 4;
export const OWN_HEAP = 5;
export const PENDING_HEAP_USED = 6;
export const PENDING_EXTERNAL = 7;
const COLLECTED_HEAP_USED = 8;
const COLLECTED_EXTERNAL = 9;
export const COLLECTIONS = 10;
/** Always 0: the slots of a metric that has no such counter (the resident set). */
export const NO_COUNTER = 11;
const WORD_COUNT = 12;

const { addon } = nativeAddon();
export const counters: Int32Array = addon ? addon.words : new Int32Array(WORD_COUNT);
const totals: Float64Array = addon ? addon.totals : new Float64Array(WORD_COUNT);
/** Whether collections are counted as they happen (only the addon can). */
export const collectionsCounted = addon !== undefined;

/** Adds to a counter, both ways. Own work only: the Float64Array store may box. */
function add(slot: number, bytes: number): void {
  counters[slot] += bytes;
  totals[slot] += bytes;
}

/** Reads a counter's unwrapped value (own work only: loads from a Float64Array box). */
export function total(slot: number): number {
  return totals[slot];
}

/**
 * A drop of the reading that no counted collection explains (always, without the addon): a collection
 * or an external free happened. memprof's pending garbage is taken to be part of it, as the addon does
 * inside a collection. Returns the bytes taken as memprof's; the caller charges the rest as freed.
 * Called from samples, rarely: only when a reading goes down.
 */
export function takeOwnShareOfDrop(ledger: Int32Array, pendingSlot: number, drop: number): number {
  const pending = ledger[pendingSlot];
  if (pending <= 0) return 0;
  const share = pending < drop ? pending : drop;
  ledger[pendingSlot] = 0;
  ledger[pendingSlot === PENDING_HEAP_USED ? OWN_HEAP_USED : OWN_EXTERNAL] -= share;
  ledger[OWN_HEAP] -= share;
  // Tests run frames on ledgers of their own; the totals mirror only the process' ledger.
  if (ledger === counters) {
    totals[pendingSlot] = 0;
    totals[pendingSlot === PENDING_HEAP_USED ? OWN_HEAP_USED : OWN_EXTERNAL] -= share;
    totals[OWN_HEAP] -= share;
  }
  return share;
}

/**
 * memprof's own work (creating frames, formatting and writing tables) is bracketed by
 * `beginOwnWork()` and `endOwnWork()`. No closure is needed around the work: that closure would itself
 * be allocated, outside the bracket. Brackets may nest; the outermost one counts.
 */
let depth = 0;
let heapUsedBefore = 0;
let externalBefore = 0;
let collectedHeapUsedBefore = 0;
let collectedExternalBefore = 0;

/** What memprof allocated so far (heap metric), never lowered: for estimates without the addon. */
let ownAllocatedHeap = 0;

export function ownAllocatedSoFar(): number {
  return ownAllocatedHeap;
}

/** Garbage a reader itself left on the heap (the public-API reader's statistics objects). */
export function addReaderGarbage(bytes: number): void {
  counters[OWN_HEAP] += bytes;
  counters[OWN_HEAP_USED] += bytes;
  totals[OWN_HEAP] += bytes;
  totals[OWN_HEAP_USED] += bytes;
  ownAllocatedHeap += bytes;
}

/** The readers the brackets use; set by metrics.ts (which owns the readers) when it loads. */
export interface LedgerReaders {
  heapUsed(): number;
  external(): number;
}
let readers: LedgerReaders = { heapUsed: () => 0, external: () => 0 };

export function useReaders(chosen: LedgerReaders): void {
  readers = chosen;
}

export function beginOwnWork(): void {
  if (depth++ > 0) return;
  heapUsedBefore = readers.heapUsed();
  externalBefore = readers.external();
  collectedHeapUsedBefore = counters[COLLECTED_HEAP_USED];
  collectedExternalBefore = counters[COLLECTED_EXTERNAL];
}

export function endOwnWork(): void {
  if (--depth > 0) return;
  // What the work allocated, whatever a collection during it freed.
  const heapUsed = readers.heapUsed() - heapUsedBefore + ((counters[COLLECTED_HEAP_USED] - collectedHeapUsedBefore) | 0);
  const external = readers.external() - externalBefore + ((counters[COLLECTED_EXTERNAL] - collectedExternalBefore) | 0);
  add(OWN_HEAP_USED, heapUsed);
  add(OWN_EXTERNAL, external);
  add(OWN_HEAP, heapUsed + external);
  if (heapUsed + external > 0) ownAllocatedHeap += heapUsed + external;
  if (heapUsed > 0) add(PENDING_HEAP_USED, heapUsed);
  if (external > 0) add(PENDING_EXTERNAL, external);
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
 * Runs `collect` (a full garbage collection) so that no figure of the program's sees it: whatever it
 * freed, the program's or memprof's, counts as memprof's own work.
 */
export function hideCollection(collect: () => void): void {
  beginOwnWork();
  const freedHeapUsed = counters[FREED_HEAP_USED];
  const freedExternal = counters[FREED_EXTERNAL];
  const freedHeap = counters[FREED_HEAP];
  const ownHeapUsed = counters[OWN_HEAP_USED];
  const ownExternal = counters[OWN_EXTERNAL];
  const ownHeap = counters[OWN_HEAP];
  for (let slot = 0; slot < PENDING_HEAP_USED; slot++) savedTotals[slot] = totals[slot];
  const collectedHeapUsed = counters[COLLECTED_HEAP_USED];
  const collectedExternal = counters[COLLECTED_EXTERNAL];
  const heapUsedBeforeCollection = readers.heapUsed();
  const externalBeforeCollection = readers.external();
  try {
    collect();
  } finally {
    counters[FREED_HEAP_USED] = freedHeapUsed;
    counters[FREED_EXTERNAL] = freedExternal;
    counters[FREED_HEAP] = freedHeap;
    counters[OWN_HEAP_USED] = ownHeapUsed;
    counters[OWN_EXTERNAL] = ownExternal;
    counters[OWN_HEAP] = ownHeap;
    for (let slot = 0; slot < PENDING_HEAP_USED; slot++) totals[slot] = savedTotals[slot];
    // memprof's garbage went with this collection too.
    counters[PENDING_HEAP_USED] = 0;
    counters[PENDING_EXTERNAL] = 0;
    totals[PENDING_HEAP_USED] = 0;
    totals[PENDING_EXTERNAL] = 0;
    // Counted by the addon: taken off `own` here, since the bracket adds back what it counted. Not
    // counted (no addon): the bracket sees the drop itself.
    const heapUsed = (counters[COLLECTED_HEAP_USED] - collectedHeapUsed) | 0;
    const external = (counters[COLLECTED_EXTERNAL] - collectedExternal) | 0;
    add(OWN_HEAP_USED, -heapUsed);
    add(OWN_EXTERNAL, -external);
    add(OWN_HEAP, -(heapUsed + external));
    const dropped = heapUsedBeforeCollection + externalBeforeCollection - readers.heapUsed() - readers.external();
    if (dropped > 0) forcedDrops += dropped;
    endOwnWork();
  }
}

let forcedDrops = 0;
/** The freed and own totals, kept across a forced collection (allocated once). */
const savedTotals = new Float64Array(PENDING_HEAP_USED);

/** Bytes (heap metric) the collections memprof forced have freed so far, for GCProfiler estimates. */
export function forcedCollectionsFreed(): number {
  return forcedDrops;
}
