// Finds the functions a program marks for profiling, in every form the user can write:
//   profile(function f() {...}) / profile(async () => ...) / export const f = profile(...)
//   @profile and @profile({...}) on class methods
//   a `/** @profile */` or `// @profile` comment right before a declaration, method or arrow
// `profile` counts as the marker when it is the global (unbound) or imported/required from 'memprof';
// a user's own function that happens to be called `profile` is left alone.
import type { NodePath, Visitor } from '@babel/traverse';
import * as t from '@babel/types';

export const PACKAGE_NAME = 'memprof';

export type ProfilableFunction = t.FunctionDeclaration | t.FunctionExpression | t.ArrowFunctionExpression | t.ObjectMethod | t.ClassMethod | t.ClassPrivateMethod;

export interface MarkedFunction {
  path: NodePath<ProfilableFunction>;
  /** First row of the table: the line of the decorator, the `profile(` call or the comment. */
  markerLine: number;
  name: string;
  /**
   * The expression to swap for the runtime stand-in; none for comment markers. In compiled code
   * (compiled-markers.ts), a decorator is a `reference` to `profile` passed to the compiler's helper.
   */
  marker?: { kind: 'call'; node: t.CallExpression } | { kind: 'decorator'; node: t.Decorator } | { kind: 'reference'; path: NodePath<t.Expression> };
  /** Compiled code only: the table's last line, its file, and each statement's line, in the original source. */
  lastLine?: number;
  file?: string;
  lineOf?: (node: t.Node) => number | undefined;
}

const PROFILE_TAG = /(?:^|[\s*])@profile(?![\w$-])/;

/**
 * The functions to profile in a file: those with a marker, or, with `all` (MEMPROF_INCLUDE), every
 * function with a body, marked or not (a marked one keeps its marker's line and options). `ledBy`:
 * the file can only mark with comments, and these are the subtrees its marker comments lead
 * (comment-marked.ts); only they are searched.
 */
export function findMarkedFunctions(program: NodePath<t.Program>, all = false, ledBy?: NodePath[]): MarkedFunction[] {
  const found = new Map<t.Node, MarkedFunction>();
  const add = (marked: MarkedFunction) => {
    if (!found.has(marked.path.node)) found.set(marked.path.node, marked);
  };
  const commentMarked = (path: NodePath) => addCommentMarked(path, add);

  if (ledBy && !all) {
    for (const root of ledBy) {
      commentMarked(root);
      root.traverse(COMMENT_MARKED_VISITOR, add);
    }
    return [...found.values()].sort((a, b) => (a.path.node.start ?? 0) - (b.path.node.start ?? 0)).filter(hasBody);
  }

  program.traverse({
    CallExpression(path) {
      if (!isProfileReference(path.get('callee'))) return;
      const target = path.get('arguments')[0];
      if (!target || !(target.isFunctionExpression() || target.isArrowFunctionExpression())) return;
      add({
        path: target as NodePath<ProfilableFunction>,
        markerLine: lineOf(path.node),
        name: functionName(target as NodePath<ProfilableFunction>, path),
        marker: { kind: 'call', node: path.node },
      });
    },
    Decorator(path) {
      const expression = path.get('expression');
      const isMarker =
        isProfileReference(expression) || (expression.isCallExpression() && isProfileReference(expression.get('callee')));
      const method = path.parentPath;
      if (!isMarker || !(method.isClassMethod() || method.isClassPrivateMethod())) return;
      if (method.node.kind === 'constructor') return;
      add({
        path: method as NodePath<ProfilableFunction>,
        markerLine: lineOf(path.node),
        name: functionName(method as NodePath<ProfilableFunction>),
        marker: { kind: 'decorator', node: path.node },
      });
    },
    Function: commentMarked,
  });
  // Everything else, after the markers (so that a marked function keeps its marker's line).
  if (all) {
    program.traverse({
      Function(path) {
        if (!isProfilable(path)) return;
        if (path.node.loc === null || path.node.loc === undefined) return;
        add({ path, markerLine: lineOf(path.node), name: functionName(path) });
      },
    });
  }

  return [...found.values()].filter(hasBody);
}

function addCommentMarked(path: NodePath, add: (marked: MarkedFunction) => void): void {
  if (!isProfilable(path)) return;
  const commentLine = profileCommentLine(path);
  if (commentLine !== undefined) add({ path, markerLine: commentLine, name: functionName(path) });
}

/** Made once: Babel prepares a visitor object the first time it sees it (a cost per file otherwise). */
const COMMENT_MARKED_VISITOR: Visitor<(marked: MarkedFunction) => void> = {
  Function(path, add) {
    addCommentMarked(path, add);
  },
};

