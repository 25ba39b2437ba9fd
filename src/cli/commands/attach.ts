// `memprof attach [options] <pid|name>`: record a running process.
import { recordAttached } from '../../record/attach';
import type { Command } from '../command';
import { UsageError } from '../errors';
import type { OptionValues } from '../option-parser';
import { RECORDING_OPTIONS, recordOptions } from '../recording-options';

/** Also `memprof run -a <pid>`, mprof's spelling. */
export function attachTo(positionals: readonly string[], values: OptionValues): Promise<number> {
  if (positionals.length !== 1) throw new UsageError('memprof attach needs exactly one pid or process name');
  return recordAttached(positionals[0], recordOptions(values));
}

export const attachCommand: Command = {
  name: 'attach',
  usage: 'memprof attach [options] <pid|name>',
  summary: 'record a running process',
  description: `Records the memory of a running process (by pid, or the first whose name contains <name>) until it
exits, --timeout passes, or you press Ctrl-C (which stops the recording, not the process).`,
  options: RECORDING_OPTIONS,
  run: ({ values, positionals }) => attachTo(positionals, values),
};
