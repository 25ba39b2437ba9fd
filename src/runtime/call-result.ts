// What one finished call of a profiled function measured: the runtime produces it, reports render it.
// Every field is always present (no optional properties), so that nothing reading a result ever falls
// through to a property a program may have put on Object.prototype.
import type { MetricName } from './metrics';

export interface LineResult {
  /** 1-based line in the original source file. */
  line: number;
  /** How many times a statement starting on this line began executing. */
  occurrences: number;
  /**
   * Net change of the metric while the line ran, memprof's own work excluded: memory_profiler's
   * Increment. Equals `allocatedBytes - freedBytes`; the column adds up to the call's net change.
   */
  incrementBytes: number;
  /** Bytes the line allocated, counted when allocated, whatever a collection reclaimed meanwhile. */
  allocatedBytes: number;
  /** Bytes released while the line ran: by garbage collections, or external memory given back. */
  freedBytes: number;
  /** Highest memory seen right after this line ran, in bytes. */
  usageBytes: number;
  /**
   * The part of `allocatedBytes`/`freedBytes` that calls of the same function made while running inside
   * this line (recursion, re-entrancy). Those calls report it themselves, so a summed table leaves it
   * out here to count it once. 0 for lines that called no instance of their own function.
   */
  reentrantAllocatedBytes: number;
  reentrantFreedBytes: number;
  /**
   * The part of `allocatedBytes`/`freedBytes` that profiled calls (of any function) made while running
   * inside this line: what is left is the line's own (program-wide "top lines" rank lines by it).
   */
  calleeAllocatedBytes: number;
  calleeFreedBytes: number;
}

export interface CallResult {
  file: string;
  functionName: string;
  /** Line of the marker (`@profile`, `profile(`, or the `@profile` comment); the table starts here. */
  firstLine: number;
  /** Line of the function's closing brace; the table ends here. */
  lastLine: number;
  metric: MetricName;
  metricDescription: string;
  precision: number;
  /** Absolute values of the metric, as process.memoryUsage() would report them at that moment. */
  entryBytes: number;
  exitBytes: number;
  peakBytes: number;
  /** Sum of the lines' figures: allocated, and released (by collections or external frees). */
  allocatedBytes: number;
  freedBytes: number;
  /**
   * With the `retained` option: the metric after a full collection at exit minus the same at entry,
   * i.e. what the call left alive. Null when not measured.
   */
  retainedBytes: number | null;
  /** False when Allocated is an estimate (no native addon, or a metric collections do not lower). */
  allocationExact: boolean;
  /** Executed lines only, in line order. */
  lines: LineResult[];
  /** True when the call ended by throwing (or rejecting). */
  threw: boolean;
  durationMs: number;
  /** False for function-level results (no load hook): only entry, exit, peak and totals are known. */
  lineLevel: boolean;
  /** A named block (profile.timestamp), not a function call: no lines, no table. */
  block: boolean;
  /** True when another call of the same function was running beneath this one when it started. */
  reentrant: boolean;
  /** For a summed result (calls past maxTables): outermost calls summed; 0 for a single call. */
  calls: number;
  /** For a summed result: calls that ran inside another call of the same function. */
  reentrantCalls: number;
}

/**
 * What the call is charged: the sum of its line increments, i.e. allocated minus freed. For a call
 * that awaited or yielded this leaves out what happened while it was suspended, so it can differ from
 * exit minus entry.
 */
export function netBytes(result: CallResult): number {
  return result.allocatedBytes - result.freedBytes;
}
