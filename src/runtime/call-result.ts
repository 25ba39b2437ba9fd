// What one finished call of a profiled function measured: the runtime produces it, reports render it.
import type { MetricName } from './metrics';

export interface LineResult {
  /** 1-based line in the original source file. */
  line: number;
  /** How many times a statement starting on this line began executing. */
  occurrences: number;
  /** Sum of the memory deltas charged to this line, in bytes (the column adds up to the call's net change). */
  incrementBytes: number;
  /** Highest memory seen right after this line ran, in bytes. */
  usageBytes: number;
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
  entryBytes: number;
  exitBytes: number;
  peakBytes: number;
  /** Executed lines only, in line order. */
  lines: LineResult[];
  /** True when the call ended by throwing (or rejecting). */
  threw: boolean;
  durationMs: number;
  /** False for function-level results (no load hook): only entry, exit and peak are known. */
  lineLevel: boolean;
  /** A named block (profile.timestamp), not a function call: no lines, no table. */
  block?: boolean;
  /** Calls summed into this result: absent for a single call. */
  calls?: number;
}

/**
 * What the call is charged: the sum of its line increments. For a call that awaited or yielded this
 * leaves out what happened while it was suspended, so it can differ from exit minus entry.
 * Whole-call results have no lines: exit minus entry.
 */
export function netBytes(result: CallResult): number {
  if (!result.lineLevel) return result.exitBytes - result.entryBytes;
  let net = 0;
  for (const line of result.lines) net += line.incrementBytes;
  return net;
}
