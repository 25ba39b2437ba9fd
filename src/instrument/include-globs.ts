// MEMPROF_INCLUDE='<glob>[,<glob>]': profile every function of the files that match, without markers
// (like kernprof -p, Scalene, Memray). Globs match absolute paths, and also paths relative to the
// working directory (`src/**/*.js`). Files under node_modules match only a glob that names
// node_modules, so that `**/*.js` means the project's own code.
import picomatch from 'picomatch';
import { relative, sep } from 'node:path';

export interface IncludeMatcher {
  /** The globs as given, for messages. */
  readonly globs: readonly string[];
  matches(file: string): boolean;
}

/** Parses the variable's value; undefined when it is unset or empty. Throws on an empty glob. */
export function includeMatcher(value: string | undefined, cwd: string = process.cwd()): IncludeMatcher | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const globs = value.split(',').map((glob) => glob.trim());
  if (globs.some((glob) => glob === '')) throw new Error(`memprof: MEMPROF_INCLUDE has an empty glob: ${JSON.stringify(value)}`);
  const matchers = globs.map((glob) => ({
    test: picomatch(glob, { dot: true }),
    namesNodeModules: glob.includes('node_modules'),
  }));
  return {
    globs,
    matches(file: string): boolean {
      const absolute = toPosix(file);
      const fromCwd = toPosix(relative(cwd, file));
      const inNodeModules = absolute.includes('/node_modules/');
      return matchers.some((matcher) => (!inNodeModules || matcher.namesNodeModules) && (matcher.test(absolute) || matcher.test(fromCwd)));
    },
  };
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}
