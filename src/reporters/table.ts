// Renders a call's result in memory_profiler's layout, so its users feel at home, with one more
// column (Allocated) and a mark for lines during which a garbage collection freed memory:
//   Filename: ...
//   Line #  Mem usage  Increment  Allocated  GC  Occurrences  Line Contents
//   =======================================================================
import { netBytes, type CallResult, type LineResult } from '../runtime/call-result';
import { sourceLine } from '../shared/source-lines';
import { append, joinStrings, padStart, primordials, repeat } from '../shared/primordials';

const { NumberCtor, NumberPrototypeToFixed, StringPrototypeTrimEnd } = primordials;

const MIB = 1024 * 1024;
const HEADINGS = ['Line #', 'Mem usage', 'Increment', 'Allocated', 'GC', 'Occurrences', 'Line Contents'];
const NUMERIC_COLUMNS = 6;
const GAP = '  ';
/** In the GC column: memory was freed while the line ran, which is why its Increment is below its Allocated. */
const FREED_MARK = '*';

export function mib(bytes: number, precision: number): string {
  // Avoid "-0.0 MiB" for tiny negative deltas.
  const text = NumberPrototypeToFixed(bytes / MIB, precision);
  return `${NumberCtor(text) === 0 ? NumberPrototypeToFixed(0, precision) : text} MiB`;
}

function fixed(value: number, digits: number): string {
  return NumberPrototypeToFixed(value, digits);
}

/** Whether a line's freed bytes are worth a mark: they show at the table's precision. */
function showsFreed(freedBytes: number, precision: number): boolean {
  return NumberCtor(NumberPrototypeToFixed(freedBytes / MIB, precision)) !== 0;
}

/**
 * Columns by hand rather than with a table library: right-aligned ASCII columns and the source text
 * last, unpadded, so no character-width logic is needed; and a table per call must be cheap (a
 * library took ~0.5 ms a table, and its code being recompiled showed up on users' lines).
 */
export function formatTable(result: CallResult): string {
  const header = formatHeader(result);
  if (!result.lineLevel) return header + formatWholeCall(result);

  // Lines by offset from the first: no Map, whose methods a program may have replaced.
  const byLine: Array<LineResult | undefined> = [];
  for (let index = 0; index < result.lines.length; index++) byLine[result.lines[index].line - result.firstLine] = result.lines[index];
  const p = result.precision;
  const rows: string[][] = [HEADINGS];
  let marked = false;
  for (let line = result.firstLine; line <= result.lastLine; line++) {
    const stats = byLine[line - result.firstLine];
    const contents = sourceLine(result.file, line);
    if (!stats) {
      append(rows, [`${line}`, '', '', '', '', '', contents]);
      continue;
    }
    const mark = showsFreed(stats.freedBytes, p) ? FREED_MARK : '';
    if (mark) marked = true;
    append(rows, [`${line}`, mib(stats.usageBytes, p), mib(stats.incrementBytes, p), mib(stats.allocatedBytes, p), mark, `${stats.occurrences}`, contents]);
  }
  const widths: number[] = [];
  for (let column = 0; column < NUMERIC_COLUMNS; column++) {
    let width = 0;
    for (let row = 0; row < rows.length; row++) if (rows[row][column].length > width) width = rows[row][column].length;
    widths[column] = width;
  }
  const text: string[] = [];
  let longest = 60;
  for (let row = 0; row < rows.length; row++) {
    const cells: string[] = [];
    for (let column = 0; column < NUMERIC_COLUMNS; column++) cells[column] = padStart(rows[row][column], widths[column]);
    const formatted = StringPrototypeTrimEnd(joinStrings(cells, GAP) + GAP + rows[row][NUMERIC_COLUMNS]);
    if (formatted.length > longest) longest = formatted.length;
    append(text, formatted);
  }
  const body: string[] = [];
  for (let row = 1; row < text.length; row++) append(body, text[row]);
  const note = marked ? `${FREED_MARK} memory was freed while the line ran (by a garbage collection): Increment = Allocated - freed\n` : '';
  return `${header}\n${text[0]}\n${repeat('=', longest)}\n${joinStrings(body, '\n')}\n\n${note}${formatFooter(result)}\n\n`;
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
    `net ${sign}${mib(net, p)}, peak ${mib(result.peakBytes, p)}${retained}, ${fixed(result.durationMs, 1)} ms${ending}`
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
    `  Duration      ${fixed(result.durationMs, 1)} ms${result.threw ? ', ended by an exception' : ''}\n\n`
  );
}
