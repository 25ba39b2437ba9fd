// The function a command runs from a user's file (`memprof leaks <file> --export name`, `memprof check`
// scenarios): the file is loaded as the program would load it (require, or import for ES modules),
// under memprof's load hook, and the named export taken; without a name, the file's only function.
import { pathToFileURL } from 'node:url';

export class ExportError extends Error {}

type Exports = Record<string, unknown>;

async function load(file: string): Promise<unknown> {
  try {
    return require(file);
  } catch (error) {
    // An ES module: require() refuses it (Node 20), or takes it but not its top-level await (20.19+).
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ERR_REQUIRE_ESM' && code !== 'ERR_REQUIRE_ASYNC_MODULE') throw error;
    return import(pathToFileURL(file).href);
  }
}

function functionNames(exports: Exports): string[] {
  return Object.keys(exports).filter((name) => typeof exports[name] === 'function');
}

/** The export named `name` (default: the module itself, its default export, or its only function). */
export async function loadExport(file: string, name: string | undefined, shown: string): Promise<{ name: string; fn: () => unknown }> {
  let loaded: unknown;
  try {
    loaded = await load(file);
  } catch (error) {
    throw new ExportError(`cannot load ${shown}: ${(error as Error)?.message ?? String(error)}`);
  }
  const exports = (loaded ?? {}) as Exports;
  const candidates = { ...exports, ...(exports.default && typeof exports.default === 'object' ? (exports.default as Exports) : {}) };
  if (name !== undefined) {
    const fn = candidates[name];
    if (typeof fn === 'function') return { name, fn: fn as () => unknown };
    const names = functionNames(candidates);
    throw new ExportError(`${shown} has no function export "${name}"${names.length > 0 ? `; it exports ${names.join(', ')}` : ''}`);
  }
  if (typeof loaded === 'function') return { name: (loaded as { name?: string }).name || 'module.exports', fn: loaded as () => unknown };
  if (typeof exports.default === 'function') return { name: 'default', fn: exports.default as () => unknown };
  const names = functionNames(candidates);
  if (names.length === 1) return { name: names[0], fn: candidates[names[0]] as () => unknown };
  throw new ExportError(
    names.length === 0 ? `${shown} exports no function` : `${shown} exports several functions (${names.join(', ')}): choose one with --export`,
  );
}
