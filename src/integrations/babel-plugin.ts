// `memprof/babel-plugin`: memprof's instrumenter for projects with their own Babel pipeline
// (babel.config.js: `plugins: ['memprof/babel-plugin']`). Only marked functions are rewritten;
// the rest of the file is left to the project's own presets.
import type { PluginObj } from '@babel/core';
import { memprofPlugin } from '../instrument/plugin';
import { RUNTIME_MODULE } from '../runtime/location';

export interface MemprofBabelPluginOptions {
  /** Load the runtime with require() ('commonjs') or createRequire(import.meta.url) ('esm'). Default: per file. */
  moduleKind?: 'commonjs' | 'esm';
}

interface BabelApi {
  caller?<T>(callback: (caller: { supportsStaticESM?: boolean } | undefined) => T): T;
}

export default function memprofBabelPlugin(api: BabelApi, options: MemprofBabelPluginOptions = {}): PluginObj {
  if (options.moduleKind !== undefined && options.moduleKind !== 'commonjs' && options.moduleKind !== 'esm') {
    throw new Error(`memprof/babel-plugin: option moduleKind must be 'commonjs' or 'esm', got ${JSON.stringify(options.moduleKind)}`);
  }
  // A caller that cannot run ES modules (Jest without ESM, say) gets CommonJS output: the runtime is
  // then loaded with require(), not through import.meta, which CommonJS does not have.
  const supportsStaticESM = api.caller?.((caller) => caller?.supportsStaticESM);
  const moduleKind = options.moduleKind ?? (supportsStaticESM === false ? 'commonjs' : undefined);
  return memprofPlugin({ runtime: RUNTIME_MODULE, moduleKind }, { functions: [] })();
}
