// How a TypeScript file is compiled besides stripping types, as the project's tsconfig.json asks:
// decorators (legacy or standard, with tsc's design-time metadata), JSX in .tsx files, and CommonJS
// output where the require hook runs it. Node cannot run any of these itself, so they are compiled here.
import type { PluginItem } from '@babel/core';
import type { InstrumentOptions } from './instrumenter';

/** tsconfig's JSX settings, as the JSX transform takes them. */
export interface JsxSettings {
  /** 'classic': `jsxFactory(...)` calls (tsconfig `"jsx": "react"`); 'automatic': imports from `<jsxImportSource>/jsx-runtime`. */
  runtime: 'classic' | 'automatic';
  /** `"jsx": "react-jsxdev"`: the development runtime (`jsxDEV`, with source positions). */
  development: boolean;
  factory: string;
  fragmentFactory: string;
  importSource: string;
}

export const DEFAULT_JSX: JsxSettings = {
  runtime: 'automatic',
  development: false,
  factory: 'React.createElement',
  fragmentFactory: 'React.Fragment',
  importSource: 'react',
};

/**
 * tsconfig `compilerOptions` -> JSX settings. `preserve` and `react-native` leave JSX for another
 * tool, which Node is not: such files get the automatic runtime, as bundlers that read those settings do.
 */
export function jsxSettingsFrom(compilerOptions: Record<string, unknown> | undefined): JsxSettings {
  const jsx = String(compilerOptions?.jsx ?? '').toLowerCase();
  const text = (key: string, fallback: string) => (typeof compilerOptions?.[key] === 'string' ? (compilerOptions[key] as string) : fallback);
  return {
    runtime: jsx === 'react' ? 'classic' : 'automatic',
    development: jsx === 'react-jsxdev',
    factory: text('jsxFactory', DEFAULT_JSX.factory),
    fragmentFactory: text('jsxFragmentFactory', DEFAULT_JSX.fragmentFactory),
    importSource: text('jsxImportSource', DEFAULT_JSX.importSource),
  };
}

/** The Babel plugins, in order, that compile a TypeScript file beside the TypeScript preset. */
export function typeScriptPlugins(filename: string, options: InstrumentOptions): PluginItem[] {
  const plugins: PluginItem[] = [];
  const legacy = options.decorators === 'legacy';
  // Before the decorators are compiled, while the types it reads are still there.
  if (legacy && options.decoratorMetadata) plugins.push(require.resolve('babel-plugin-transform-typescript-metadata'));
  plugins.push([require.resolve('@babel/plugin-proposal-decorators'), legacy ? { version: 'legacy' } : { version: '2023-11' }]);
  if (filename.endsWith('.tsx')) plugins.push(jsxPlugin(options.jsx ?? DEFAULT_JSX));
  if (options.moduleKind === 'commonjs') {
    plugins.push([require.resolve('@babel/plugin-transform-modules-commonjs'), { importInterop: 'babel' }]);
  }
  return plugins;
}

function jsxPlugin(jsx: JsxSettings): PluginItem {
  if (jsx.runtime === 'classic') {
    return [require.resolve('@babel/plugin-transform-react-jsx'), { runtime: 'classic', pragma: jsx.factory, pragmaFrag: jsx.fragmentFactory, throwIfNamespace: false }];
  }
  const plugin = jsx.development ? '@babel/plugin-transform-react-jsx-development' : '@babel/plugin-transform-react-jsx';
  return [require.resolve(plugin), { runtime: 'automatic', importSource: jsx.importSource, throwIfNamespace: false }];
}
