// Where a recording goes: `mprofile_<YYYYMMDDhhmmss>.dat` in the current directory (mprof's name), or
// the file named with -o.
import { closeSync, constants as fsConstants, fstatSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RecordError } from './record-options';

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** `mprofile_<YYYYMMDDhhmmss>.dat` for a local time, as mprof names its files. */
export function defaultFileName(date: Date): string {
  const stamp = `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
  return `mprofile_${stamp}.dat`;
}

export interface OutputFile {
  fd: number;
  path: string;
}

/**
 * Opens the output for appending (so that lines from profiled processes, which append too, are never
 * overwritten). A named file is truncated; the default name is never reused: if a recording started in
 * the same second already has it, the next second's name is taken.
 */
export function openOutput(output: string | undefined, cwd: string): OutputFile {
  const base = fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_APPEND;
  if (output !== undefined) {
    const path = resolve(cwd, output);
    try {
      return { fd: openSync(path, base | fsConstants.O_TRUNC, 0o644), path };
    } catch (error) {
      throw new RecordError(`cannot write ${output}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 1);
    }
  }
  const start = Date.now();
  for (let attempt = 0; attempt < 120; attempt++) {
    const path = join(cwd, defaultFileName(new Date(start + attempt * 1000)));
    try {
      return { fd: openSync(path, base | fsConstants.O_EXCL, 0o644), path };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new RecordError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 1);
    }
  }
  throw new RecordError(`cannot find a free mprofile_*.dat name in ${cwd}`, 1);
}

/**
 * Writes the recording's first line; a failure (a full disk, /dev/full) is the same one-line error as
 * any unwritable output, and the file is discarded.
 */
export function writeHeader(output: OutputFile, line: string): void {
  try {
    writeSync(output.fd, line);
  } catch (error) {
    discardOutput(output);
    throw new RecordError(`cannot write ${output.path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 1);
  }
}

/** Closes and removes an output that got no samples: a command that could not start leaves no file. */
export function discardOutput({ fd, path }: OutputFile): void {
  // Only a regular file is ours to remove (never /dev/full, a pipe or a terminal given with -o).
  let regular = false;
  try {
    regular = fstatSync(fd).isFile();
  } catch {
    regular = false;
  }
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
  if (!regular) return;
  try {
    unlinkSync(path);
  } catch {
    // never created, or already gone
  }
}

/** The path as the user would type it: relative to the current directory when inside it. */
export function displayPath(path: string, cwd = process.cwd()): string {
  return path.startsWith(cwd + '/') ? path.slice(cwd.length + 1) : path;
}
