// `memprof list`: the recordings here, with their index.
import { formatListing, listProfiles } from '../../record/housekeeping';
import { HELP_OPTION, type Command } from '../command';
import { UsageError } from '../errors';

export const listCommand: Command = {
  name: 'list',
  usage: 'memprof list',
  summary: 'list the recordings here (mprofile_*.dat)',
  description: 'Lists the recordings (mprofile_*.dat) in the current directory with their index: 0 is the oldest.',
  options: [HELP_OPTION],
  run: async ({ positionals }, io) => {
    if (positionals.length > 0) throw new UsageError('memprof list takes no arguments');
    io.stdout.write(formatListing(listProfiles(io.cwd)));
    return 0;
  },
};
