// The marked functions of compiled JavaScript, found through its source map. The markers are looked
// for in the original source (TypeScript, usually), where they are all still there: compilers drop
// comments (esbuild keeps no `/** @profile */`) and turn decorators into helper calls
// (`__decorate([profile], Store.prototype, "build", null)` from tsc's legacy decorators,
// `_build_decorators = [profile]` and `__esDecorate(...)` from its standard ones, esbuild's
// `__decorateClass` and `__decorateElement`). Each marked original function is then matched with the
// compiled function that starts on its line, and:
//   - a `profile(fn)` call is the compiled call around that function;
//   - a decorator is the compiled reference to `profile` that maps to the decorator's line, whatever
//     helper the compiler passes it to (the stand-in accepts every decorator calling convention);
//   - a comment needs nothing from the compiled code.
// A decorated method whose compiled decorator cannot be found is left alone: `profile` then measures
// it as a whole call, rather than measuring it twice.
import type { PluginObj } from '@babel/core';
import type { NodePath } from '@babel/traverse';
import * as t from '@babel/types';
import { findMarkedFunctions, isProfileReference, type MarkedFunction, type ProfilableFunction } from './markers';
import { mayContainMarkers } from './file-kinds';
import type { OriginalPosition, SourceMapLines } from './original-source';

/** A marked function of an original file, with what finds it in the compiled code. */
interface OriginalMarked {
  source: number;
  name: string;
  markerLine: number;
  lastLine: number;
  /** The line of the function's name (or its start, for one without a name). */
  headLine: number;
  kind: 'call' | 'decorator' | 'comment';
  simpleName: string | undefined;
}

/** The compiled code's marked functions, named and numbered as in the original sources. */
export function findCompiledMarkedFunctions(program: NodePath<t.Program>, lines: SourceMapLines): MarkedFunction[] {
  const originals = markedInOriginals(lines);
  if (originals.length === 0) return [];

  const functions: Array<{ path: NodePath<ProfilableFunction>; at: OriginalPosition }> = [];
  const references: Array<{ path: NodePath<t.Expression>; at: OriginalPosition }> = [];
  program.traverse({
    Function(path) {
      const head = headNode(path.node);
      const at = head && lines.exactPositionOf(head);
      if (at && isProfilable(path)) functions.push({ path: path as NodePath<ProfilableFunction>, at });
    },
    MemberExpression(path) {
      if (!isProfileReference(path)) return;
      const at = lines.positionOf(path.node.property);
      if (at) references.push({ path, at });
      path.skip();
    },
    Identifier(path) {
      if (!path.isReferencedIdentifier() || !isProfileReference(path)) return;
      const at = lines.positionOf(path.node);
      if (at) references.push({ path, at });
    },
  });

  const used = new Set<OriginalMarked>();
  const usedReferences = new Set<NodePath>();
  const marked: MarkedFunction[] = [];
  for (const compiled of functions) {
    const original = matchingOriginal(originals, compiled.at, compiled.path.node, used);
    if (!original) continue;
    let marker: MarkedFunction['marker'];
    if (original.kind === 'call') {
      const call = compiled.path.parentPath;
      if (!call.isCallExpression() || call.node.arguments[0] !== compiled.path.node || !isProfileReference(call.get('callee'))) continue;
      marker = { kind: 'call', node: call.node };
    } else if (original.kind === 'decorator') {
      const reference = references.find(
        (candidate) => !usedReferences.has(candidate.path) && candidate.at.source === original.source && candidate.at.line === original.markerLine,
      );
      if (!reference) continue;
      usedReferences.add(reference.path);
      marker = { kind: 'reference', path: reference.path };
    }
    used.add(original);
    marked.push({
      path: compiled.path,
      markerLine: original.markerLine,
      lastLine: original.lastLine,
      name: original.name,
      file: lines.original.files[original.source],
      lineOf: (node) => {
        const at = lines.positionOf(node);
        return at && at.source === original.source ? at.line : undefined;
      },
      marker,
    });
  }
  return marked;
}

function matchingOriginal(originals: OriginalMarked[], at: OriginalPosition, compiled: ProfilableFunction, used: Set<OriginalMarked>): OriginalMarked | undefined {
  const candidates = originals.filter((original) => !used.has(original) && original.source === at.source && original.headLine === at.line);
  if (candidates.length <= 1) return candidates[0];
  const name = simpleNameOf(compiled);
  return candidates.find((candidate) => candidate.simpleName === name) ?? candidates[0];
}

/** The marked functions of every original source that may have markers. */
function markedInOriginals(lines: SourceMapLines): OriginalMarked[] {
  const found: OriginalMarked[] = [];
  lines.original.contents.forEach((content, source) => {
    if (content === null || !mayContainMarkers(content)) return;
    const file = lines.original.files[source];
    const collect = (): PluginObj => ({
      visitor: {
        Program(program) {
          for (const fn of findMarkedFunctions(program)) {
            const headLine = headNode(fn.path.node)?.loc?.start.line;
            if (headLine === undefined) continue;
            found.push({
              source,
              name: fn.name,
              markerLine: fn.markerLine,
              lastLine: fn.path.node.loc?.end.line ?? fn.markerLine,
              headLine,
              kind: fn.marker?.kind === 'call' ? 'call' : fn.marker ? 'decorator' : 'comment',
              simpleName: simpleNameOf(fn.path.node),
            });
          }
        },
      },
    });
    try {
      (require('@babel/core') as typeof import('@babel/core')).transformSync(content, {
        filename: file,
        babelrc: false,
        configFile: false,
        code: false,
        ast: false,
        sourceType: 'unambiguous',
        parserOpts: { plugins: parserPluginsFor(file), allowReturnOutsideFunction: true },
        plugins: [collect],
      });
    } catch {
      // An original that does not parse (another language, a newer syntax): nothing found there.
    }
  });
  return found;
}

function parserPluginsFor(file: string): Array<'typescript' | 'jsx' | 'decorators-legacy'> {
  if (/\.[cm]?ts$/.test(file)) return ['typescript', 'decorators-legacy'];
  if (file.endsWith('.tsx')) return ['typescript', 'jsx', 'decorators-legacy'];
  return ['jsx', 'decorators-legacy'];
}

/** Where a function is looked up in the source map: its name, which compilers map, or its start. */
function headNode(node: t.Node): t.Node | undefined {
  if (t.isClassMethod(node) || t.isClassPrivateMethod(node) || t.isObjectMethod(node)) return node.key;
  if ((t.isFunctionDeclaration(node) || t.isFunctionExpression(node)) && node.id) return node.id;
  return node;
}

function simpleNameOf(node: t.Node): string | undefined {
  const head = headNode(node);
  if (t.isIdentifier(head)) return head.name;
  if (t.isPrivateName(head)) return `#${head.id.name}`;
  if (t.isStringLiteral(head)) return head.value;
  return undefined;
}

function isProfilable(path: NodePath<t.Function>): boolean {
  return (
    path.isFunctionDeclaration() ||
    path.isFunctionExpression() ||
    path.isArrowFunctionExpression() ||
    path.isObjectMethod() ||
    ((path.isClassMethod() || path.isClassPrivateMethod()) && path.node.kind !== 'constructor')
  );
}
