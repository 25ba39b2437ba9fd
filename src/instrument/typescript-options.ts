// How a TypeScript file is compiled besides stripping types, as the project's tsconfig.json asks:
// decorators (legacy or standard, with tsc's design-time metadata), JSX in .tsx files, and CommonJS
// output where the require hook runs it. Node cannot run any of these itself, so they are compiled here.
import type { PluginItem, PluginObj } from '@babel/core';
import * as t from '@babel/types';
import type { InstrumentOptions } from './instrumenter';
import { decoratorMetadataPlugin } from './decorator-metadata';

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

/** tsconfig `target` as a year: ES5 -> 5, ES2015/ES6 -> 2015, ESNext -> the future. tsc's default is ES5. */
export function targetYear(target: unknown): number {
  const value = String(target ?? 'es5').toLowerCase();
  if (value === 'esnext') return 9999;
  if (value === 'es6') return 2015;
  const year = /^es(\d+)$/.exec(value);
  return year ? Number(year[1]) : 5;
}

/** The Babel plugins, in order, that compile a TypeScript file beside the TypeScript preset. */
export function typeScriptPlugins(filename: string, options: InstrumentOptions): PluginItem[] {
  const plugins: PluginItem[] = [];
  const legacy = options.decorators === 'legacy';
  if (legacy) plugins.push(legacyDecoratorsAsTsc);
  // Before the decorators are compiled, while the types it reads are still there.
  if (legacy && options.decoratorMetadata) plugins.push(decoratorMetadataPlugin(options.decoratorMetadata));
  plugins.push([require.resolve('@babel/plugin-proposal-decorators'), legacy ? { version: 'legacy' } : { version: '2023-11' }]);
  // Legacy decorated fields need the class fields compiled after them, as assignments in the
  // constructor: what tsc emits for experimentalDecorators projects (useDefineForClassFields: false).
  if (legacy) plugins.push([require.resolve('@babel/plugin-transform-class-properties'), { loose: true }]);
  if (filename.endsWith('.tsx')) plugins.push(jsxPlugin(options.jsx ?? DEFAULT_JSX));
  if (options.moduleKind === 'commonjs') {
    plugins.push([require.resolve('@babel/plugin-transform-modules-commonjs'), { importInterop: 'babel' }]);
  }
  return plugins;
}

/**
 * Where Babel's legacy decorators differ from tsc's experimentalDecorators, the class is adjusted
 * first:
 *   - `@Column() name!: string` (TypeORM, NestJS): the decorators transform gives a decorated field
 *     an initialiser, which Babel's TypeScript transform rejects for a `!` field (tsc accepts it).
 *     `!` only speaks to the type checker, so it is dropped;
 *   - tsc decorates instance members first, then static ones; Babel in source order. Static methods
 *     and accessors move after the instance members (they are still defined in their own order, so
 *     no property order changes), so that decorators run, and are evaluated, in tsc's order.
 */
function legacyDecoratorsAsTsc(): PluginObj {
  return {
    name: 'memprof-legacy-decorators-as-tsc',
    visitor: {
      Program(program) {
        program.traverse({
          ClassProperty(field) {
            if (field.node.definite && field.node.decorators?.length) field.node.definite = false;
          },
          ClassBody(body) {
            const members = body.node.body;
            const movable = (m: t.Node) => (t.isClassMethod(m) || t.isClassPrivateMethod(m)) && m.static && !(t.isClassMethod(m) && m.computed);
            const decorated = (m: t.Node) => !!(m as { decorators?: unknown[] | null }).decorators?.length;
            const lastInstance = members.findLastIndex((m) => !(m as { static?: boolean }).static && m.type !== 'StaticBlock');
            if (!members.some((m, i) => movable(m) && decorated(m) && i < lastInstance)) return;
            const moved = members.filter(movable);
            body.node.body = [...members.filter((m) => !movable(m)), ...moved];
          },
        });
      },
    },
  };
}

function jsxPlugin(jsx: JsxSettings): PluginItem {
  if (jsx.runtime === 'classic') {
    return [require.resolve('@babel/plugin-transform-react-jsx'), { runtime: 'classic', pragma: jsx.factory, pragmaFrag: jsx.fragmentFactory, throwIfNamespace: false }];
  }
  const plugin = jsx.development ? '@babel/plugin-transform-react-jsx-development' : '@babel/plugin-transform-react-jsx';
  return [require.resolve(plugin), { runtime: 'automatic', importSource: jsx.importSource, throwIfNamespace: false }];
}
