// Renders a call's result in memory_profiler's layout, so its users feel at home, with one more
// column (Allocated) and a mark for lines during which a garbage collection freed memory:
//   Filename: ...
//   Line #  Mem usage  Increment  Allocated  GC  Occurrences  Line Contents
//   =======================================================================
import { netBytes, type CallResult } from '../runtime/call-result';
import { sourceLine } from './source-lines';

const MIB = 1024 * 1024;
const HEADINGS = ['Line #', 'Mem usage', 'Increment', 'Allocated', 'GC', 'Occurrences', 'Line Contents'];
const NUMERIC_COLUMNS = 6;
const GAP = '  ';
/** In the GC column: memory was freed while the line ran, which is why its Increment is below its Allocated. */
const FREED_MARK = '*';

export function mib(bytes: number, precision: number): string {
  // Avoid "-0.0 MiB" for tiny negative deltas.
  const value = bytes / MIB;
  const text = value.toFixed(precision);
  return `${Number(text) === 0 ? (0).toFixed(precision) : text} MiB`;
}

/** Whether a line's freed bytes are worth a mark: they show at the table's precision. */
function showsFreed(freedBytes: number, precision: number): boolean {
  return Number((freedBytes / MIB).toFixed(precision)) !== 0;
}

/**
 * Columns by hand rather than with a table library: right-aligned ASCII columns and the source text
 * last, unpadded, so no character-width logic is needed; and a table per call must be cheap (a
 * library took ~0.5 ms a table, and its code being recompiled showed up on users' lines).
 */
export function formatTable(result: CallResult): string {
  const header = formatHeader(result);
  if (!result.lineLevel) return header + formatWholeCall(result);

  const byLine = new Map(result.lines.map((line) => [line.line, line]));
  const p = result.precision;
  const rows: string[][] = [HEADINGS];
  let marked = false;
  for (let line = result.firstLine; line <= result.lastLine; line++) {
    const stats = byLine.get(line);
    const contents = sourceLine(result.file, line);
    if (!stats) {
      rows.push([String(line), '', '', '', '', '', contents]);
      continue;
    }
    const mark = showsFreed(stats.freedBytes, p) ? FREED_MARK : '';
    if (mark) marked = true;
    rows.push([
      String(line),
      mib(stats.usageBytes, p),
      mib(stats.incrementBytes, p),
      mib(stats.allocatedBytes, p),
      mark,
      String(stats.occurrences),
      contents,
    ]);
  }
  const widths: number[] = [];
  for (let column = 0; column < NUMERIC_COLUMNS; column++) widths.push(Math.max(...rows.map((row) => row[column].length)));
  const text = rows.map((row) => (widths.map((width, column) => row[column].padStart(width)).join(GAP) + GAP + row[NUMERIC_COLUMNS]).trimEnd());
  const rule = '='.repeat(Math.max(...text.map((row) => row.length), 60));
  const note = marked ? `${FREED_MARK} memory was freed while the line ran (by a garbage collection): Increment = Allocated - freed\n` : '';
  return `${header}\n${text[0]}\n${rule}\n${text.slice(1).join('\n')}\n\n${note}${formatFooter(result)}\n\n`;
}

function formatHeader(result: CallResult): string {
  let summed = '';
  if (result.calls > 0 || result.reentrantCalls > 0) {
    summed = `Calls: ${result.calls} summed (Increment, Allocated and Occurrences are totals, Mem usage the highest)\n`;
    if (result.reentrantCalls > 0) {
      summed += `Recursion: ${result.reentrantCalls} more calls ran inside calls of ${result.functionName}; each line counts them once\n`;
    }
  }
  return `Filename: ${result.file}\nMetric: ${result.metric} (${result.metricDescription})\n${allocationNote(result)}${summed}`;
}

/** How far Allocated can be trusted, when it is not exact. */
function allocationNote(result: CallResult): string {
  if (result.allocationExact) return '';
  if (result.metric === 'rss') return 'Allocated: growth of the resident set (collections do not lower rss; pages given back count as freed)\n';
  return "Allocated: estimated (memprof's native addon is not loaded: a collection during a line hides part of what it allocated)\n";
}

function formatFooter(result: CallResult): string {
  const p = result.precision;
  const net = netBytes(result);
  const sign = net > 0 ? '+' : '';
  const ending = result.threw ? ', ended by an exception' : '';
  const calls = result.calls > 0 ? `${result.calls} call${result.calls === 1 ? '' : 's'}, ` : '';
  const retained = result.retainedBytes === null ? '' : `, retained ${mib(result.retainedBytes, p)}`;
  return (
    `${result.functionName}: ${calls}allocated ${mib(result.allocatedBytes, p)}, freed by GC ${mib(result.freedBytes, p)}, ` +
    `net ${sign}${mib(net, p)}, peak ${mib(result.peakBytes, p)}${retained}, ${result.durationMs.toFixed(1)} ms${ending}`
  );
}

function formatWholeCall(result: CallResult): string {
  const p = result.precision;
  const retained = result.retainedBytes === null ? '' : `  Retained      ${mib(result.retainedBytes, p)}\n`;
  return (
    `Function: ${result.functionName} (line ${result.firstLine}), whole call only\n\n` +
    `  Mem at entry  ${mib(result.entryBytes, p)}\n` +
    `  Mem at exit   ${mib(result.exitBytes, p)}\n` +
    `  Increment     ${mib(netBytes(result), p)}\n` +
    `  Allocated     ${mib(result.allocatedBytes, p)}\n` +
    `  Freed by GC   ${mib(result.freedBytes, p)}\n` +
    `  Peak seen     ${mib(result.peakBytes, p)}\n` +
    retained +
    `  Duration      ${result.durationMs.toFixed(1)} ms${result.threw ? ', ended by an exception' : ''}\n\n`
  );
}
