// Where tables go: the marker's `stream` option, else the file in MEMPROF_OUTPUT (appended to), else
// stdout. Each table is written with a single write so that tables never interleave half-rows.
import { appendFileSync } from 'node:fs';
import type { CallResult } from '../runtime/call-result';
import type { ResolvedOptions } from '../runtime/options';
import { formatTable } from './table';

export function reportCall(result: CallResult, options: ResolvedOptions): void {
  try {
    const text = formatTable(result);
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