function isProfilable(path: NodePath): path is NodePath<ProfilableFunction> {
  return path.isFunctionDeclaration() || path.isFunctionExpression() || path.isArrowFunctionExpression() || path.isObjectMethod() || path.isClassMethod() || path.isClassPrivateMethod();
}

function hasBody(marked: MarkedFunction): boolean {
  return t.isBlockStatement(marked.path.node.body) || t.isExpression(marked.path.node.body);
}

/** Is this expression memprof's `profile` (global, imported, required, or `memprof.profile`)? */
export function isProfileReference(path: NodePath): boolean {
  // `(0, memprof_1.profile)(...)`: how compilers call an imported function without a `this`.
  if (path.isSequenceExpression()) {
    const expressions = path.get('expressions');
    return expressions.length === 2 && expressions[0].isNumericLiteral() && isProfileReference(expressions[1]);
  }
  if (path.isIdentifier()) {
    const binding = path.scope.getBinding(path.node.name);
    if (!binding) return path.node.name === 'profile';
    const declaration = binding.path;
    if (declaration.isImportSpecifier()) {
      const imported = declaration.node.imported;
      const importedName = t.isIdentifier(imported) ? imported.name : imported.value;
      return importedName === 'profile' && importsMemprof(declaration.parentPath);
    }
    if (declaration.isVariableDeclarator()) {
      const { id, init } = declaration.node;
      // const { profile } = require('memprof')  /  const { profile: p } = require('memprof')
      if (t.isObjectPattern(id) && isRequireOfMemprof(init)) {
        return id.properties.some(
          (property) =>
            t.isObjectProperty(property) &&
            t.isIdentifier(property.key, { name: 'profile' }) &&
            t.isIdentifier(property.value, { name: path.node.name }),
        );
      }
      // const p = require('memprof').profile
      return t.isMemberExpression(init) && isRequireOfMemprof(init.object) && t.isIdentifier(init.property, { name: 'profile' });
    }
    return false;
  }
  if (path.isMemberExpression() && !path.node.computed && t.isIdentifier(path.node.property, { name: 'profile' })) {
    const object = path.get('object');
    if (!object.isIdentifier()) return isRequireOfMemprof(object.node);
    const binding = object.scope.getBinding(object.node.name);
    if (!binding) return false;
    const declaration = binding.path;
    if (declaration.isImportNamespaceSpecifier() || declaration.isImportDefaultSpecifier()) {
      return importsMemprof(declaration.parentPath);
    }
    return declaration.isVariableDeclarator() && t.isIdentifier(declaration.node.id) && isRequireOfMemprof(declaration.node.init);
  }
  return false;
}

function importsMemprof(path: NodePath | null): boolean {
  return !!path && path.isImportDeclaration() && path.node.source.value === PACKAGE_NAME;
}

/** Module interop helpers of compilers: `__importStar(require('memprof'))`, `__toESM(require(...))`. */
const INTEROP_HELPER = /^_*(?:importStar|importDefault|toESM|interopRequireWildcard|interopRequireDefault)$/;

function isRequireOfMemprof(node: t.Node | null | undefined): boolean {
  if (t.isCallExpression(node) && node.arguments.length >= 1) {
    const callee = t.isMemberExpression(node.callee) ? node.callee.property : node.callee;
    if (t.isIdentifier(callee) && INTEROP_HELPER.test(callee.name)) return isRequireOfMemprof(node.arguments[0]);
  }
  return (
    t.isCallExpression(node) &&
    t.isIdentifier(node.callee, { name: 'require' }) &&
    node.arguments.length === 1 &&
    t.isStringLiteral(node.arguments[0], { value: PACKAGE_NAME })
  );
}

/**
 * Line of a `@profile` comment attached to the function or to the statement that declares it
 * (`export function`, `const f = () =>`, `export const f = ...`, `key: function () {}`, class fields).
 */
function profileCommentLine(path: NodePath): number | undefined {
  const candidates: t.Node[] = [path.node];
  let current: NodePath | null = path.parentPath;
  while (current) {
    if (
      current.isVariableDeclarator() ||
      current.isVariableDeclaration() ||
      current.isExportNamedDeclaration() ||
      current.isExportDefaultDeclaration() ||
      current.isObjectProperty() ||
      current.isClassProperty() ||
      current.isClassPrivateProperty() ||
      current.isAssignmentExpression() ||
      current.isExpressionStatement()
    ) {
      candidates.push(current.node);
      current = current.parentPath;
      continue;
    }
    break;
  }
  const code = (path.hub as { getCode?: () => string | undefined } | undefined)?.getCode?.() ?? '';
  for (const node of candidates) {
    const comment = node.leadingComments?.findLast((c) => PROFILE_TAG.test(c.value) && ownsNext(c, node, code));
    if (comment?.loc) return comment.loc.start.line;
  }
  return overloadCommentLine(candidates[candidates.length - 1] === path.node ? path : (path.parentPath as NodePath), path, code);
}

