// Where tables (or JSON documents, with MEMPROF_FORMAT=json) go: the marker's `stream` option, else
// the file in MEMPROF_OUTPUT (appended to), else stdout. Each table is written with a single write so
// that tables never interleave half-rows. Which calls get a table: see summaries.ts.
import { appendFileSync } from 'node:fs';
import type { CallResult } from '../runtime/call-result';
import type { ResolvedOptions } from '../runtime/options';
import { formatTable } from './table';
import { toCallReport } from './call-report';
import { admitCall, onSummariesDue, takeSummaries } from './summaries';

/** MEMPROF_FORMAT=json: one JSON document per call and line, for machines. */
function formatCall(result: CallResult): string {
  return process.env.MEMPROF_FORMAT === 'json' ? `${JSON.stringify(toCallReport(result))}\n` : formatTable(result);
}

/** A finished call: its table, or its share of the function's summed table. */
export function reportCall(result: CallResult, options: ResolvedOptions): void {
  if (admitCall(result, options, (notice) => process.stderr.write(notice)) === 'print') writeReport(result, options);
}

/**
 * Formats a result both ways and throws the text away: the warm-up call runs it so that compiling the
 * formatting code does not happen (and get charged) inside the user's first profiled call.
 */
export function rehearseReport(result: CallResult): void {
  formatTable(result);
  JSON.stringify(toCallReport(result));
}

/** Prints the summed tables of functions that ran past their maxTables (also done at exit). */
export function printSummaries(): void {
  for (const { result, options } of takeSummaries()) writeReport(result, options);
}

onSummariesDue(printSummaries);

function writeReport(result: CallResult, options: ResolvedOptions): void {
  try {
    const text = formatCall(result);
    if (options.stream) {
      options.stream.write(text);
    } else if (process.env.MEMPROF_OUTPUT) {
      appendFileSync(process.env.MEMPROF_OUTPUT, text);
    } else {
      process.stdout.write(text);
    }
  } catch (error) {
    // A report must never break the user's program: say what went wrong and carry on.
    process.stderr.write(`memprof: could not write the table for ${result.functionName}: ${(error as Error).message}\n`);
  }
}
