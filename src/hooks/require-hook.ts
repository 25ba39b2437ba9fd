// The CommonJS load hook (`node -r memprof/register`): compiles JavaScript files that mark profiled
// functions, and TypeScript files, as they are required.
//
// It sits where every CommonJS module's code ends up, Module.prototype._compile, rather than in
// require.extensions as pirates and @babel/register do: there it sees the code Node will run, whoever
// loaded or compiled it, and in whichever order the hooks were given. With ts-node or tsx in the
// program (`-r ts-node/register`, `-r tsx/cjs`, before or after memprof's), memprof gets their
// output, with its source map back to the TypeScript (see compiled-origin.ts); without them it gets
// the file's own text. TypeScript extensions are registered (as plain JavaScript files, which the
// default loader reads and hands to _compile) only where no other loader registered them, so that
// `require('./util')` finds util.ts and a TypeScript loader keeps the files it registered.
import * as nodeModule from 'node:module';
import { compileFunction } from 'node:vm';
import { primordials } from '../shared/primordials';
import { isOwnFile, packageTypeOf } from './module-format';
import { needsCompile } from './compiled-origin';
import type { ModuleKind } from './compile';
import { isIncluded } from './included-files';

interface ModuleInternals {
  _extensions: Record<string, (module: unknown, filename: string) => void>;
  prototype: { _compile(this: unknown, content: string, filename: string, ...rest: unknown[]): unknown };
}
const Module = nodeModule.Module as unknown as ModuleInternals;

export const TYPESCRIPT_EXTENSIONS = ['.ts', '.cts', '.mts', '.tsx'];

/** An ES module reached through require() (`.mjs`, or `.js` in a "type": "module" package) stays one. */
function moduleKindOf(filename: string, format: unknown): ModuleKind {
  if (format === 'module' || filename.endsWith('.mjs')) return 'esm';
  return filename.endsWith('.js') && packageTypeOf(filename) === 'module' ? 'esm' : 'commonjs';
}

/** A path inside a dependency, with either separator (Windows paths use backslashes). */
const NODE_MODULES = /[\\/]node_modules[\\/]/;

/** Dependencies are left alone unless MEMPROF_INCLUDE names them; memprof's own files always. */
function wanted(filename: unknown): filename is string {
  if (typeof filename !== 'string' || isOwnFile(filename)) return false;
  return !NODE_MODULES.test(filename) || isIncluded(filename);
}

/**
 * The hook itself: a function compiled here rather than written in this file, so that the module's
 * code, which runs inside it, does not run inside a frame of memprof's files (stack traces read
 * `memprof:load-hook`, as they would name pirates'), and it calls nothing the program could replace.
 */
const makeHook = compileFunction(
  `return function (content, filename) {
    if (typeof content === 'string') arguments[0] = transform(content, filename, arguments[2]);
    return apply(compile, this, arguments);
  };`,
  ['compile', 'transform', 'apply'],
  { filename: 'memprof:load-hook' },
) as (compile: unknown, transform: (content: string, filename: unknown, format: unknown) => string, apply: typeof Reflect.apply) => ModuleInternals['prototype']['_compile'];

/** Installs the hook; the function returned takes it out again (or makes it pass code through). */
export function installRequireHook(runtime: string): () => void {
  const registered: string[] = [];
  for (const extension of TYPESCRIPT_EXTENSIONS) {
    if (Module._extensions[extension]) continue;
    Module._extensions[extension] = Module._extensions['.js'];
    registered.push(extension);
  }

  let active = true;
  const compile = Module.prototype._compile;
  let compileForHook: typeof import('./compile').compileForHook | undefined;
  /** What the module runs instead of `content`: returns before the module's code starts. */
  const transform = (content: string, filename: unknown, format: unknown): string => {
    // Most files need nothing: decide that before loading the compiler at all.
    if (!active || !wanted(filename) || !needsCompile(content, filename)) return content;
    compileForHook ??= (require('./compile') as typeof import('./compile')).compileForHook;
    return compileForHook(content, filename, moduleKindOf(filename, format), runtime);
  };
  const hooked = makeHook(compile, transform, primordials.ReflectApply);
  Module.prototype._compile = hooked;

  return () => {
    active = false;
    // Someone may have wrapped the hook since: then it stays, passing code through.
    if (Module.prototype._compile === hooked) Module.prototype._compile = compile;
    for (const extension of registered) {
      if (Module._extensions[extension] === Module._extensions['.js']) delete Module._extensions[extension];
    }
  };
}
