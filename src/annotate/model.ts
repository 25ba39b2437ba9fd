// The annotated-source model: the call reports of any number of saved results (read by
// shared/saved-results.ts), from one process or several, merged by file and line. Each line keeps
// what it allocated itself (memprof's Allocated), its increment and occurrences, summed over every
// call that ran it.
import type { CallReport, LineReport } from '../reporters/call-report';
import { numberOr, type SavedRun } from '../shared/saved-results';

export interface AnnotatedLine {
  line: number;
  allocatedBytes: number;
  incrementBytes: number;
  occurrences: number;
  retainedBytes: number | null;
  /** The text memprof saw when it profiled the line (the file may have changed since). */
  source: string;
}

export interface AnnotatedFunction {
  name: string;
  firstLine: number;
  lastLine: number;
  calls: number;
  allocatedBytes: number;
  retainedBytes: number | null;
}

export interface AnnotatedFile {
  file: string;
  allocatedBytes: number;
  lines: Map<number, AnnotatedLine>;
  functions: Map<string, AnnotatedFunction>;
}

/** What annotate() reads of a call report. */
export type AnnotatedReport = Pick<CallReport, 'function' | 'file' | 'firstLine' | 'lastLine' | 'allocatedBytes' | 'retainedBytes' | 'reentrant' | 'calls' | 'reentrantCalls'> & {
  lines: Array<Pick<LineReport, 'line' | 'source' | 'occurrences' | 'incrementBytes'> & { allocatedBytes?: number }>;
};

/** The call reports of saved runs as annotate() reads them: what a report lacks counts as nothing. */
export function reportsOf(runs: readonly SavedRun[]): AnnotatedReport[] {
  return runs.flatMap((run) =>
    run.calls.map((call) => ({
      function: call.function,
      file: call.file,
      firstLine: numberOr(call.firstLine, 0),
      lastLine: numberOr(call.lastLine, numberOr(call.firstLine, 0)),
      allocatedBytes: numberOr(call.allocatedBytes, 0),
      retainedBytes: numberOr(call.retainedBytes, null),
      reentrant: call.reentrant === true,
      calls: numberOr(call.calls, 1),
      reentrantCalls: numberOr(call.reentrantCalls, 0),
      lines: call.lines.map((line) => ({
        line: line.line,
        source: typeof line.source === 'string' ? line.source : '',
        occurrences: numberOr(line.occurrences, 0),
        incrementBytes: numberOr(line.incrementBytes, 0),
        ...(typeof line.allocatedBytes === 'number' ? { allocatedBytes: line.allocatedBytes } : {}),
      })),
    })),
  );
}

/** Merges call reports by file, heaviest file first. */
export function annotate(reports: readonly AnnotatedReport[]): AnnotatedFile[] {
  const files = new Map<string, AnnotatedFile>();
  for (const report of reports) {
    let file = files.get(report.file);
    if (!file) {
      file = { file: report.file, allocatedBytes: 0, lines: new Map(), functions: new Map() };
      files.set(report.file, file);
    }
    const key = `${report.function}:${report.firstLine}`;
    let fn = file.functions.get(key);
    if (!fn) {
      fn = { name: report.function, firstLine: report.firstLine, lastLine: report.lastLine, calls: 0, allocatedBytes: 0, retainedBytes: null };
      file.functions.set(key, fn);
    }
    // A summed report counts its calls (and the ones inside it are already in its figures).
    const calls = report.calls ?? 1;
    fn.calls += calls + (report.reentrantCalls ?? 0);
    if (!report.reentrant) {
      fn.allocatedBytes += report.allocatedBytes ?? 0;
      if (report.retainedBytes !== null && report.retainedBytes !== undefined) fn.retainedBytes = (fn.retainedBytes ?? 0) + report.retainedBytes;
    }
    for (const entry of report.lines) {
      let line = file.lines.get(entry.line);
      if (!line) {
        line = { line: entry.line, allocatedBytes: 0, incrementBytes: 0, occurrences: 0, retainedBytes: null, source: entry.source ?? '' };
        file.lines.set(entry.line, line);
      }
      line.allocatedBytes += entry.allocatedBytes ?? Math.max(0, entry.incrementBytes);
      line.incrementBytes += entry.incrementBytes;
      line.occurrences += entry.occurrences;
    }
  }
  for (const file of files.values()) {
    let total = 0;
    for (const fn of file.functions.values()) total += fn.allocatedBytes;
    file.allocatedBytes = total;
  }
  return [...files.values()].sort((a, b) => b.allocatedBytes - a.allocatedBytes || a.file.localeCompare(b.file));
}
