// The machine-readable form of one profiled call: what `collect()` returns and what
// MEMPROF_FORMAT=json prints (one JSON document per line and call). Bytes, not MiB.
import { netBytes, type CallResult } from '../runtime/call-result';
import type { MetricName } from '../runtime/metrics';
import { sourceLine } from './source-lines';

export interface LineReport {
  line: number;
  source: string;
  occurrences: number;
  /** Sum of the memory deltas charged to this line, in bytes. */
  incrementBytes: number;
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
  peakBytes: number;
  durationMs: number;
  threw: boolean;
  /** False when only whole calls could be measured (no load hook). */
  lineLevel: boolean;
  /** Executed lines only. */
  lines: LineReport[];
  /** For a summed report (calls past maxTables): how many calls it sums. */
  calls?: number;
}

export function toCallReport(result: CallResult): CallReport {
  return {
    function: result.functionName,
    file: result.file,
    firstLine: result.firstLine,
    lastLine: result.lastLine,
    metric: result.metric,
    entryBytes: result.entryBytes,
    exitBytes: result.exitBytes,
    netBytes: netBytes(result),
    peakBytes: result.peakBytes,
    durationMs: Math.round(result.durationMs * 1000) / 1000,
    threw: result.threw,
    lineLevel: result.lineLevel,
    lines: result.lines.map((line) => ({ ...line, source: sourceLine(result.file, line.line) })),
    ...(result.calls ? { calls: result.calls } : {}),
  };
}
