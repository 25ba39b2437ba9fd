// What `memprof clean` and `memprof rm` share: show or remove a list of recordings.
import { removeProfiles } from '../../record/housekeeping';
import type { Io } from '../command';
import type { OptionSpec } from '../option-parser';

export const DRY_RUN_OPTION: OptionSpec = { name: 'dry-run', description: 'only show what would be removed' };

/** With `dryRun`, mprof's listing of what would go; else removes them and says which went. */
export function removeRecordings(files: readonly string[], dryRun: boolean, io: Io): number {
  if (dryRun) {
    io.stdout.write(`Files to be removed: \n${files.map((file) => `${file}\n`).join('')}`);
    return 0;
  }
  removeProfiles(files, io.cwd);
  if (files.length > 0) io.stderr.write(`memprof: removed ${files.join(', ')}\n`);
  return 0;
}
