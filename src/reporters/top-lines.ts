// Program-wide "top lines" (the default output when MEMPROF_INCLUDE profiles whole files): the lines
// that allocated most across every profiled call, printed at exit after the summed tables. A line is
// ranked by what it allocated itself: what profiled calls made inside it is theirs (their own lines
// are listed), so a `main()` that calls everything does not top the list.
import { relative } from 'node:path';
import type { CallListener, CallStart } from '../runtime/call-events';
import type { CallResult } from '../runtime/call-result';
import { mib } from './table';
import { printSummaries } from './printer';
import { complain, write } from './destination';
import { append, joinStrings, padStart, primordials, repeat } from '../shared/primordials';

const { ArrayPrototypeSort, SafeMap, processOn } = primordials;
/** Half of 0.1 MiB: anything smaller prints as 0.0 MiB. */
const SMALLEST_SHOWN_BYTES = 0.05 * 1024 * 1024;

interface LineTotal {
  file: string;
  line: number;
  functionName: string;
  allocatedBytes: number;
  netBytes: number;
  occurrences: number;
}

export interface TopLinesListener extends CallListener {
  /** The report as printed at exit. */
  format(): string;
  /** Profiled calls seen so far. */
  calls(): number;
}

export function topLines(count: number): TopLinesListener {
  const totals = new SafeMap<string, LineTotal>();
  const functions = new SafeMap<string, true>();
  let calls = 0;
  const listener: TopLinesListener = {
    ended(_call: CallStart, result: CallResult) {
      if (result.block || !result.lineLevel) return;
      calls++;
      functions.set(`${result.file}:${result.firstLine}`, true);
      for (let index = 0; index < result.lines.length; index++) {
        const line = result.lines[index];
        const key = `${result.file}\0${line.line}`;
        let total = totals.get(key);
        if (!total) {
          total = { file: result.file, line: line.line, functionName: result.functionName, allocatedBytes: 0, netBytes: 0, occurrences: 0 };
          totals.set(key, total);
        }
        total.allocatedBytes += line.allocatedBytes - line.calleeAllocatedBytes;
        total.netBytes += line.incrementBytes - (line.calleeAllocatedBytes - line.calleeFreedBytes);
        total.occurrences += line.occurrences;
      }
    },
    format() {
      const ranked: LineTotal[] = [];
      totals.forEach((total) => {
        // A line that shows as 0.0 MiB tells nothing: whole files have thousands of them.
        if (total.allocatedBytes >= SMALLEST_SHOWN_BYTES) append(ranked, total);
      });
      ArrayPrototypeSort(ranked, (a: LineTotal, b: LineTotal) => b.allocatedBytes - a.allocatedBytes);
      const shown = ranked.length < count ? ranked.length : count;
      const profiled = `${functions.size} function${functions.size === 1 ? '' : 's'} profiled, ${calls} call${calls === 1 ? '' : 's'}`;
      if (shown === 0) return `memprof: no profiled line allocated 0.1 MiB or more; ${profiled}\n\n`;
      const rows: string[][] = [['Allocated', 'Net', 'Occurrences', 'Line', 'Function']];
      for (let index = 0; index < shown; index++) {
        const total = ranked[index];
        const sign = total.netBytes > 0 ? '+' : '';
        append(rows, [mib(total.allocatedBytes, 1), `${sign}${mib(total.netBytes, 1)}`, `${total.occurrences}`, `${relative(process.cwd(), total.file)}:${total.line}`, total.functionName]);
      }
      const widths = [0, 0, 0, 0];
      for (let row = 0; row < rows.length; row++) for (let column = 0; column < 4; column++) if (rows[row][column].length > widths[column]) widths[column] = rows[row][column].length;
      const text: string[] = [];
      for (let row = 0; row < rows.length; row++) {
        const cells = [padStart(rows[row][0], widths[0]), padStart(rows[row][1], widths[1]), padStart(rows[row][2], widths[2]), rows[row][3] + repeat(' ', widths[3] - rows[row][3].length), rows[row][4]];
        append(text, `  ${joinStrings(cells, '  ')}`);
      }
      return (
        `memprof: the ${shown === 1 ? 'line' : `${shown} lines`} that allocated most (what each line allocated itself, not the profiled calls it made); ` +
        `${profiled}\n${joinStrings(text, '\n')}\n\n`
      );
    },
    calls: () => calls,
  };
  return listener;
}

/** Prints the list when the process exits, after the summed tables (which would otherwise come after). */
export function printTopLinesAtExit(listener: TopLinesListener): void {
  processOn(process, 'exit', () => {
    if (listener.calls() === 0) return;
    printSummaries();
    try {
      write(listener.format(), undefined, 'output');
    } catch (error) {
      complain(`memprof: could not write the top lines: ${(error as Error).message}\n`);
    }
  });
}
