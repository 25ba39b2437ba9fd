// memprof's line-level data as `memprof export --pprof --lines` reads it: the call reports of a saved
// results file (shared/saved-results.ts: MEMPROF_FORMAT=json output, or collect() results), summed
// per line of each profiled function.
import { numberOr, readSavedRuns, type SavedReport, type Warn } from '../shared/saved-results';

export interface LineAllocation {
  function: string;
  file: string;
  /** The function's first line (its marker). */
  firstLine: number;
  line: number;
  allocatedBytes: number;
  occurrences: number;
}

interface LineDocument {
  line: number;
  allocatedBytes: number;
  occurrences: number;
}

interface CallDocument {
  function: string;
  file: string;
  firstLine: number;
  lines: LineDocument[];
}

/** What a pprof line location needs of a report: its lines, their bytes and counts. */
function callDocument(report: SavedReport): CallDocument {
  const lines = report.lines.map((entry) => ({
    line: entry.line,
    allocatedBytes: numberOr(entry.allocatedBytes, 0),
    occurrences: numberOr(entry.occurrences, 0),
  }));
  return { function: report.function, file: report.file, firstLine: numberOr(report.firstLine, 0), lines };
}

/** Every profiled call in a results file (none, for collect() results of a run that called none); a SavedResultsError naming the file when it holds no results. */
export function readCallDocuments(path: string, shown = path, warn?: Warn): CallDocument[] {
  return readSavedRuns(path, shown, warn).flatMap((run) => run.calls.map(callDocument));
}

/** Every line's allocations, summed over the calls of its function. */
export function sumLines(calls: readonly CallDocument[]): LineAllocation[] {
  const byLine = new Map<string, LineAllocation>();
  for (const call of calls) {
    for (const line of call.lines) {
      const key = `${call.file}\u0000${call.function}\u0000${call.firstLine}\u0000${line.line}`;
      const entry = byLine.get(key);
      if (entry) {
        entry.allocatedBytes += line.allocatedBytes;
        entry.occurrences += line.occurrences;
      } else {
        byLine.set(key, { function: call.function, file: call.file, firstLine: call.firstLine, line: line.line, allocatedBytes: line.allocatedBytes, occurrences: line.occurrences });
      }
    }
  }
  return [...byLine.values()];
}