/**
 * A comment that follows code on its line (`x = 1; // @profile`) belongs to that code, not to the
 * declaration on the lines below it; one on the declaration's own line (`{ /** @profile *\/ m() {} }`)
 * is the declaration's.
 */
function ownsNext(comment: t.Comment, node: t.Node, code: string): boolean {
  return comment.loc?.end.line === node.loc?.start.line || startsItsLine(comment, code);
}

function startsItsLine(comment: t.Comment, code: string): boolean {
  if (code === '' || comment.start == null) return true;
  for (let index = comment.start - 1; index >= 0 && code[index] !== '\n'; index--) {
    if (code[index] !== ' ' && code[index] !== '\t' && code[index] !== '\r') return false;
  }
  return true;
}

/**
 * TypeScript puts the doc comment on the first overload signature: `/** @profile *\/ function f(a:
 * string): string; function f(a: number): number; function f(a: any) {...}`. The marker then belongs
 * to the implementation.
 */
function overloadCommentLine(statement: NodePath, fn: NodePath, code: string): number | undefined {
  const node = fn.node;
  const name =
    t.isFunctionDeclaration(node) && node.id
      ? node.id.name
      : (t.isClassMethod(node) || t.isClassPrivateMethod(node)) && !node.computed
        ? keyName(node.key, false)
        : undefined;
  if (!name || !statement.inList) return undefined;
  const siblings = statement.getAllPrevSiblings(); // nearest first
  let line: number | undefined;
  for (const sibling of siblings) {
    const declared = sibling.isExportNamedDeclaration() ? sibling.get('declaration') : sibling;
    const signature = declared.node;
    const same =
      (t.isTSDeclareFunction(signature) && signature.id?.name === name) ||
      (t.isTSDeclareMethod(signature) && !signature.computed && keyName(signature.key, false) === name);
    if (!same) break;
    for (const holder of [sibling.node, signature]) {
      const comment = holder?.leadingComments?.findLast((c) => PROFILE_TAG.test(c.value) && ownsNext(c, holder, code));
      if (comment?.loc) line = comment.loc.start.line;
    }
  }
  return line;
}

function lineOf(node: t.Node): number {
  return node.loc?.start.line ?? 0;
}

/** A readable name for tables: `f`, `Class.method`, `obj.key`, or `(anonymous)` plus its line. */
function functionName(path: NodePath<ProfilableFunction>, markerCall?: NodePath): string {
  const node = path.node;
  if ((t.isFunctionDeclaration(node) || t.isFunctionExpression(node)) && node.id) return node.id.name;
  if (t.isClassMethod(node) || t.isClassPrivateMethod(node)) {
    const classPath = path.findParent((p) => p.isClass()) as NodePath<t.Class> | null;
    const className = classPath?.node.id?.name;
    const key = t.isPrivateName(node.key) ? `#${node.key.id.name}` : keyName(node.key, !!node.computed);
    return className ? `${className}.${key}` : key;
  }
  if (t.isObjectMethod(node)) return keyName(node.key, node.computed);
  // Arrows and anonymous functions take the name of what they are assigned to.
  let parent = (markerCall ?? path).parentPath;
  while (parent && (parent.isCallExpression() || parent.isTSAsExpression() || parent.isParenthesizedExpression())) {
    parent = parent.parentPath;
  }
  if (parent?.isVariableDeclarator() && t.isIdentifier(parent.node.id)) return parent.node.id.name;
  if (parent?.isObjectProperty() || parent?.isClassProperty()) return keyName(parent.node.key as t.Expression, !!parent.node.computed);
  if (parent?.isAssignmentExpression() && t.isMemberExpression(parent.node.left) && !parent.node.left.computed && t.isIdentifier(parent.node.left.property)) {
    return parent.node.left.property.name;
  }
  return `(anonymous, line ${lineOf(node)})`;
}

function keyName(key: t.Node, computed: boolean): string {
  if (!computed && t.isIdentifier(key)) return key.name;
  if (t.isStringLiteral(key) || t.isNumericLiteral(key)) return String(key.value);
  // [Symbol.iterator], [KEY]: shown as written.
  if (t.isIdentifier(key)) return `[${key.name}]`;
  if (t.isMemberExpression(key) && !key.computed && t.isIdentifier(key.object) && t.isIdentifier(key.property)) {
    return `[${key.object.name}.${key.property.name}]`;
  }
  return '[computed]';
}
