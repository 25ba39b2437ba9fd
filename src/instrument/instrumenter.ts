// The instrumenter's public face: source in, instrumented source (and source map) out. It never does
// I/O; the hooks decide what to read, and pass in what they learned (e.g. the decorator flavour).
import type { PluginItem, TransformOptions } from '@babel/core';
import { basename } from 'node:path';
import type * as t from '@babel/types';
import { parse, type ParserOptions } from '@babel/parser';
import { NodePath, type HubInterface } from '@babel/traverse';
import { instrumentProgram, memprofPlugin, type InstrumentedFunctions } from './plugin';
import { isTypeScriptFile, mayContainMarkers, needsTransform, SourceSyntaxError } from './file-kinds';
import { spliceInstrumented } from './splice';
import { bindinglessProgramPath, commentMarkersOnly, subtreesLedBy } from './comment-marked';
import { userSyntaxReason } from './syntax-errors';
import { typeScriptPlugins, type JsxSettings } from './typescript-options';
import { SourceMapLines, type OriginalSources } from './original-source';
import type { MetadataSettings } from './decorator-metadata';

export { isTypeScriptFile, needsTransform, SourceSyntaxError };

export type DecoratorFlavour = 'legacy' | 'standard';
export type { JsxSettings, MetadataSettings, OriginalSources };

export interface InstrumentOptions {
  /** Module specifier the instrumented code loads memprof's runtime from. */
  runtime: string;
  /** Module system of the output: CommonJS (require hook, Jest) or ES modules (import hook). */
  moduleKind: 'commonjs' | 'esm';
  /** TypeScript `experimentalDecorators` ('legacy') or standard decorators. Default 'standard'. */
  decorators?: DecoratorFlavour;
  /** Set false to only compile (strip TypeScript types) without profiling. Default true. */
  profile?: boolean;
  /** TypeScript `emitDecoratorMetadata` (with legacy decorators): emit tsc's `design:*` metadata, serialised so. */
  decoratorMetadata?: MetadataSettings | false;
  /** How `.tsx` files compile JSX (tsconfig `jsx`, `jsxFactory`, `jsxFragmentFactory`, `jsxImportSource`). */
  jsx?: JsxSettings;
  /** Profile every function of the file, marked or not (MEMPROF_INCLUDE matched it). Default false. */
  profileAll?: boolean;
  /**
   * The source is JavaScript a compiler wrote (whatever the file's name), from these sources: marked
   * functions are found in them and tables show their lines (original-source.ts).
   */
  original?: OriginalSources;
  /** The source is JavaScript whatever the file's name (a .ts file another loader compiled). */
  javascript?: boolean;
  /**
   * Analyse the whole file's scope even where only comments can mark functions (comment-marked.ts
   * skips it). For tests, which compare both.
   */
  wholeFileScope?: boolean;
}

export interface InstrumentResult {
  code: string;
  /** Source map (v3) from the output back to the original source. */
  map: object | null;
  /** Profiled functions found and instrumented in this file (each with the file its table reads). */
  functions: InstrumentedFunctions['functions'];
}

/**
 * Instruments the profiled functions of one file. Returns null when a JavaScript file has nothing to
 * profile (it should then run untouched). Throws SourceSyntaxError when the file does not parse.
 */
