// ES module load hooks (`node --import memprof/register`), registered with module.register(); they
// run in Node's hooks thread. ES modules (JavaScript and TypeScript) are instrumented here; CommonJS
// files, including CommonJS TypeScript, are left to the require hook in the main thread.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { isTypeScriptFile } from '../instrument/file-kinds';
import { needsCompile } from './compiled-origin';
import { compileForHook } from './compile';
import { isOwnFile, packageTypeOf } from './module-format';
import { isIncluded } from './included-files';

export interface EsmHookData {
  /** Absolute path of memprof's runtime, which instrumented ES modules require. */
  runtime: string;
}

let runtime = '';

export function initialize(data: EsmHookData): void {
  runtime = data.runtime;
}

interface ResolveContext {
  parentURL?: string;
  conditions: string[];
}
interface ResolveResult {
  url: string;
  format?: string | null;
  shortCircuit?: boolean;
}
type NextResolve = (specifier: string, context: ResolveContext) => Promise<ResolveResult>;

/** TypeScript's ES module style imports `./util.js` for `./util.ts`: find the TypeScript file then. */
export async function resolve(specifier: string, context: ResolveContext, nextResolve: NextResolve): Promise<ResolveResult> {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const parent = context.parentURL;
    const relative = specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/') || specifier.startsWith('file:');
    if (!relative || !parent || !isTypeScriptFile(fileURLToPath(parent)) || !/\.[cm]?js$/.test(specifier)) throw error;
    for (const candidate of typeScriptCounterparts(specifier)) {
      try {
        return await nextResolve(candidate, context);
      } catch {
        // try the next spelling
      }
    }
    throw error;
  }
}

function typeScriptCounterparts(specifier: string): string[] {
  if (specifier.endsWith('.mjs')) return [specifier.slice(0, -4) + '.mts'];
  if (specifier.endsWith('.cjs')) return [specifier.slice(0, -4) + '.cts'];
  return [specifier.slice(0, -3) + '.ts', specifier.slice(0, -3) + '.tsx'];
}

interface LoadContext {
  format?: string | null;
  conditions: string[];
  importAttributes?: Record<string, string>;
}
interface LoadResult {
  format: string;
  source?: string | ArrayBuffer | Uint8Array | null;
  shortCircuit?: boolean;
}
type NextLoad = (url: string, context: LoadContext) => Promise<LoadResult>;

export async function load(url: string, context: LoadContext, nextLoad: NextLoad): Promise<LoadResult> {
  if (!url.startsWith('file:')) return nextLoad(url, context);
  const filename = fileURLToPath(url);
  // Dependencies are left alone unless MEMPROF_INCLUDE names them.
  if (isOwnFile(filename) || (url.includes('/node_modules/') && !isIncluded(filename))) return nextLoad(url, context);

  if (isTypeScriptFile(filename)) {
    const format = filename.endsWith('.mts') ? 'module' : filename.endsWith('.cts') ? 'commonjs' : packageTypeOf(filename);
    // CommonJS TypeScript is read and compiled by the require hook.
    if (format === 'commonjs') return { format: 'commonjs', shortCircuit: true };
    const source = await readFile(filename, 'utf8');
    return { format: 'module', source: compileForHook(source, filename, 'esm', runtime), shortCircuit: true };
  }

  const loaded = await nextLoad(url, context);
  if (loaded.format !== 'module' || loaded.source == null) return loaded;
  const source = typeof loaded.source === 'string' ? loaded.source : Buffer.from(loaded.source as Uint8Array).toString('utf8');
  if (!needsCompile(source, filename)) return loaded;
  return { ...loaded, source: compileForHook(source, filename, 'esm', runtime) };
}
