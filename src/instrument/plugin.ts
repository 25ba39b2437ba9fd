// The Babel plugin: finds marked functions, instruments their bodies, swaps each marker for a runtime
// stand-in and registers the file's profiled functions with the runtime. It does all of this on
// Program entry, in its own traversal, so that the other plugins of the same pass (TypeScript,
// decorators, modules) see the instrumented tree, whatever order Babel merges visitors in.
import type { NodePath, PluginObj } from '@babel/core';
import * as t from '@babel/types';
import { findMarkedFunctions, type MarkedFunction } from './markers';
import { findCompiledMarkedFunctions } from './compiled-markers';
import type { SourceMapLines } from './original-source';
import { instrumentFunctionBody } from './sampling';

export interface MemprofPluginOptions {
  /** Absolute path of memprof's runtime module, as the instrumented file should load it. */
  runtime: string;
  /**
   * 'commonjs' loads the runtime with require(); 'esm' with a require made by createRequire
   * (import.meta.url), which works alike under Node, Vitest and bundlers' dev servers.
   * Default: decided per file from its syntax (import/export means ESM).
   */
  moduleKind?: 'commonjs' | 'esm';
  /** File name shown in tables (absolute path). Default: the file Babel is compiling. */
  filename?: string;
  /** Profile every function of the file, marked or not (MEMPROF_INCLUDE). Default false. */
  all?: boolean;
  /** For compiled code: its source map, which gives the tables their original files and lines. */
  original?: SourceMapLines;
}

/** Filled in by the plugin, read by the instrumenter once Babel is done. */
export interface InstrumentedFunctions {
  /** `file`, for compiled code: the original source its table reads its lines from. */
  functions: Array<{ name: string; firstLine: number; lastLine: number; file?: string }>;
  /**
   * What the rewrite changed, for printing a file in place (splice.ts): the outermost rewritten
   * nodes in source order (a profiled function, or its `profile(...)` call), and the registration,
   * to append at the end of the file.
   */
  rewritten?: { regions: t.Node[]; registration: t.Statement[] };
}

export function memprofPlugin(options: MemprofPluginOptions, found: InstrumentedFunctions): () => PluginObj {
  return () => ({
    name: 'memprof',
    visitor: {
      Program(program, state) {
        const filename = options.filename ?? state.filename;
        if (!filename) throw new Error('memprof: the Babel plugin needs the file name of the code it compiles');
        const moduleKind = options.moduleKind ?? (program.node.sourceType === 'module' ? 'esm' : 'commonjs');
        instrumentProgram(program, { runtime: options.runtime, moduleKind, filename, all: options.all ?? false }, options.original, found);
        // At the end of the file, where it shifts no line or column of the user's code. It is hoisted, so
        // profiled functions called before the module body has run (hoisting, circular requires) find it.
        if (found.rewritten) program.pushContainer('body', found.rewritten.registration);
      },
    },
  });
}

export type ProgramOptions = Required<Omit<MemprofPluginOptions, 'original'>>;

/**
 * The whole rewrite of one file's tree, from its Program: the plugin's visitor, or the instrumenter
 * directly. `ledBy`: only comments can mark functions, in these subtrees (comment-marked.ts).
 */
export function instrumentProgram(
  program: NodePath<t.Program>,
  options: ProgramOptions,
  original: SourceMapLines | undefined,
  found: InstrumentedFunctions,
  ledBy?: NodePath[],
): void {
  const marked = original ? findCompiledMarkedFunctions(program, original) : findMarkedFunctions(program, options.all, ledBy);
  if (marked.length === 0) return;
  // Nodes printed anew: each function (or its `profile(...)` call) and each swapped decorator reference.
  const regions = outermost(marked.flatMap((fn) => (fn.marker?.kind === 'call' ? [fn.marker.node] : fn.marker?.kind === 'reference' ? [fn.path.node, fn.marker.path.parent] : [fn.path.node])));
  const registrations: t.Statement[] = [];
  // One registration per file the tables read from: compiled code (a bundle) may come from several.
  const files = [...new Set(marked.map((fn) => fn.file ?? options.filename))];
  for (const file of files) {
    const firstIndex = found.functions.length;
    const recordCache = program.scope.generateUidIdentifier('memprofRecord');
    const fileRecord = program.scope.generateUidIdentifier('memprofFile');
    const callFileRecord = () => t.callExpression(t.cloneNode(fileRecord), []);
    let index = 0;
    for (const fn of marked) {
      if ((fn.file ?? options.filename) !== file) continue;
      // Profiling every function (MEMPROF_INCLUDE), one nested in an earlier one may be gone: a
      // duplicate declaration its body dropped (the last one wins, as in the language). It never runs.
      if (!fn.path.node) continue;
      const lastLine = fn.lastLine ?? fn.path.node.loc?.end.line ?? fn.markerLine;
      found.functions.push({ name: fn.name, firstLine: fn.markerLine, lastLine, ...(fn.file ? { file } : {}) });
      swapMarker(fn, callFileRecord, index);
      instrumentFunctionBody(fn.path, { fileRecord: callFileRecord, index, firstLine: fn.markerLine, lineOf: fn.lineOf });
      index++;
    }
    registrations.push(...registration({ ...options, filename: file }, found.functions.slice(firstIndex), fileRecord, recordCache, program));
  }

  // Appended by the caller: the plugin to the tree (the other plugins of its pass see it), the
  // instrumenter to the text (splice.ts), which needs no paths made for the whole body.
  found.rewritten = { regions, registration: registrations };
}