export function instrument(source: string, filename: string, options: InstrumentOptions): InstrumentResult | null {
  const original = options.original && new SourceMapLines(options.original);
  const typescript = !original && !options.javascript && isTypeScriptFile(filename);
  if (!original && !typescript && !options.profileAll && !mayContainMarkers(source)) return null;
  const found: InstrumentedFunctions = { functions: [] };
  if (!typescript && options.profile !== false) {
    // JavaScript needs no compiling, only the rewrite: parsed and rewritten directly, without Babel's
    // transform pipeline (its per-file configuration and a walk of the whole tree for a Program visitor
    // were more than half of a cold start-up). A file that does not parse takes the transform below,
    // which reports the error with Babel's code frame.
    const tree = parsedJavaScript(source, filename, options, Boolean(original));
    if (tree) return printedJavaScript(source, filename, tree, options, original, found);
  }
  const plugins: PluginItem[] = [];
  if (options.profile !== false && (original || options.profileAll || mayContainMarkers(source))) {
    plugins.push(memprofPlugin({ runtime: options.runtime, moduleKind: options.moduleKind, filename, original, all: options.profileAll }, found));
  }
  if (typescript) plugins.push(...typeScriptPlugins(filename, options));

  const babelOptions: TransformOptions = {
    filename,
    babelrc: false,
    configFile: false,
    sourceType: typescript ? 'unambiguous' : options.moduleKind === 'esm' ? 'module' : 'script',
    // JavaScript comes here only to have its parse error reported: with the options it was parsed with.
    parserOpts: typescript
      ? {
          allowReturnOutsideFunction: options.moduleKind === 'commonjs',
          allowNewTargetOutsideFunction: options.moduleKind === 'commonjs',
          plugins: ['deprecatedImportAssert', ...(filename.endsWith('.tsx') ? (['jsx'] as const) : [])],
        }
      : javaScriptParserOptions(filename, options, Boolean(original)),
    plugins,
    presets: typescript
      ? [[require.resolve('@babel/preset-typescript'), { allowDeclareFields: true, isTSX: filename.endsWith('.tsx'), allExtensions: true, ...jsxPragmas(options.jsx) }]]
      : [],
    // Keep every statement on its original line: stack traces stay right even without source maps.
    retainLines: true,
    // Code frames of syntax errors: coloured for a terminal, plain for logs and CI.
    highlightCode: Boolean(process.stderr.isTTY),
    sourceMaps: typescript,
    // Map to the file Node would have run; following its own sourceMappingURL is not our call.
    inputSourceMap: false as never,
    comments: true,
    compact: false,
    // JavaScript is rewritten and printed above (printedJavaScript); here it only gets Babel's error.
    ast: false,
    code: typescript,
    generatorOpts: { importAttributesKeyword: /\bassert\s*\{\s*type\s*:/.test(source) ? 'assert' : 'with' },
  };

  let output;
  try {
    output = babelCore().transformSync(source, babelOptions);
  } catch (error) {
    throw toSourceSyntaxError(error, filename) ?? error;
  }
  if (!output) throw new Error('Babel produced no output');
  if (typescript) {
    if (!output.code) throw new Error('Babel produced no output');
    return { code: output.code, map: (output.map as object | null) ?? null, functions: found.functions };
  }
  // JavaScript comes this far only when the direct parse failed, and the transform (the same parser
  // options) then threw Babel's error with its code frame; or with profiling off: nothing to do.
  return null;
}

/**
 * @babel/core, loaded for TypeScript and for JavaScript that does not parse: JavaScript is parsed,
 * rewritten and printed without it, and loading it was 25 ms of a cold start-up.
 */
export function babelCore(): typeof import('@babel/core') {
  return require('@babel/core') as typeof import('@babel/core');
}

/**
 * How JavaScript is parsed. CommonJS code runs inside a function, so top-level `return` and
 * `new.target` are legal there. Only syntax Node itself runs (JavaScript is not compiled, so no
 * decorators): import attributes in both spellings Node 20 accepts (`with`, and the older `assert`);
 * JSX where the file is meant to hold it.
 */
function javaScriptParserOptions(filename: string, options: InstrumentOptions, compiled: boolean): ParserOptions {
  return {
    // Babel parses a .mjs file as a module whatever it is told (and so does Node).
    sourceType: options.moduleKind === 'esm' || filename.endsWith('.mjs') ? 'module' : 'script',
    allowReturnOutsideFunction: options.moduleKind === 'commonjs',
    allowNewTargetOutsideFunction: options.moduleKind === 'commonjs',
    plugins: ['deprecatedImportAssert', ...(filename.endsWith('.jsx') && !compiled ? (['jsx'] as const) : [])],
  };
}

/** The file's tree, or undefined when it does not parse (the transform path then reports it). */
function parsedJavaScript(source: string, filename: string, options: InstrumentOptions, compiled: boolean): t.File | undefined {
  try {
    return parse(source, javaScriptParserOptions(filename, options, compiled)) as t.File;
  } catch {
    return undefined;
  }
}

/** The rewrite of a parsed JavaScript file, printed in place; null when nothing in it is profiled. */
function printedJavaScript(
  source: string,
  filename: string,
  ast: t.File,
  options: InstrumentOptions,
  original: SourceMapLines | undefined,
  found: InstrumentedFunctions,
): InstrumentResult | null {
  const markerComments = original || options.profileAll || options.wholeFileScope ? undefined : commentMarkersOnly(source, ast);
  const program = markerComments ? bindinglessProgramPath(ast, source, (file) => programPath(file, source)) : programPath(ast, source);
  const programOptions = { runtime: options.runtime, moduleKind: options.moduleKind, filename, all: options.profileAll ?? false };
  instrumentProgram(program, programOptions, original, found, markerComments && subtreesLedBy(program, markerComments));
  if (found.functions.length === 0 || !found.rewritten) return null;
  const { regions, registration } = found.rewritten;
  return { ...(spliceInstrumented({ source, filename, ast, regions, registration }) ?? printedWhole(ast, registration, source, filename)), functions: found.functions };
}

/**
 * The Program's path with its scope, as Babel's File makes it: the hub gives the source text to the
 * marker finder (comments' positions) and builds the errors traverse may throw.
 */
function programPath(ast: t.File, source: string): NodePath<t.Program> {
  const hub: HubInterface = {
    getCode: () => source,
    getScope: () => undefined,
    addHelper: () => {
      throw new Error('memprof: the rewrite of a JavaScript file needs no Babel helper');
    },
    buildError: (_node: t.Node, message: string, ErrorClass: new (message: string) => Error = SyntaxError) => new ErrorClass(message),
  };
  return NodePath.get({ hub, parentPath: null, parent: ast, container: ast, key: 'program' }).setContext() as NodePath<t.Program>;
}

/** The whole file printed by Babel (lines kept), for the rare region splice.ts cannot print in place. */
function printedWhole(ast: t.File, registration: t.Statement[], source: string, filename: string): { code: string; map: object | null } {
  ast.program.body.push(...registration);
  const generate = (require('@babel/generator') as typeof import('@babel/generator')).default;
  const result = generate(ast, { retainLines: true, comments: true, sourceMaps: true, sourceFileName: basename(filename) }, source);
  return { code: result.code, map: result.map };
}

/** TypeScript's own import elision must keep the JSX factory's import, which the JSX transform uses. */
function jsxPragmas(jsx: JsxSettings | undefined): object {
  if (!jsx || jsx.runtime !== 'classic') return {};
  return { jsxPragma: jsx.factory.split('.')[0], jsxPragmaFrag: jsx.fragmentFactory.split('.')[0] };
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
  const reason = userSyntaxReason(parseError, firstLine.replace(`${filename}: `, '').replace(/\s*\(\d+:\d+\)$/, ''), filename);
  // The code frame ends at its first blank line; what follows is advice about Babel configs.
  const codeFrame = frame.join('\n').replace(/^\n+/, '').split(/\n\s*\n/)[0].trimEnd();
  return new SourceSyntaxError(filename, parseError.loc.line, parseError.loc.column, reason, codeFrame);
}
