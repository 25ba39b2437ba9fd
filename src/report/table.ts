// Renders a call's result in memory_profiler's layout, so its users feel at home:
//   Filename: ...
//   Line #    Mem usage    Increment  Occurrences   Line Contents
//   =============================================================
import { netBytes, type CallResult } from '../runtime/call-result';
import { sourceLine } from './source-lines';

const MIB = 1024 * 1024;
const HEADINGS = ['Line #', 'Mem usage', 'Increment', 'Occurrences', 'Line Contents'];
const GAP = '  ';

function mib(bytes: number, precision: number): string {
  // Avoid "-0.0 MiB" for tiny negative deltas.
  const value = bytes / MIB;
  const text = value.toFixed(precision);
  return `${Number(text) === 0 ? (0).toFixed(precision) : text} MiB`;
}

/**
 * Columns by hand rather than with a table library: four right-aligned ASCII columns and the source
 * text last, unpadded, so no character-width logic is needed; and a table per call must be cheap
 * (a library took ~0.5 ms a table, and its code being recompiled showed up on users' lines).
 */
export function formatTable(result: CallResult): string {
  const header = formatHeader(result);
  if (!result.lineLevel) return header + formatWholeCall(result);

  const byLine = new Map(result.lines.map((line) => [line.line, line]));
  const p = result.precision;
  const rows: string[][] = [HEADINGS];
  for (let line = result.firstLine; line <= result.lastLine; line++) {
    const stats = byLine.get(line);
    const contents = sourceLine(result.file, line);
    rows.push(
      stats
        ? [String(line), mib(stats.usageBytes, p), mib(stats.incrementBytes, p), String(stats.occurrences), contents]
        : [String(line), '', '', '', contents],
    );
  }
  const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => row[column].length)));
  const text = rows.map((row) =>
    (widths.map((width, column) => row[column].padStart(width)).join(GAP) + GAP + row[4]).trimEnd(),
  );
  const rule = '='.repeat(Math.max(...text.map((row) => row.length), 60));
  return `${header}\n${text[0]}\n${rule}\n${text.slice(1).join('\n')}\n\n${formatFooter(result)}\n\n`;
}

function formatHeader(result: CallResult): string {
  const summed = result.calls
    ? `Calls: ${result.calls} summed (Increment and Occurrences are totals, Mem usage the highest)\n`
    : '';
  return `Filename: ${result.file}\nMetric: ${result.metric} (${result.metricDescription})\n${summed}`;
}

function formatFooter(result: CallResult): string {
  const p = result.precision;
  const net = netBytes(result);
  const sign = net > 0 ? '+' : '';
  const ending = result.threw ? ', ended by an exception' : '';
  const calls = result.calls ? `${result.calls} calls, ` : '';
  return (
    `${result.functionName}: ${calls}net ${sign}${mib(net, p)}, peak ${mib(result.peakBytes, p)}, ` +
    `${result.durationMs.toFixed(1)} ms${ending}`
  );
}

function formatWholeCall(result: CallResult): string {
  const p = result.precision;
  const net = result.exitBytes - result.entryBytes;
  return (
    `Function: ${result.functionName} (line ${result.firstLine}), whole call only\n\n` +
    `  Mem at entry  ${mib(result.entryBytes, p)}\n` +
    `  Mem at exit   ${mib(result.exitBytes, p)}\n` +
    `  Increment     ${mib(net, p)}\n` +
    `  Peak seen     ${mib(result.peakBytes, p)}\n` +
    `  Duration      ${result.durationMs.toFixed(1)} ms${result.threw ? ', ended by an exception' : ''}\n\n`
  );
}