/** The nodes not inside another one of the list, in source order. */
function outermost(nodes: t.Node[]): t.Node[] {
  const sorted = [...nodes].sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
  const kept: t.Node[] = [];
  for (const node of sorted) {
    const last = kept[kept.length - 1];
    if (last && node.start != null && last.end != null && node.start < last.end) continue;
    kept.push(node);
  }
  return kept;
}

/**
 * `profile(fn, opts)` -> `file().marker(i)(fn, opts)`; `@profile(opts)` -> `@(file().marker(i)(opts))`;
 * in compiled code, `__decorate([profile], ...)` -> `__decorate([file().marker(i)], ...)`.
 */
function swapMarker(fn: MarkedFunction, fileRecord: () => t.Expression, index: number): void {
  if (!fn.marker) return;
  const standIn = t.callExpression(t.memberExpression(fileRecord(), t.identifier('marker')), [t.numericLiteral(index)]);
  if (fn.marker.kind === 'reference') {
    fn.marker.path.replaceWith(standIn);
    return;
  }
  if (fn.marker.kind === 'call') {
    fn.marker.node.callee = standIn;
    return;
  }
  const decorator = fn.marker.node;
  decorator.expression = t.isCallExpression(decorator.expression)
    ? t.callExpression(standIn, decorator.expression.arguments)
    : standIn;
}

/**
 * The file's registration, as a hoisted function so that a profiled function declaration called
 * before the module body has run (hoisting, circular requires) still finds its record:
 *   var _memprofRecord;
 *   function _memprofFile() {
 *     return _memprofRecord || (_memprofRecord = require("/.../profiling.js").registerFile(file, [...]));
 *   }
 * ES modules get their `require` from createRequire(import.meta.url): an import binding, so it is
 * ready even before the module body runs.
 */
function registration(
  options: ProgramOptions,
  functions: InstrumentedFunctions['functions'],
  fileRecord: t.Identifier,
  recordCache: t.Identifier,
  program: NodePath<t.Program>,
): t.Statement[] {
  const statements: t.Statement[] = [];
  let requireFunction: t.Expression = t.identifier('require');
  if (options.moduleKind === 'esm') {
    const createRequire = program.scope.generateUidIdentifier('memprofCreateRequire');
    statements.push(
      t.importDeclaration([t.importSpecifier(createRequire, t.identifier('createRequire'))], t.stringLiteral('node:module')),
    );
    requireFunction = t.callExpression(t.cloneNode(createRequire), [
      t.memberExpression(t.metaProperty(t.identifier('import'), t.identifier('meta')), t.identifier('url')),
    ]);
  }
  const table = t.arrayExpression(
    functions.map((fn) =>
      t.arrayExpression([t.stringLiteral(fn.name), t.numericLiteral(fn.firstLine), t.numericLiteral(fn.lastLine)]),
    ),
  );
  const runtime = t.callExpression(requireFunction, [t.stringLiteral(options.runtime)]);
  const register = t.callExpression(t.memberExpression(runtime, t.identifier('registerFile')), [
    t.stringLiteral(options.filename),
    table,
  ]);
  statements.push(
    t.variableDeclaration('var', [t.variableDeclarator(t.cloneNode(recordCache))]),
    t.functionDeclaration(
      t.cloneNode(fileRecord),
      [],
      t.blockStatement([
        t.returnStatement(
          t.logicalExpression('||', t.cloneNode(recordCache), t.assignmentExpression('=', t.cloneNode(recordCache), register)),
        ),
      ]),
    ),
  );
  return statements;
}
