// The machine-readable form of one profiled call: what `collect()` returns and what
// MEMPROF_FORMAT=json prints (one JSON document per line and call). Bytes, not MiB.
import { netBytes, type CallResult } from '../runtime/call-result';
import type { MetricName } from '../runtime/metrics';
import { sourceLine } from '../shared/source-lines';
import { append, primordials } from '../shared/primordials';

const { MathRound } = primordials;

export interface LineReport {
  line: number;
  source: string;
  occurrences: number;
  /** Net change of the metric across the line (memory_profiler's Increment): allocated - freed. */
  incrementBytes: number;
  /** Bytes the line allocated, whatever a garbage collection reclaimed during or after it. */
  allocatedBytes: number;
  /** Bytes released while the line ran (by garbage collections, or external memory given back). */
  freedBytes: number;
  /** Highest memory seen right after this line ran, in bytes. */
  usageBytes: number;
}

export interface CallReport {
  function: string;
  file: string;
  /** Table range: marker line to closing brace. */
  firstLine: number;
  lastLine: number;
  metric: MetricName;
  entryBytes: number;
  exitBytes: number;
  /** The sum of the line increments (while suspended at await/yield, nothing is charged). */
  netBytes: number;
  /** The sum of the lines' allocations and of what was freed while they ran. */
  allocatedBytes: number;
  freedBytes: number;
  /** What the call left alive (the `retained` option: full collections at entry and exit); else null. */
  retainedBytes: number | null;
  /** False when allocatedBytes is an estimate (no native addon, or the rss metric). */
  allocationExact: boolean;
  peakBytes: number;
  durationMs: number;
  threw: boolean;
  /** False when only whole calls could be measured (no load hook). */
  lineLevel: boolean;
  /** True when the call ran inside another call of the same function (recursion, re-entrancy). */
  reentrant: boolean;
  /** Executed lines only. */
  lines: LineReport[];
  /** For a summed report (calls past maxTables): how many outermost calls it sums. */
  calls?: number;
  /** For a summed report: calls that ran inside other calls of the same function (counted once). */
  reentrantCalls?: number;
}

function lineReports(result: CallResult): LineReport[] {
  const reports: LineReport[] = [];
  for (let index = 0; index < result.lines.length; index++) {
    const line = result.lines[index];
    append(reports, {
      line: line.line,
      source: sourceLine(result.file, line.line),
      occurrences: line.occurrences,
      incrementBytes: line.incrementBytes,
      allocatedBytes: line.allocatedBytes,
      freedBytes: line.freedBytes,
      usageBytes: line.usageBytes,
    });
  }
  return reports;
}

export function toCallReport(result: CallResult): CallReport {
  const summed = result.calls > 0 || result.reentrantCalls > 0;
  return {
    function: result.functionName,
    file: result.file,
    firstLine: result.firstLine,
    lastLine: result.lastLine,
    metric: result.metric,
    entryBytes: result.entryBytes,
    exitBytes: result.exitBytes,
    netBytes: netBytes(result),
    allocatedBytes: result.allocatedBytes,
    freedBytes: result.freedBytes,
    retainedBytes: result.retainedBytes,
    allocationExact: result.allocationExact,
    peakBytes: result.peakBytes,
    durationMs: MathRound(result.durationMs * 1000) / 1000,
    threw: result.threw,
    lineLevel: result.lineLevel,
    reentrant: result.reentrant,
    lines: lineReports(result),
    ...(summed ? { calls: result.calls, reentrantCalls: result.reentrantCalls } : {}),
  };
}
