// Saved results (shared/saved-results.ts reads them) as `memprof check` and `memprof diff` compare
// them: per call, what it allocated, retained and peaked at; per run, the whole run's figures when
// the file holds collect() results.
import { readSavedRuns, runsOf as savedRunsOf, type SavedReport, type SavedRun, type Warn } from '../shared/saved-results';

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

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const orZero = (value: unknown): number => (isNumber(value) ? value : 0);

function callFigures(report: SavedReport): CallFigures {
  const lines: LineFigures[] = report.lines.map((line) => ({
    line: line.line,
    source: typeof line.source === 'string' ? line.source : '',
    occurrences: orZero(line.occurrences),
    allocatedBytes: orZero(line.allocatedBytes),
    incrementBytes: orZero(line.incrementBytes),
  }));
  return {
    function: report.function,
    file: report.file,
    calls: isNumber(report.calls) ? report.calls : 1,
    allocatedBytes: orZero(report.allocatedBytes),
    retainedBytes: isNumber(report.retainedBytes) ? report.retainedBytes : null,
    peakBytes: Math.max(0, orZero(report.peakBytes) - orZero(report.entryBytes)),
    lines,
  };
}

function resultRun({ calls, collected }: SavedRun): ResultRun {
  const whole =
    collected && isNumber(collected.allocatedBytes)
      ? {
          allocatedBytes: collected.allocatedBytes,
          retainedBytes: isNumber(collected.retainedBytes) ? collected.retainedBytes : null,
          peakBytes: Math.max(0, orZero(collected.peakBytes) - orZero(collected.entryBytes)),
        }
      : null;
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
