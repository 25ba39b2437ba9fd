// The CommonJS load hook (`node -r memprof/register`): compiles JavaScript files that mark profiled
// functions, and TypeScript files, as they are required. Built on pirates, like @babel/register.
import { addHook } from 'pirates';
import { compileForHook } from './compile';
import { isOwnFile } from './module-format';

export const HOOKED_EXTENSIONS = ['.js', '.cjs', '.ts', '.cts', '.mts', '.tsx'];

export function installRequireHook(runtime: string): () => void {
  return addHook((source, filename) => compileForHook(source, filename, 'commonjs', runtime), {
    exts: HOOKED_EXTENSIONS,
    ignoreNodeModules: true,
    matcher: (filename) => !isOwnFile(filename),
  });
}
