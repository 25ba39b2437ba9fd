// `memprof list | clean | rm`, and the files `peak` and `plot` read: the recordings in the current
// directory, as mprof manages them.
// Recordings are the files named `mprofile_<YYYYMMDDhhmmss>.dat`, oldest first; an index counts in
// that order (0 is the oldest, -1 the newest).
import { readdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

export const PROFILE_NAME = /^mprofile_\d{14}\.dat$/;

export class HousekeepingError extends Error {}

/** Recordings in `dir`, oldest first (their names sort by time). */
export function listProfiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw new HousekeepingError(`cannot read directory ${dir}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return names.filter((name) => PROFILE_NAME.test(name)).sort();
}

/** mprof list's lines: `<index> <file> <hh>:<mm>:<ss> <dd>/<mm>/<yyyy>`. */
export function formatListing(names: readonly string[]): string {
  return names
    .map((name, index) => {
      const ts = name.slice('mprofile_'.length, -'.dat'.length);
      return `${index} ${name} ${ts.slice(8, 10)}:${ts.slice(10, 12)}:${ts.slice(12, 14)} ${ts.slice(6, 8)}/${ts.slice(4, 6)}/${ts.slice(0, 4)}\n`;
    })
    .join('');
}

/**
 * Turns `rm`/`peak` arguments (indexes or file names) into paths, each once. All are checked before
 * anything is done with them: one bad argument fails the whole command.
 */
export function resolveProfiles(args: readonly string[], dir: string): string[] {
  const profiles = listProfiles(dir);
  const files: string[] = [];
  for (const arg of args) {
    let file: string;
    if (/^-?\d+$/.test(arg) && !isFile(join(dir, arg))) {
      const index = Number(arg);
      const picked = index < 0 ? profiles[profiles.length + index] : profiles[index];
      if (picked === undefined) {
        throw new HousekeepingError(
          `no recording with index ${arg} (${profiles.length === 0 ? 'there are none here' : `there are ${profiles.length}: 0 to ${profiles.length - 1}, or -1 for the newest`})`,
        );
      }
      file = picked;
    } else {
      const path = join(dir, arg);
      let stats;
      try {
        stats = statSync(arg.startsWith('/') ? arg : path);
      } catch {
        throw new HousekeepingError(`no such file: ${arg}`);
      }
      if (stats.isDirectory()) throw new HousekeepingError(`${arg} is a directory`);
      file = arg;
    }
    if (!files.includes(file)) files.push(file);
  }
  return files;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The newest recording, for commands given no file (as `mprof peak`). */
export function newestProfile(dir: string): string {
  const profiles = listProfiles(dir);
  if (profiles.length === 0) {
    throw new HousekeepingError('no mprofile_*.dat recordings in this directory (make one with `memprof run <command>`)');
  }
  return profiles[profiles.length - 1];
}

/** Removes recordings (paths relative to `dir`, or absolute); the first failure stops with its reason. */
export function removeProfiles(files: readonly string[], dir: string): void {
  for (const file of files) {
    try {
      const path = file.startsWith('/') ? file : `${dir}/${file}`;
      unlinkSync(path);
      // Its heap profiles (memprof run --heap-sampling) go with it.
      if (/\.dat$/i.test(path)) rmSync(`${path.replace(/\.dat$/i, '')}.heapprofiles`, { recursive: true, force: true });
    } catch (error) {
      throw new HousekeepingError(`cannot remove ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
}
