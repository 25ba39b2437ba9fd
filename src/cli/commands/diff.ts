// `memprof diff <before> <after>`: what changed between two runs. Two results files (--json output, or
// collect() results saved as JSON): per function and per line. Two recordings (.dat): peak, trend, and
// per function. The comparing is src/compare's; this module reads the files and prints.
import { relative, resolve } from 'node:path';
import { diffRecordings } from '../../compare/diff-recordings';
import { diffResults } from '../../compare/diff-results';
import { readResultRuns } from '../../compare/results-file';
import { SavedResultsError } from '../../shared/saved-results';
import { readDat, requireSamples } from '../../record/dat';
import { HELP_OPTION, type Command } from '../command';
import { CliError, UsageError } from '../errors';

const isRecording = (file: string) => /\.dat$/i.test(file);

export const diffCommand: Command = {
  name: 'diff',
  usage: 'memprof diff <before> <after>',
  summary: 'what changed between two runs (results or recordings)',
  description: `Compares two runs, the largest change first. Results files (what --json or MEMPROF_FORMAT=json
prints, or collect() results saved as JSON): per function its calls, allocated, retained and peak memory,
and per line what it allocated, its increment and occurrences. Recordings (.dat, from memprof run): the
peak, the memory's slope and the duration, and per profiled function its calls, time and memory. To see
two recordings overlaid: memprof plot <before.dat> <after.dat>.`,
  options: [HELP_OPTION],
  run: async ({ positionals }, io) => {
    if (positionals.length !== 2) throw new UsageError(`memprof diff needs two files, before and after; got ${positionals.length}`);
    const [before, after] = positionals.map((file) => resolve(io.cwd, file));
    if (isRecording(before) !== isRecording(after)) throw new UsageError('memprof diff compares two results files or two recordings (.dat), not one of each');
    if (isRecording(before)) {
      const files = [before, after].map((file, index) => {
        const dat = readDat(file);
        dat.filename = positionals[index];
        requireSamples(dat);
        return dat;
      });
      io.stdout.write(diffRecordings(files[0], files[1], [positionals[0], positionals[1]]));
      return 0;
    }
    try {
      const warn = (line: string) => io.stderr.write(`${line}\n`);
      io.stdout.write(diffResults(readResultRuns(before, relative(io.cwd, before), warn), readResultRuns(after, relative(io.cwd, after), warn), io.cwd));
    } catch (error) {
      if (error instanceof SavedResultsError) throw new CliError(error.message, 2);
      throw error;
    }
    return 0;
  },
};
