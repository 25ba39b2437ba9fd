// `memprof/jest`: a Jest transformer (jest.config: transform: { '\\.[cm]?[jt]sx?$': 'memprof/jest' }).
// With `['memprof/jest', { transformer: 'ts-jest' }]` it wraps that transformer instead
// (jest-wrapped-transformer.ts). By default it is Jest's own babel-jest with memprof's plugin added,
// so files compile as they always did in the project (its Babel config, TypeScript, ES modules,
// jest.mock hoisting) and marked functions are instrumented. A project without a Babel config gets
// TypeScript and decorators compiled by memprof's defaults, so that `@profile` on a TypeScript class
// works with no setup beyond this line.
import { loadPartialConfig, type TransformOptions } from '@babel/core';
import type { SyncTransformer, TransformOptions as JestTransformOptions } from '@jest/transform';
import { decoratorFlavourFor } from '../hooks/project-config';
import { isOwnFile } from '../hooks/module-format';
import { compilerFingerprint } from '../hooks/transform-cache';
import type { DecoratorFlavour } from '../instrument/instrumenter';
import { shareV8Binding } from '../runtime/heap-statistics';
import { createWrappedTransformer } from './jest-wrapped-transformer';

// Transformers run outside Jest's test sandbox: load V8's heap statistics buffer here, where doing
// so stays quiet, so that the runtime inside the sandbox can read heap counters without allocating.
shareV8Binding();

type BabelJestTransformer = SyncTransformer<TransformOptions>;
interface BabelJest {
  createTransformer(options?: TransformOptions): BabelJestTransformer;
}

/** babel-jest from the project being tested (it matches its Jest), else the one beside memprof. */
function loadBabelJest(): BabelJest {
  let path: string;
  try {
    path = require.resolve('babel-jest', { paths: [process.cwd()] });
  } catch {
    try {
      path = require.resolve('babel-jest');
    } catch {
      throw new Error("memprof/jest needs babel-jest (it comes with Jest): npm install --save-dev babel-jest");
    }
  }
  const loaded = require(path) as BabelJest & { default?: BabelJest };
  return typeof loaded.createTransformer === 'function' ? loaded : (loaded.default as BabelJest);
}

const plugin: [string, object] = [require.resolve('./babel-plugin'), {}];

function defaultsFor(flavour: DecoratorFlavour): TransformOptions {
  return {
    babelrc: false,
    configFile: false,
    presets: [[require.resolve('@babel/preset-typescript'), { allowDeclareFields: true }]],
    plugins: [
      plugin,
      [require.resolve('@babel/plugin-proposal-decorators'), flavour === 'legacy' ? { version: 'legacy' } : { version: '2023-11' }],
      require.resolve('@babel/plugin-transform-modules-commonjs'),
    ],
  };
}

export interface MemprofJestOptions {
  /**
   * The transformer that compiles the project's files ('ts-jest'); the other options are its own.
   * Default: babel-jest, with memprof's plugin added to the project's Babel configuration.
   */
  transformer?: string;
}

export function createTransformer(options: TransformOptions & MemprofJestOptions = {}): BabelJestTransformer {
  const { transformer, ...userOptions } = options;
  if (transformer !== undefined && transformer !== 'babel-jest') {
    if (typeof transformer !== 'string') throw new Error(`memprof/jest: option transformer must be a package name, got ${JSON.stringify(transformer)}`);
    return createWrappedTransformer(transformer, userOptions) as BabelJestTransformer;
  }
  return createBabelTransformer(userOptions);
}

function createBabelTransformer(userOptions: TransformOptions): BabelJestTransformer {
  const babelJest = loadBabelJest();
  const withProjectConfig = babelJest.createTransformer({ ...userOptions, plugins: [...(userOptions.plugins ?? []), plugin] });
  const standalone = new Map<DecoratorFlavour, BabelJestTransformer>();
  const hasConfigByDirectory = new Map<string, boolean>();

  const pick = (filename: string): BabelJestTransformer => {
    if (usesProjectBabelConfig(filename, userOptions, hasConfigByDirectory)) return withProjectConfig;
    const flavour = decoratorFlavourFor(filename);
    let transformer = standalone.get(flavour);
    if (!transformer) {
      transformer = babelJest.createTransformer({ ...userOptions, ...defaultsFor(flavour) });
      standalone.set(flavour, transformer);
    }
    return transformer;
  };

  return {
    canInstrument: withProjectConfig.canInstrument,
    process(source: string, filename: string, options: JestTransformOptions<TransformOptions>) {
      // memprof's own files, wherever they are linked from, are not the project's code.
      if (isOwnFile(filename)) return { code: source };
      return pick(filename).process(source, filename, options);
    },
    getCacheKey(source: string, filename: string, options: JestTransformOptions<TransformOptions>) {
      const base = pick(filename).getCacheKey?.(source, filename, options) ?? '';
      return `${base}:memprof:${compilerFingerprint()}`;
    },
  };
}

function usesProjectBabelConfig(filename: string, userOptions: TransformOptions, cache: Map<string, boolean>): boolean {
  if (userOptions.configFile || userOptions.presets) return true;
  const directory = filename.slice(0, filename.lastIndexOf('/') + 1);
  let found = cache.get(directory);
  if (found === undefined) {
    found = loadPartialConfig({ filename, cwd: process.cwd() })?.hasFilesystemConfig() ?? false;
    cache.set(directory, found);
  }
  return found;
}

// Jest loads transformers with ES module interop: with `__esModule` set, it reads the default export.
export default { createTransformer };
