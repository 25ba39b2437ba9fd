// `memprof clean [--dry-run]`: remove every recording here.
import { listProfiles } from '../../record/housekeeping';
import { HELP_OPTION, type Command } from '../command';
import { UsageError } from '../errors';
import { DRY_RUN_OPTION, removeRecordings } from './remove';

export const cleanCommand: Command = {
  name: 'clean',
  usage: 'memprof clean [--dry-run]',
  summary: 'remove them all',
  description: 'Removes every recording (mprofile_*.dat) in the current directory.',
  options: [DRY_RUN_OPTION, HELP_OPTION],
  run: async ({ values, positionals }, io) => {
    if (positionals.length > 0) throw new UsageError('memprof clean takes no arguments (use memprof rm to pick files)');
    return removeRecordings(listProfiles(io.cwd), values['dry-run'] === true, io);
  },
};
