// `['memprof/jest', { transformer: 'ts-jest', ...its options }]`: the project's own Jest transformer
// (ts-jest, with its type checking and its diagnostics) compiles each file as it always did, and
// memprof then instruments the JavaScript it wrote, through its source map back to the file: marked
// functions get the TypeScript's lines, compiled decorators included (compiled-markers.ts).
import type { SyncTransformer, TransformedSource, TransformOptions as JestTransformOptions } from '@jest/transform';
import { isOwnFile } from '../hooks/module-format';
import { compilerFingerprint } from '../hooks/transform-cache';
import { compiledOrigin } from '../hooks/compiled-origin';
import { mayContainMarkers } from '../instrument/file-kinds';
import { instrument, type OriginalSources } from '../instrument/instrumenter';
import { RUNTIME_MODULE } from '../runtime/location';

type Transformer = SyncTransformer<unknown> & {
  processAsync?(source: string, filename: string, options: JestTransformOptions<unknown>): Promise<TransformedSource>;
  getCacheKeyAsync?(source: string, filename: string, options: JestTransformOptions<unknown>): Promise<string>;
};
interface TransformerFactory {
  createTransformer?(options?: unknown): Transformer;
}

/** The named transformer, from the project being tested (as Jest would load it). */
function loadTransformer(name: string, options: object): Transformer {
  let path: string;
  try {
    path = require.resolve(name, { paths: [process.cwd()] });
  } catch {
    throw new Error(`memprof/jest: cannot find the transformer ${JSON.stringify(name)} (option transformer); install it in the project: npm install --save-dev ${name}`);
  }
  const loaded = require(path) as TransformerFactory & { default?: TransformerFactory & Transformer } & Transformer;
  const factory = typeof loaded.createTransformer === 'function' ? loaded : loaded.default;
  if (factory && typeof factory.createTransformer === 'function') return factory.createTransformer(options);
  const transformer = typeof loaded.process === 'function' ? loaded : loaded.default;
  if (transformer && typeof transformer.process === 'function') return transformer;
  throw new Error(`memprof/jest: ${name} is not a Jest transformer (it has neither createTransformer nor process)`);
}

export function createWrappedTransformer(name: string, options: object): Transformer {
  const inner = loadTransformer(name, options);
  const wrapped: Transformer = {
    canInstrument: inner.canInstrument,
    process(source, filename, jestOptions) {
      if (isOwnFile(filename)) return { code: source };
      return instrumented(inner.process(source, filename, jestOptions), source, filename, jestOptions);
    },
    getCacheKey(source, filename, jestOptions) {
      return `${inner.getCacheKey?.(source, filename, jestOptions) ?? ''}:memprof:${compilerFingerprint()}`;
    },
  };
  if (inner.processAsync) {
    const processAsync = inner.processAsync.bind(inner);
    wrapped.processAsync = async (source, filename, jestOptions) =>
      isOwnFile(filename) ? { code: source } : instrumented(await processAsync(source, filename, jestOptions), source, filename, jestOptions);
  }
  if (inner.getCacheKeyAsync) {
    const getCacheKeyAsync = inner.getCacheKeyAsync.bind(inner);
    wrapped.getCacheKeyAsync = async (source, filename, jestOptions) => `${await getCacheKeyAsync(source, filename, jestOptions)}:memprof:${compilerFingerprint()}`;
  }
  return wrapped;
}

/** The transformer's output with its marked functions instrumented; its source map still holds (lines are kept). */
function instrumented(output: TransformedSource | string, source: string, filename: string, jestOptions: JestTransformOptions<unknown>): TransformedSource {
  const result: TransformedSource = typeof output === 'string' ? { code: output } : output;
  if (!mayContainMarkers(source) && !mayContainMarkers(result.code)) return result;
  const original = originalOf(result, source, filename);
  const moduleKind = jestOptions.supportsStaticESM ? 'esm' : 'commonjs';
  const done = instrument(result.code, filename, { runtime: RUNTIME_MODULE, moduleKind, javascript: true, ...(original ? { original } : {}) });
  return done ? { ...result, code: done.code } : result;
}

/** The file itself, when the transformer's map is of it alone (ts-jest's, babel-jest's); else what the map names. */
function originalOf(result: TransformedSource, source: string, filename: string): OriginalSources | undefined {
  const map = typeof result.map === 'string' ? (JSON.parse(result.map) as object) : result.map;
  if (map && (map as { sources?: unknown[] }).sources?.length === 1) return { map, files: [filename], contents: [source] };
  return compiledOrigin(result.code, filename);
}
