// `memprof rm [--dry-run] <index|file>...`: remove some recordings.
import { resolveProfiles } from '../../record/housekeeping';
import { HELP_OPTION, type Command } from '../command';
import { UsageError } from '../errors';
import { DRY_RUN_OPTION, removeRecordings } from './remove';

export const rmCommand: Command = {
  name: 'rm',
  usage: 'memprof rm [--dry-run] <index|file>...',
  summary: 'remove some',
  description: 'Removes recordings, named by file or by index in `memprof list` (-1 is the newest).',
  options: [DRY_RUN_OPTION, HELP_OPTION],
  parsing: { negativeNumbers: true },
  run: async ({ values, positionals }, io) => {
    if (positionals.length === 0) throw new UsageError('memprof rm needs the recordings to remove (an index from memprof list, or a file)');
    return removeRecordings(resolveProfiles(positionals, io.cwd), values['dry-run'] === true, io);
  },
};
