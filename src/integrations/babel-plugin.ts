// `memprof/babel-plugin`: memprof's instrumenter for projects with their own Babel pipeline
// (babel.config.js: `plugins: ['memprof/babel-plugin']`). Only marked functions are rewritten;
// the rest of the file is left to the project's own presets.
// The module is the plugin function itself (`export =`), so that every way of loading it gets the
// function: require(), Babel's own loading, and a native ES module's `import plugin from ...` (which
// would otherwise get the CommonJS exports object); `.default` is the same function.
import type { PluginObj } from '@babel/core';
import { memprofPlugin } from '../instrument/plugin';
import { RUNTIME_MODULE } from '../runtime/location';

interface BabelApi {
  caller?<T>(callback: (caller: { supportsStaticESM?: boolean } | undefined) => T): T;
}

function memprofBabelPlugin(api: BabelApi, options: memprofBabelPlugin.MemprofBabelPluginOptions = {}): PluginObj {
  if (options.moduleKind !== undefined && options.moduleKind !== 'commonjs' && options.moduleKind !== 'esm') {
    throw new Error(`memprof/babel-plugin: option moduleKind must be 'commonjs' or 'esm', got ${JSON.stringify(options.moduleKind)}`);
  }
  // A caller that cannot run ES modules (Jest without ESM, say) gets CommonJS output: the runtime is
  // then loaded with require(), not through import.meta, which CommonJS does not have.
  const supportsStaticESM = api.caller?.((caller) => caller?.supportsStaticESM);
  const moduleKind = options.moduleKind ?? (supportsStaticESM === false ? 'commonjs' : undefined);
  return memprofPlugin({ runtime: RUNTIME_MODULE, moduleKind }, { functions: [] })();
}

// eslint-disable-next-line @typescript-eslint/no-namespace
declare namespace memprofBabelPlugin {
  export interface MemprofBabelPluginOptions {
    /** Load the runtime with require() ('commonjs') or createRequire(import.meta.url) ('esm'). Default: per file. */
    moduleKind?: 'commonjs' | 'esm';
  }
  /** The plugin again, for code that reads the default export of a CommonJS module. */
  export { memprofBabelPlugin as default };
}

Object.defineProperty(memprofBabelPlugin, 'default', { value: memprofBabelPlugin, enumerable: false });

export = memprofBabelPlugin;
