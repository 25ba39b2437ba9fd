// Results saved as JSON, read back for `memprof check` and `memprof diff`: what `--json` /
// MEMPROF_FORMAT=json prints (one call report per line, among the program's own output), or a JSON
// document of collect() results (a Collected, a call report, or an array of either). A "run" is what
// one measurement saw: a Collected's calls, or a single call report.
import { readFileSync } from 'node:fs';

export interface LineFigures {
  line: number;
  source: string;
  occurrences: number;
  allocatedBytes: number;
  incrementBytes: number;
}

/** The fields of a call report (reporters/call-report.ts) that comparisons use. */
export interface CallFigures {
  function: string;
  file: string;
  /** Outermost calls a summed report stands for; 1 for one call. */
  calls: number;
  allocatedBytes: number;
  retainedBytes: number | null;
  /** Highest memory above the call's entry. */
  peakBytes: number;
  lines: LineFigures[];
}

export interface ResultRun {
  calls: CallFigures[];
  /** The run as a whole, when the file holds collect() results (a Collected; `memprof check` adds what it retained). */
  whole: { allocatedBytes: number; retainedBytes: number | null; peakBytes: number } | null;
}

export class ResultsError extends Error {
  override name = 'ResultsError';
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function callOf(value: unknown): CallFigures | undefined {
  if (!isObject(value) || typeof value.function !== 'string' || !isNumber(value.allocatedBytes) || !isNumber(value.peakBytes) || !Array.isArray(value.lines)) {
    return undefined;
  }
  const entry = isNumber(value.entryBytes) ? value.entryBytes : 0;
  const lines: LineFigures[] = [];
  for (const line of value.lines) {
    if (!isObject(line) || !isNumber(line.line)) continue;
    lines.push({
      line: line.line,
      source: typeof line.source === 'string' ? line.source : '',
      occurrences: isNumber(line.occurrences) ? line.occurrences : 0,
      allocatedBytes: isNumber(line.allocatedBytes) ? line.allocatedBytes : 0,
      incrementBytes: isNumber(line.incrementBytes) ? line.incrementBytes : 0,
    });
  }
  return {
    function: value.function,
    file: typeof value.file === 'string' ? value.file : '',
    calls: isNumber(value.calls) ? value.calls : 1,
    allocatedBytes: value.allocatedBytes,
    retainedBytes: isNumber(value.retainedBytes) ? value.retainedBytes : null,
    peakBytes: Math.max(0, value.peakBytes - entry),
    lines,
  };
}

/** A Collected (collect()'s result): its calls and its whole-run figures. */
function collectedOf(value: unknown): ResultRun | undefined {
  if (!isObject(value) || !Array.isArray(value.calls) || !isNumber(value.allocatedBytes)) return undefined;
  const calls = value.calls.map(callOf).filter((call): call is CallFigures => call !== undefined);
  const entry = isNumber(value.entryBytes) ? value.entryBytes : 0;
  return {
    calls,
    whole: {
      allocatedBytes: value.allocatedBytes,
      retainedBytes: isNumber(value.retainedBytes) ? value.retainedBytes : null,
      peakBytes: isNumber(value.peakBytes) ? Math.max(0, value.peakBytes - entry) : 0,
    },
  };
}

/** The runs of a parsed results document; undefined when it is not one. */
export function runsOf(value: unknown): ResultRun[] | undefined {
  const items = Array.isArray(value) ? value : [value];
  const runs: ResultRun[] = [];
  for (const item of items) {
    const call = callOf(item);
    const run = call ? { calls: [call], whole: null } : collectedOf(item);
    if (!run) return undefined;
    runs.push(run);
  }
  return runs;
}

/** The runs a results file holds; a ResultsError (one line, naming the file) when it holds none. */
export function readResultRuns(path: string, shown = path): ResultRun[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ResultsError(`cannot read ${shown}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    const runs = runsOf(JSON.parse(text));
    if (runs) return runs;
    throw new ResultsError(`${shown} is JSON, but not memprof results (call reports from --json, or collect() results)`);
  } catch (error) {
    if (error instanceof ResultsError) throw error;
  }
  // JSON lines: one call report per line, between whatever else the program printed.
  const runs: ResultRun[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const call = callOf(JSON.parse(line));
      if (call) runs.push({ calls: [call], whole: null });
    } catch {
      // A line of the program's own that happens to start with a brace.
    }
  }
  if (runs.length === 0) throw new ResultsError(`${shown} holds no memprof results (call reports from --json, or collect() results)`);
  return runs;
}
