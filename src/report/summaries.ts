// Which calls get a table of their own. A server calling a profiled handler 10,000 times must not
// print 10,000 tables: each function prints its first `maxTables` calls, and the calls after those
// are summed into one table per function, printed when the process exits (or on printSummaries()).
import { netBytes, type CallResult, type LineResult } from '../runtime/call-result';
import type { ResolvedOptions } from '../runtime/options';

interface Summary {
  printed: number;
  /** Calls summed so far (beyond the printed ones), with their options for printing. */
  sum?: CallResult;
  options?: ResolvedOptions;
}

const summaries = new Map<string, Summary>();
let exitHookInstalled = false;

/**
 * Decides for one finished call: 'print' it, or fold it into its function's summary ('summed').
 * The first call folded is announced once, so the quiet that follows is not a mystery.
 */
export function admitCall(result: CallResult, options: ResolvedOptions, announce: (text: string) => void): 'print' | 'summed' {
  const key = `${result.file}:${result.firstLine}:${result.functionName}`;
  let summary = summaries.get(key);
  if (!summary) summaries.set(key, (summary = { printed: 0 }));
  if (summary.printed < options.maxTables) {
    summary.printed++;
    return 'print';
  }
  if (!summary.sum) {
    const printed = summary.printed;
    announce(
      printed === 0
        ? `memprof: calls of ${result.functionName} are summed into one table printed at exit (maxTables, MEMPROF_MAX_TABLES)\n`
        : `memprof: ${result.functionName} printed ${printed} table${printed === 1 ? '' : 's'}; ` +
            `its further calls are summed into one table printed at exit (maxTables, MEMPROF_MAX_TABLES)\n`,
    );
    summary.sum = { ...result, lines: result.lines.map((line) => ({ ...line })), calls: 1 };
    summary.options = options;
    installExitHook();
  } else {
    addInto(summary.sum, result);
  }
  return 'summed';
}

function addInto(sum: CallResult, call: CallResult): void {
  sum.calls = (sum.calls ?? 1) + 1;
  const net = netBytes(sum) + netBytes(call);
  sum.exitBytes = call.exitBytes;
  // Whole-call results have no lines to add up: keep exit minus entry equal to the calls' total.
  if (!sum.lineLevel) sum.entryBytes = sum.exitBytes - net;
  sum.peakBytes = Math.max(sum.peakBytes, call.peakBytes);
  sum.durationMs += call.durationMs;
  sum.threw ||= call.threw;
  const byLine = new Map<number, LineResult>(sum.lines.map((line) => [line.line, line]));
  for (const line of call.lines) {
    const total = byLine.get(line.line);
    if (!total) {
      const copy = { ...line };
      sum.lines.push(copy);
      byLine.set(line.line, copy);
      continue;
    }
    total.occurrences += line.occurrences;
    total.incrementBytes += line.incrementBytes;
    total.usageBytes = Math.max(total.usageBytes, line.usageBytes);
  }
  sum.lines.sort((a, b) => a.line - b.line);
}

/** Takes the pending summed tables (each once). */
export function takeSummaries(): Array<{ result: CallResult; options: ResolvedOptions }> {
  const pending: Array<{ result: CallResult; options: ResolvedOptions }> = [];
  for (const summary of summaries.values()) {
    if (summary.sum && summary.options) pending.push({ result: summary.sum, options: summary.options });
    summary.sum = undefined;
  }
  return pending;
}

let printPending: (() => void) | undefined;

export function onSummariesDue(print: () => void): void {
  printPending = print;
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => printPending?.());
}
