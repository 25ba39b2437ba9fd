// The Babel plugin: finds marked functions, instruments their bodies, swaps each marker for a runtime
// stand-in and registers the file's profiled functions with the runtime. It does all of this on
// Program entry, in its own traversal, so that the other plugins of the same pass (TypeScript,
// decorators, modules) see the instrumented tree, whatever order Babel merges visitors in.
import type { NodePath, PluginObj } from '@babel/core';
import * as t from '@babel/types';
import { findMarkedFunctions, type MarkedFunction } from './markers';
import { instrumentFunctionBody } from './sampling';

export interface MemprofPluginOptions {
  /** Module specifier of memprof's runtime, as the instrumented file should load it. */
  runtime: string;
  /** 'commonjs' loads the runtime with require(), 'esm' with a static import. */
  moduleKind: 'commonjs' | 'esm';
  /** File name shown in tables (absolute path). */
  filename: string;
}

/** Filled in by the plugin, read by the instrumenter once Babel is done. */
export interface PluginReport {
  functions: Array<{ name: string; firstLine: number; lastLine: number }>;
}

export function memprofPlugin(options: MemprofPluginOptions, report: PluginReport): () => PluginObj {
  return () => ({
    name: 'memprof',
    visitor: {
      Program(program) {
        instrumentProgram(program, options, report);
      },
    },
  });
}

function instrumentProgram(program: NodePath<t.Program>, options: MemprofPluginOptions, report: PluginReport): void {
  const marked = findMarkedFunctions(program);
  if (marked.length === 0) return;

  const recordCache = program.scope.generateUidIdentifier('memprofRecord');
  const fileRecord = program.scope.generateUidIdentifier('memprofFile');
  const callFileRecord = () => t.callExpression(t.cloneNode(fileRecord), []);

  marked.forEach((fn, index) => {
    const lastLine = fn.path.node.loc?.end.line ?? fn.markerLine;
    report.functions.push({ name: fn.name, firstLine: fn.markerLine, lastLine });
    swapMarker(fn, callFileRecord, index);
    instrumentFunctionBody(fn.path, { fileRecord: callFileRecord, index, firstLine: fn.markerLine });
  });

  program.unshiftContainer('body', registration(options, report, fileRecord, recordCache));
}

/** `profile(fn, opts)` -> `file().marker(i)(fn, opts)`; `@profile(opts)` -> `@(file().marker(i)(opts))`. */
function swapMarker(fn: MarkedFunction, fileRecord: () => t.Expression, index: number): void {
  if (!fn.marker) return;
  const standIn = t.callExpression(t.memberExpression(fileRecord(), t.identifier('marker')), [t.numericLiteral(index)]);
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
 *     return _memprofRecord || (_memprofRecord = require("memprof/runtime").registerFile(file, [...]));
 *   }
 */
function registration(
  options: MemprofPluginOptions,
  report: PluginReport,
  fileRecord: t.Identifier,
  recordCache: t.Identifier,
): t.Statement[] {
  const runtime =
    options.moduleKind === 'esm'
      ? t.identifier('__memprofRuntime')
      : t.callExpression(t.identifier('require'), [t.stringLiteral(options.runtime)]);
  const table = t.arrayExpression(
    report.functions.map((fn) =>
      t.arrayExpression([t.stringLiteral(fn.name), t.numericLiteral(fn.firstLine), t.numericLiteral(fn.lastLine)]),
    ),
  );
  const register = t.callExpression(t.memberExpression(runtime, t.identifier('registerFile')), [
    t.stringLiteral(options.filename),
    table,
  ]);
  const statements: t.Statement[] = [
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
  ];
  if (options.moduleKind === 'esm') {
    statements.unshift(
      // The runtime is CommonJS: its default export is its module.exports.
      t.importDeclaration([t.importDefaultSpecifier(t.identifier('__memprofRuntime'))], t.stringLiteral(options.runtime)),
    );
  }
  return statements;
}
