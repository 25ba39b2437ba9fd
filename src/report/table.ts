// Renders a call's result in memory_profiler's layout, so its users feel at home:
//   Filename: ...
//   Line #    Mem usage    Increment  Occurrences   Line Contents
//   =============================================================
import type TableConstructor from 'cli-table3';
import type { CallResult } from '../runtime/call-result';
import { sourceLine } from './source-lines';

const MIB = 1024 * 1024;

function mib(bytes: number, precision: number): string {
  // Avoid "-0.0 MiB" for tiny negative deltas.
  const value = bytes / MIB;
  const text = value.toFixed(precision);
  return `${Number(text) === 0 ? (0).toFixed(precision) : text} MiB`;
}

const NO_BORDERS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '',
  right: '', 'right-mid': '', middle: '  ',
};

export function formatTable(result: CallResult): string {
  const header = formatHeader(result);
  if (!result.lineLevel) return header + formatWholeCall(result);

  // Loaded on first use: programs that never finish a profiled call do not pay for it.
  const Table = require('cli-table3') as typeof TableConstructor;
  const table = new Table({
    head: ['Line #', 'Mem usage', 'Increment', 'Occurrences', 'Line Contents'],
    chars: NO_BORDERS,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
    colAligns: ['right', 'right', 'right', 'right', 'left'],
  });
  const byLine = new Map(result.lines.map((line) => [line.line, line]));
  const p = result.precision;
  for (let line = result.firstLine; line <= result.lastLine; line++) {
    const stats = byLine.get(line);
    const contents = sourceLine(result.file, line);
    table.push(
      stats
        ? [String(line), mib(stats.usageBytes, p), mib(stats.incrementBytes, p), String(stats.occurrences), contents]
        : [String(line), '', '', '', contents],
    );
  }
  const rows = table.toString().split('\n').map((row) => row.trimEnd());
  const rule = '='.repeat(Math.max(...rows.map((row) => row.length), 60));
  return `${header}\n${rows[0]}\n${rule}\n${rows.slice(1).join('\n')}\n\n${formatFooter(result)}\n\n`;
}

function formatHeader(result: CallResult): string {
  return `Filename: ${result.file}\nMetric: ${result.metric} (${result.metricDescription})\n`;
}

function formatFooter(result: CallResult): string {
  const p = result.precision;
  const net = result.exitBytes - result.entryBytes;
  const sign = net > 0 ? '+' : '';
  const ending = result.threw ? ', ended by an exception' : '';
  return (
    `${result.functionName}: net ${sign}${mib(net, p)}, peak ${mib(result.peakBytes, p)}, ` +
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
