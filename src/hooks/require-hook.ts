// The CommonJS load hook (`node -r memprof/register`): compiles JavaScript files that mark profiled
// functions, and TypeScript files, as they are required. Built on pirates, like @babel/register.
import { addHook } from 'pirates';
import { needsTransform } from '../instrument/file-kinds';
import { isOwnFile } from './module-format';

export const HOOKED_EXTENSIONS = ['.js', '.cjs', '.ts', '.cts', '.mts', '.tsx'];

export function installRequireHook(runtime: string): () => void {
  // Most files need nothing: decide that before loading the compiler at all.
  const compile = (source: string, filename: string): string =>
    needsTransform(source, filename)
      ? (require('./compile') as typeof import('./compile')).compileForHook(source, filename, 'commonjs', runtime)
      : source;
  return addHook(compile, {
    exts: HOOKED_EXTENSIONS,
    ignoreNodeModules: true,
    matcher: (filename) => !isOwnFile(filename),
  });
}
