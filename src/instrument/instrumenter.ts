// The instrumenter's public face: source in, instrumented source (and source map) out. It never does
// I/O; the hooks decide what to read, and pass in what they learned (e.g. the decorator flavour).
import { transformSync, type PluginItem, type TransformOptions } from '@babel/core';
import { memprofPlugin, type PluginReport } from './plugin';
import { isTypeScriptFile, mayContainMarkers, needsTransform, SourceSyntaxError } from './file-kinds';

export { isTypeScriptFile, needsTransform, SourceSyntaxError };

export type DecoratorFlavour = 'legacy' | 'standard';

export interface InstrumentOptions {
  /** Module specifier the instrumented code loads memprof's runtime from. */
  runtime: string;
  /** Module system of the output: CommonJS (require hook, Jest) or ES modules (import hook). */
  moduleKind: 'commonjs' | 'esm';
  /** TypeScript `experimentalDecorators` ('legacy') or standard decorators. Default 'standard'. */
  decorators?: DecoratorFlavour;
  /** Set false to only compile (strip TypeScript types) without profiling. Default true. */
  profile?: boolean;
}

export interface InstrumentResult {
  code: string;
  /** Source map (v3) from the output back to the original source. */
  map: object | null;
  /** Profiled functions found and instrumented in this file. */
  functions: PluginReport['functions'];
}

/**
 * Instruments the profiled functions of one file. Returns null when a JavaScript file has nothing to
 * profile (it should then run untouched). Throws SourceSyntaxError when the file does not parse.
 */
export function instrument(source: string, filename: string, options: InstrumentOptions): InstrumentResult | null {
  if (!needsTransform(source, filename)) return null;
  const typescript = isTypeScriptFile(filename);
  const report: PluginReport = { functions: [] };
  const plugins: PluginItem[] = [];
  if (options.profile !== false && mayContainMarkers(source)) {
    plugins.push(memprofPlugin({ runtime: options.runtime, moduleKind: options.moduleKind, filename }, report));
  }
  // Node cannot run decorators yet, so they are compiled here, in the flavour the project uses.
  plugins.push([
    require.resolve('@babel/plugin-proposal-decorators'),
    options.decorators === 'legacy' ? { version: 'legacy' } : { version: '2023-11' },
  ]);
  if (typescript && options.moduleKind === 'commonjs') {
    plugins.push([require.resolve('@babel/plugin-transform-modules-commonjs'), { importInterop: 'babel' }]);
  }

  const babelOptions: TransformOptions = {
    filename,
    babelrc: false,
    configFile: false,
    sourceType: typescript ? 'unambiguous' : options.moduleKind === 'esm' ? 'module' : 'script',
    // CommonJS code runs inside a function, so top-level `return` and `new.target` are legal there.
    parserOpts: {
      allowReturnOutsideFunction: options.moduleKind === 'commonjs',
      allowNewTargetOutsideFunction: options.moduleKind === 'commonjs',
    },
    plugins,
    presets: typescript
      ? [[require.resolve('@babel/preset-typescript'), { allowDeclareFields: true, isTSX: filename.endsWith('.tsx'), allExtensions: true }]]
      : [],
    // Keep every statement on its original line: stack traces stay right even without source maps.
    retainLines: true,
    // Code frames of syntax errors: coloured for a terminal, plain for logs and CI.
    highlightCode: Boolean(process.stderr.isTTY),
    sourceMaps: true,
    // Map to the file Node would have run; following its own sourceMappingURL is not our call.
    inputSourceMap: false as never,
    comments: true,
    compact: false,
  };

  let output;
  try {
    output = transformSync(source, babelOptions);
  } catch (error) {
    throw toSourceSyntaxError(error, filename) ?? error;
  }
  if (!output?.code) throw new Error('Babel produced no output');
  // A JavaScript file that only mentions "profile" runs exactly as written.
  if (!typescript && report.functions.length === 0) return null;
  return { code: output.code, map: (output.map as object | null) ?? null, functions: report.functions };
}

interface BabelParseError extends Error {
  code?: string;
  reasonCode?: string;
  loc?: { line: number; column: number };
}

function toSourceSyntaxError(error: unknown, filename: string): SourceSyntaxError | undefined {
  const parseError = error as BabelParseError;
  if (!(error instanceof SyntaxError) || !parseError.loc || parseError.code !== 'BABEL_PARSE_ERROR') return undefined;
  // Babel's message reads "<file>: <reason> (line:col)\n\n<code frame>".
  const [firstLine, ...frame] = parseError.message.split('\n');
  const reason = firstLine.replace(`${filename}: `, '').replace(/\s*\(\d+:\d+\)$/, '');
  return new SourceSyntaxError(filename, parseError.loc.line, parseError.loc.column, reason, frame.join('\n').replace(/^\n+/, '').trimEnd());
}
