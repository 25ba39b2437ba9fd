// Which calls get a table of their own. A server calling a profiled handler 10,000 times must not
// print 10,000 tables: each function prints its first `maxTables` calls, and the calls after those
// are summed into one table per function, printed when the process exits (or on printSummaries()).
import { netBytes, type CallResult, type LineResult } from '../runtime/call-result';
import type { ResolvedOptions } from '../runtime/options';
import { append, environment, primordials } from '../shared/primordials';

const { ArrayPrototypeSort, MathMax, SafeMap, processOn } = primordials;

interface Summary {
  printed: number;
  /** Calls summed so far (beyond the printed ones), with their options for printing. */
  sum: CallResult | undefined;
  /** The sum's lines by offset from its first line: adding a call is linear in its lines. */
  byLine: Array<LineResult | undefined>;
  options: ResolvedOptions | undefined;
}

const summaries = new SafeMap<string, Summary>();
let last: { file: string; firstLine: number; functionName: string; summary: Summary } | undefined;
let exitHookInstalled = false;
let wholeFilesAnnounced = false;

/**
 * Decides for one finished call: 'print' it, or fold it into its function's summary ('summed').
 * The first call folded is announced once, so the quiet that follows is not a mystery.
 */
export function admitCall(result: CallResult, options: ResolvedOptions, announce: (text: string) => void): 'print' | 'summed' {
  let summary: Summary | undefined;
  // A busy function calls in a row: its summary is the last one found, without building the key.
  if (last && last.file === result.file && last.firstLine === result.firstLine && last.functionName === result.functionName) {
    summary = last.summary;
  } else {
    const key = `${result.file}:${result.firstLine}:${result.functionName}`;
    summary = summaries.get(key);
    if (!summary) {
      summary = { printed: 0, sum: undefined, byLine: [], options: undefined };
      summaries.set(key, summary);
    }
    last = { file: result.file, firstLine: result.firstLine, functionName: result.functionName, summary };
  }
  if (summary.printed < options.maxTables) {
    summary.printed++;
    return 'print';
  }
  if (!summary.sum) {
    const notice = foldingNotice(result.functionName, summary.printed);
    if (notice !== undefined) announce(notice);
    summary.sum = emptySum(result);
    summary.byLine = [];
    summary.options = options;
    installExitHook();
  }
  addInto(summary.sum, summary.byLine, result);
  return 'summed';
}

/**
 * What the first folded call of a function says. Whole files (MEMPROF_INCLUDE: thousands of functions,
 * no tables per call by default) say it once for all their functions.
 */
function foldingNotice(functionName: string, printed: number): string | undefined {
  const include = printed === 0 ? environment('MEMPROF_INCLUDE') : undefined;
  if (include) {
    if (wholeFilesAnnounced) return undefined;
    wholeFilesAnnounced = true;
    return (
      `memprof: every function of the files matching ${include} is profiled; their calls are summed into one table ` +
      `per function, printed at exit with the top lines (MEMPROF_MAX_TABLES=n for tables per call)\n`
    );
  }
  return printed === 0
    ? `memprof: calls of ${functionName} are summed into one table printed at exit (maxTables, MEMPROF_MAX_TABLES)\n`
    : `memprof: ${functionName} printed ${printed} table${printed === 1 ? '' : 's'}; ` +
        `its further calls are summed into one table printed at exit (maxTables, MEMPROF_MAX_TABLES)\n`;
}

/** A summed result with nothing in it yet, shaped like `first`. */
function emptySum(first: CallResult): CallResult {
  return {
    ...first,
    exitBytes: first.entryBytes,
    allocatedBytes: 0,
    freedBytes: 0,
    retainedBytes: first.retainedBytes === null ? null : 0,
    lines: [],
    threw: false,
    durationMs: 0,
    reentrant: false,
    calls: 0,
    reentrantCalls: 0,
  };
}

/**
 * Adds one call to a summed result. A call that ran inside another call of the same function
 * (recursion, re-entrancy) is already inside that call's figures: it adds its lines' own share only,
 * and its calls, duration and totals are not added again.
 */
function addInto(sum: CallResult, byLine: Array<LineResult | undefined>, call: CallResult): void {
  sum.exitBytes = call.exitBytes;
  sum.peakBytes = MathMax(sum.peakBytes, call.peakBytes);
  sum.threw ||= call.threw;
  if (call.reentrant) {
    sum.reentrantCalls++;
  } else {
    sum.calls++;
    sum.allocatedBytes += call.allocatedBytes;
    sum.freedBytes += call.freedBytes;
    sum.durationMs += call.durationMs;
    if (sum.retainedBytes !== null && call.retainedBytes !== null) sum.retainedBytes += call.retainedBytes;
  }
  // Whole-call results have no lines to add up: keep exit minus entry equal to the calls' total.
  if (!sum.lineLevel) sum.entryBytes = sum.exitBytes - netBytes(sum);
  let added = false;
  for (let index = 0; index < call.lines.length; index++) {
    const line = call.lines[index];
    let total = byLine[line.line - sum.firstLine];
    if (!total) {
      total = {
        ...line,
        occurrences: 0,
        incrementBytes: 0,
        allocatedBytes: 0,
        freedBytes: 0,
        reentrantAllocatedBytes: 0,
        reentrantFreedBytes: 0,
        calleeAllocatedBytes: 0,
        calleeFreedBytes: 0,
      };
      append(sum.lines, total);
      byLine[line.line - sum.firstLine] = total;
      added = true;
    }
    // What calls of the same function did inside this line, they add themselves. (Without the addon,
    // allocations are estimated per sample and need not add up exactly: never below 0.)
    const allocated = MathMax(0, line.allocatedBytes - line.reentrantAllocatedBytes);
    const freed = MathMax(0, line.freedBytes - line.reentrantFreedBytes);
    total.occurrences += line.occurrences;
    total.allocatedBytes += allocated;
    total.freedBytes += freed;
    total.incrementBytes += allocated - freed;
    total.usageBytes = MathMax(total.usageBytes, line.usageBytes);
  }
  if (added) ArrayPrototypeSort(sum.lines, (a: LineResult, b: LineResult) => a.line - b.line);
}

/** Takes the pending summed tables (each once). */
export function takeSummaries(): Array<{ result: CallResult; options: ResolvedOptions }> {
  const pending: Array<{ result: CallResult; options: ResolvedOptions }> = [];
  summaries.forEach((summary) => {
    if (summary.sum && summary.options) append(pending, { result: summary.sum, options: summary.options });
    summary.sum = undefined;
    summary.byLine = [];
  });
  return pending;
}

let printPending: (() => void) | undefined;

export function onSummariesDue(print: () => void): void {
  printPending = print;
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  processOn(process, 'exit', () => printPending?.());
}
