// The files MEMPROF_INCLUDE profiles whole, without markers (see instrument/include-globs.ts). The
// variable is read once, when the hooks first ask; picomatch is loaded only when it is set.
import type { IncludeMatcher } from '../instrument/include-globs';
import { ProfileOptionsError } from '../runtime/options';

let matcher: IncludeMatcher | undefined | null = null;

/** The parsed MEMPROF_INCLUDE; throws on a malformed value (register checks it at start-up). */
export function includedFiles(): IncludeMatcher | undefined {
  if (matcher === null) {
    const value = process.env.MEMPROF_INCLUDE;
    try {
      matcher = value ? (require('../instrument/include-globs') as typeof import('../instrument/include-globs')).includeMatcher(value) : undefined;
    } catch (error) {
      throw new ProfileOptionsError((error as Error).message);
    }
  }
  return matcher;
}

/** Does MEMPROF_INCLUDE name this file, so that every function in it is profiled? */
export function isIncluded(filename: string): boolean {
  return includedFiles()?.matches(filename) ?? false;
}
