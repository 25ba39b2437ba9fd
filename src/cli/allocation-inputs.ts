// What `memprof plot --allocations` and `memprof export` read: the heap profiles of the recordings,
// profile folders or profile files named (an index counts as for `memprof plot`; default: the newest
// recording), each checked, with its frames source-mapped.
import { statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { AllocationsError, profileFilesOf, readAllocationProfile, type AllocationProfile } from '../allocations/profile-files';
import { SourceMapper } from '../allocations/source-maps';
import { newestProfile, resolveProfiles } from '../record/housekeeping';
import type { Io } from './command';
import { CliError } from './errors';

const isFile = (path: string): boolean => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

export function readAllocationInputs(positionals: readonly string[], io: Io): AllocationProfile[] {
  const at = (path: string) => (isAbsolute(path) ? path : join(io.cwd, path));
  let inputs: string[];
  if (positionals.length === 0) {
    inputs = [newestProfile(io.cwd)];
    io.stderr.write(`memprof: using the newest recording, ${inputs[0]}\n`);
  } else {
    // An index (`-1`, `0`) names a recording, as for memprof plot; anything else is a path.
    inputs = positionals.map((input) => (/^-?\d+$/.test(input) && !isFile(at(input)) ? resolveProfiles([input], io.cwd)[0] : input));
  }
  try {
    const profiles = profileFilesOf(inputs, at).map(readAllocationProfile);
    const mapper = new SourceMapper((message) => io.stderr.write(`memprof: warning: ${message}\n`));
    return profiles.map((profile) => ({ ...profile, frames: mapper.map(profile.frames) }));
  } catch (error) {
    if (error instanceof AllocationsError) throw new CliError(error.message, 1);
    throw error;
  }
}
