// `memprof report --html [-o file] <results.json>...`: an annotated-source page from the line data of
// one or more runs (MEMPROF_FORMAT=json output, `memprof --json -o`, or collect() results saved as JSON),
// merged, from any number of processes.
import { readFileSync } from 'node:fs';
import { readSavedRuns, SavedResultsError } from '../../shared/saved-results';
import { writeWholeFile } from '../../shared/whole-file';
import { resolve } from 'node:path';
import { annotate, reportsOf } from '../../annotate/model';
import { annotatedSourcePage } from '../../annotate/page';
import { HELP_OPTION, type Command } from '../command';
import { CliError, UsageError } from '../errors';

/** The page, whole or not at all (a full disk never leaves a truncated one). */
function writeAtomically(path: string, text: string): void {
  try {
    writeWholeFile(path, text);
  } catch (error) {
    throw new CliError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 1);
  }
}

export const reportCommand: Command = {
  name: 'report',
  usage: 'memprof report --html [-o <file>] <results.json>...',
  listedUsage: 'memprof report --html <files...>',
  summary: 'an annotated-source page of line data (JSON results)',
  description: `Reads the line data of profiled calls (the JSON documents of MEMPROF_FORMAT=json or
\`memprof --json\`, one per line; or collect() results saved as JSON), merges them by file and line, and
writes one self-contained HTML page: the files and functions that allocated most, then each file's
lines with what they allocated, their increment and occurrences, and a heat bar.`,
  options: [
    { name: 'html', description: 'write the annotated-source HTML page (the only format for now)' },
    { name: 'output', short: 'o', value: 'file', description: 'the page to write (default: memprof-report.html)' },
    HELP_OPTION,
  ],
  run: async ({ values, positionals }, io) => {
    if (values.html !== true) throw new UsageError('memprof report needs --html');
    if (positionals.length === 0) throw new UsageError('memprof report needs at least one JSON results file');
    const reports = [];
    // What was left out of which file, said in the order of the files.
    const warnings: string[] = [];
    for (const name of positionals) {
      try {
        reports.push(...reportsOf(readSavedRuns(resolve(io.cwd, name), name, (line) => warnings.push(line))));
      } catch (error) {
        if (!(error instanceof SavedResultsError)) throw error;
        // Several processes' files are merged: one that holds no results (a worker that profiled
        // nothing, a log) leaves the others' page whole. A file that cannot be read is a mistake.
        if (error.problem === 'unreadable' || positionals.length === 1) throw new CliError(error.message, 1);
        warnings.push(`memprof: warning: ${error.message}; left out`);
      }
    }
    for (const warning of warnings) io.stderr.write(`${warning}\n`);
    if (reports.length === 0) throw new CliError(`no profiled calls in ${positionals.join(', ')}`, 1);
    const output = resolve(io.cwd, (values.output as string | undefined) ?? 'memprof-report.html');
    const page = annotatedSourcePage(annotate(reports), {
      title: 'memprof: allocations by source line',
      inputs: positionals,
      readSource: (file) => {
        try {
          return readFileSync(file, 'utf8');
        } catch {
          return undefined;
        }
      },
    });
    writeAtomically(output, page);
    io.stdout.write(`${output}\n`);
    return 0;
  },
};
