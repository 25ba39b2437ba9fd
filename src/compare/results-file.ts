// Saved results (shared/saved-results.ts reads them) as `memprof check` and `memprof diff` compare
// them: per call, what it allocated, retained and peaked at; per run, the whole run's figures when
// the file holds collect() results.
import { numberOr, readSavedRuns, runsOf as savedRunsOf, type SavedReport, type SavedRun, type Warn } from '../shared/saved-results';

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

function callFigures(report: SavedReport): CallFigures {
  const lines: LineFigures[] = report.lines.map((line) => ({
    line: line.line,
    source: typeof line.source === 'string' ? line.source : '',
    occurrences: numberOr(line.occurrences, 0),
    allocatedBytes: numberOr(line.allocatedBytes, 0),
    incrementBytes: numberOr(line.incrementBytes, 0),
  }));
  return {
    function: report.function,
    file: report.file,
    calls: numberOr(report.calls, 1),
    allocatedBytes: numberOr(report.allocatedBytes, 0),
    retainedBytes: numberOr(report.retainedBytes, null),
    peakBytes: Math.max(0, numberOr(report.peakBytes, 0) - numberOr(report.entryBytes, 0)),
    lines,
  };
}

function resultRun({ calls, collected }: SavedRun): ResultRun {
  const whole = collected && {
    allocatedBytes: numberOr(collected.allocatedBytes, 0),
    retainedBytes: numberOr(collected.retainedBytes, null),
    peakBytes: Math.max(0, numberOr(collected.peakBytes, 0) - numberOr(collected.entryBytes, 0)),
  };
  return { calls: calls.map(callFigures), whole };
}

/** The runs of a parsed results document (the scenario runner's output); undefined when it is not one. */
export function runsOf(value: unknown): ResultRun[] | undefined {
  return savedRunsOf(value)?.map(resultRun);
}

/** The runs a results file holds; a SavedResultsError (one line, naming the file) when it holds none. */
export function readResultRuns(path: string, shown = path, warn?: Warn): ResultRun[] {
  return readSavedRuns(path, shown, warn).map(resultRun);
}
