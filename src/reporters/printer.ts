// The default subscriber for finished calls nobody claimed: each one's table (or JSON document, with
// MEMPROF_FORMAT=json) is written, or folded into its function's summed table (see summaries.ts).
// Where the text goes: see destination.ts. memprof's notices go the same way.
import type { CallListener, CallStart } from '../runtime/call-events';
import type { CallResult } from '../runtime/call-result';
import type { ResolvedOptions } from '../runtime/options';
import { formatTable } from './table';
import { toCallReport } from './call-report';
import { admitCall, onSummariesDue, takeSummaries } from './summaries';
import { complain, write } from './destination';
import { environment, primordials } from '../shared/primordials';

const { JSONStringify } = primordials;

export function tablePrinter(): CallListener {
  return {
    prepare: rehearse,
    unclaimed(_call: CallStart, result: CallResult, options: ResolvedOptions | null) {
      // Calls only (MEMPROF_LINES=0): the calls are markers in a recording, not tables.
      if (options && options.lines) printCall(result, options);
    },
    notice(text: string, options: ResolvedOptions | null) {
      writeNotice(text, options);
    },
  };
}

/** MEMPROF_FORMAT=json: one JSON document per call and line, for machines. */
function formatCall(result: CallResult): string {
  return environment('MEMPROF_FORMAT') === 'json' ? `${JSONStringify(toCallReport(result))}\n` : formatTable(result);
}

/** A finished call: its table, or its share of the function's summed table. */
function printCall(result: CallResult, options: ResolvedOptions): void {
  if (admitCall(result, options, (notice) => writeNotice(notice, options)) === 'print') writeCall(result, options);
}

function writeNotice(text: string, options: ResolvedOptions | null): void {
  try {
    write(text, options?.stream, 'notice');
  } catch (error) {
    complain(`memprof: could not write a notice: ${(error as Error).message}\n`);
  }
}

/** Formats a result both ways and throws the text away (see CallListener.prepare). */
function rehearse(result: CallResult): void {
  formatTable(result);
  JSONStringify(toCallReport(result));
}

/** Prints the summed tables of functions that ran past their maxTables (also done at exit). */
export function printSummaries(): void {
  const pending = takeSummaries();
  for (let index = 0; index < pending.length; index++) writeCall(pending[index].result, pending[index].options);
}

onSummariesDue(printSummaries);

function writeCall(result: CallResult, options: ResolvedOptions): void {
  try {
    write(formatCall(result), options.stream, 'output');
  } catch (error) {
    // A report must never break the user's program: say what went wrong and carry on.
    complain(`memprof: could not write the table for ${result.functionName}: ${(error as Error).message}\n`);
  }
}
