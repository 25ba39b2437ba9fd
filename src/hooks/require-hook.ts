// The CommonJS load hook (`node -r memprof/register`): compiles JavaScript files that mark profiled
// functions, and TypeScript files, as they are required. Built on pirates, like @babel/register.
import { resolve, sep } from 'node:path';
import { addHook } from 'pirates';
import { compileForHook } from './compile';

/** memprof's own files are never compiled by its hook (they may live outside node_modules). */
const OWN_FILES = resolve(__dirname, '..', '..') + sep;

export const HOOKED_EXTENSIONS = ['.js', '.cjs', '.ts', '.cts', '.mts', '.tsx'];

export function installRequireHook(runtime: string): () => void {
  return addHook((source, filename) => compileForHook(source, filename, 'commonjs', runtime), {
    exts: HOOKED_EXTENSIONS,
    ignoreNodeModules: true,
    matcher: (filename) => !filename.startsWith(OWN_FILES),
  });
}
