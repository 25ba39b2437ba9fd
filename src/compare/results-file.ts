// Saved results (shared/saved-results.ts reads them) as `memprof check` and `memprof diff` compare
// them: per call, what it allocated, retained and peaked at; per run, the whole run's figures when
// the file holds collect() results.
import { readSavedRuns, runsOf as savedRunsOf, type SavedReport, type SavedRun } from '../shared/saved-results';

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

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const bytes = (value: unknown): number => (isNumber(value) ? value : 0);

function callFigures(report: SavedReport): CallFigures {
  const lines: LineFigures[] = [];
  for (const line of report.lines) {
    if (!isObject(line) || !isNumber(line.line)) continue;
    lines.push({
      line: line.line,
      source: typeof line.source === 'string' ? line.source : '',
      occurrences: bytes(line.occurrences),
      allocatedBytes: bytes(line.allocatedBytes),
      incrementBytes: bytes(line.incrementBytes),
    });
  }
  return {
    function: report.function,
    file: report.file,
    calls: isNumber(report.calls) ? report.calls : 1,
    allocatedBytes: bytes(report.allocatedBytes),
    retainedBytes: isNumber(report.retainedBytes) ? report.retainedBytes : null,
    peakBytes: Math.max(0, bytes(report.peakBytes) - bytes(report.entryBytes)),
    lines,
  };
}

function resultRun({ calls, collected }: SavedRun): ResultRun {
  const whole =
    collected && isNumber(collected.allocatedBytes)
      ? {
          allocatedBytes: collected.allocatedBytes,
          retainedBytes: isNumber(collected.retainedBytes) ? collected.retainedBytes : null,
          peakBytes: Math.max(0, bytes(collected.peakBytes) - bytes(collected.entryBytes)),
        }
      : null;
  return { calls: calls.map(callFigures), whole };
}

/** The runs of a parsed results document (the scenario runner's output); undefined when it is not one. */
export function runsOf(value: unknown): ResultRun[] | undefined {
  return savedRunsOf(value)?.map(resultRun);
}

/** The runs a results file holds; a SavedResultsError (one line, naming the file) when it holds none. */
export function readResultRuns(path: string, shown = path): ResultRun[] {
  return readSavedRuns(path, shown).map(resultRun);
}
