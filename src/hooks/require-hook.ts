// The CommonJS load hook (`node -r memprof/register`): compiles JavaScript files that mark profiled
// functions, and TypeScript files, as they are required. Built on pirates, like @babel/register.
import { addHook } from 'pirates';
import { needsTransform } from '../instrument/file-kinds';
import { isOwnFile, packageTypeOf } from './module-format';
import type { ModuleKind } from './compile';

// `.mjs` too where require() can load ES modules (Node 20.19+): the CommonJS loader then compiles
// what this hook returns as the module's source. Older versions refuse such a require() themselves,
// and must keep doing so (a registered `.mjs` would bypass their ERR_REQUIRE_ESM).
const REQUIRE_LOADS_ESM = (process.features as { require_module?: boolean }).require_module === true;
export const HOOKED_EXTENSIONS = ['.js', '.cjs', ...(REQUIRE_LOADS_ESM ? ['.mjs'] : []), '.ts', '.cts', '.mts', '.tsx'];

/** An ES module reached through require() (`.mjs`, or `.js` in a "type": "module" package) stays one. */
function moduleKindOf(filename: string): ModuleKind {
  if (filename.endsWith('.mjs')) return 'esm';
  return filename.endsWith('.js') && packageTypeOf(filename) === 'module' ? 'esm' : 'commonjs';
}

export function installRequireHook(runtime: string): () => void {
  // Most files need nothing: decide that before loading the compiler at all.
  const compile = (source: string, filename: string): string =>
    needsTransform(source, filename)
      ? (require('./compile') as typeof import('./compile')).compileForHook(source, filename, moduleKindOf(filename), runtime)
      : source;
  return addHook(compile, {
    exts: HOOKED_EXTENSIONS,
    ignoreNodeModules: true,
    matcher: (filename) => !isOwnFile(filename),
  });
}
