// `memprof diff before.json after.json`: what changed between two runs' results, per function and per
// line, the largest change first. Each side's calls are summed (allocated, retained, occurrences; the
// peak is the highest), so that runs of different lengths compare as totals.
import { relative } from 'node:path';
import { formatSize, formatSizeChange } from '../shared/bytes';
import type { ResultRun } from './results-file';
import { formatTable } from './table';

interface FunctionTotals {
  calls: number;
  allocatedBytes: number;
  retainedBytes: number | null;
  peakBytes: number;
}

interface LineTotals {
  function: string;
  file: string;
  line: number;
  source: string;
  occurrences: number;
  allocatedBytes: number;
  incrementBytes: number;
}

function totals(runs: readonly ResultRun[]): { functions: Map<string, FunctionTotals>; lines: Map<string, LineTotals> } {
  const functions = new Map<string, FunctionTotals>();
  const lines = new Map<string, LineTotals>();
  for (const call of runs.flatMap((run) => run.calls)) {
    const known = functions.get(call.function) ?? { calls: 0, allocatedBytes: 0, retainedBytes: null, peakBytes: 0 };
    known.calls += call.calls;
    known.allocatedBytes += call.allocatedBytes;
    if (call.retainedBytes !== null) known.retainedBytes = (known.retainedBytes ?? 0) + call.retainedBytes;
    known.peakBytes = Math.max(known.peakBytes, call.peakBytes);
    functions.set(call.function, known);
    for (const line of call.lines) {
      const key = `${call.function}\0${call.file}:${line.line}`;
      const entry = lines.get(key) ?? { function: call.function, file: call.file, line: line.line, source: line.source, occurrences: 0, allocatedBytes: 0, incrementBytes: 0 };
      entry.occurrences += line.occurrences;
      entry.allocatedBytes += line.allocatedBytes;
      entry.incrementBytes += line.incrementBytes;
      lines.set(key, entry);
    }
  }
  return { functions, lines };
}

/** "30.5 MiB → 45.8 MiB (+15.3 MiB)"; a side without the figure shows "-". */
function change(before: number | null | undefined, after: number | null | undefined): string {
  const shown = (value: number | null | undefined) => (value === null || value === undefined ? '-' : formatSize(value));
  const delta = before !== null && before !== undefined && after !== null && after !== undefined ? ` (${formatSizeChange(after - before)})` : '';
  return `${shown(before)} → ${shown(after)}${delta}`;
}

const difference = (before: number | null | undefined, after: number | null | undefined) => Math.abs((after ?? 0) - (before ?? 0));

export function diffResults(before: readonly ResultRun[], after: readonly ResultRun[], cwd: string): string {
  const a = totals(before);
  const b = totals(after);
  const names = [...new Set([...a.functions.keys(), ...b.functions.keys()])];
  const size = (name: string) => {
    const [then, now] = [a.functions.get(name), b.functions.get(name)];
    return Math.max(difference(then?.allocatedBytes, now?.allocatedBytes), difference(then?.retainedBytes, now?.retainedBytes), difference(then?.peakBytes, now?.peakBytes));
  };
  names.sort((x, y) => size(y) - size(x) || x.localeCompare(y));
  const functionRows = names.map((name) => {
    const [then, now] = [a.functions.get(name), b.functions.get(name)];
    return [name, `${then?.calls ?? 0} → ${now?.calls ?? 0}`, change(then?.allocatedBytes, now?.allocatedBytes), change(then?.retainedBytes, now?.retainedBytes), change(then?.peakBytes, now?.peakBytes)];
  });
  const keys = [...new Set([...a.lines.keys(), ...b.lines.keys()])].filter((key) => {
    const [then, now] = [a.lines.get(key), b.lines.get(key)];
    return then?.allocatedBytes !== now?.allocatedBytes || then?.incrementBytes !== now?.incrementBytes || then?.occurrences !== now?.occurrences;
  });
  const lineSize = (key: string) => difference(a.lines.get(key)?.allocatedBytes, b.lines.get(key)?.allocatedBytes) + difference(a.lines.get(key)?.incrementBytes, b.lines.get(key)?.incrementBytes) / 2;
  keys.sort((x, y) => lineSize(y) - lineSize(x) || x.localeCompare(y));
  const lineRows = keys.map((key) => {
    const [then, now] = [a.lines.get(key), b.lines.get(key)];
    const line = (now ?? then)!;
    const file = line.file && line.file.startsWith(`${cwd}/`) ? relative(cwd, line.file) : line.file;
    return [`${file}:${line.line}`, line.function, change(then?.allocatedBytes, now?.allocatedBytes), change(then?.incrementBytes, now?.incrementBytes), `${then?.occurrences ?? 0} → ${now?.occurrences ?? 0}`, line.source.trim()];
  });
  const out = ['Functions, the largest change first:\n', formatTable(['Function', 'Calls', 'Allocated', 'Retained', 'Peak'], functionRows)];
  out.push('\nLines, the largest change first:\n');
  out.push(lineRows.length > 0 ? formatTable(['Line', 'Function', 'Allocated', 'Increment', 'Occurrences', 'Source'], lineRows) : '(no line changed)\n');
  return out.join('');
}
