// `memprof peak [--func <name>] [<index|file>...]`: the peak of each recording, as `mprof peak` prints it.
import { DatError, damageWarning, requireSamples } from '../../record/dat';
import { newestProfile, resolveProfiles } from '../../record/housekeeping';
import { readPeakSummary } from '../../record/peak';
import { HELP_OPTION, type Command, type Io } from '../command';

function peak(positionals: readonly string[], func: string | undefined, io: Io): number {
  const files = positionals.length > 0 ? resolveProfiles(positionals, io.cwd) : [newestProfile(io.cwd)];
  if (positionals.length === 0) io.stderr.write(`memprof: using the newest recording, ${files[0]}\n`);
  let status = 0;
  for (const file of files) {
    try {
      const { scan, summary } = readPeakSummary(file.startsWith('/') ? file : `${io.cwd}/${file}`, file, func);
      const warning = damageWarning(scan);
      if (warning) io.stderr.write(`memprof: warning: ${warning}\n`);
      requireSamples(scan);
      io.stdout.write(summary.text);
      if (!summary.found) {
        const known = summary.functions.length > 0 ? `; it has ${summary.functions.join(', ')}` : '; it has no FUNC markers';
        io.stderr.write(`memprof: ${file} has no function ${func}${known}\n`);
        status = 1;
      }
    } catch (error) {
      // One bad file among several: say so and go on with the others.
      if (!(error instanceof DatError)) throw error;
      io.stderr.write(`memprof: ${error.message}\n`);
      status = 1;
    }
  }
  return status;
}

export const peakCommand: Command = {
  name: 'peak',
  usage: 'memprof peak [--func <name>] [<index|file>...]',
  listedUsage: 'memprof peak [--func <name>] [files...]',
  summary: 'peak memory of a recording, per process',
  description: 'Prints the peak memory of each recording (default: the newest), and of each child process in it.',
  options: [{ name: 'func', value: 'name', description: 'peak while <name> ran (in each process where it ran)' }, HELP_OPTION],
  parsing: { negativeNumbers: true },
  run: async ({ values, positionals }, io) => peak(positionals, values.func as string | undefined, io),
};
