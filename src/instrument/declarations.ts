// A profiled body moves into a `try` block, and a function declared directly in the body becomes a
// declaration in that block. It stays a real declaration, in place: hoisted to the top of the block
// (initialised before any statement runs, as at function level), able to see the body's let/const/
// class, reassignable by its own code (`function once() { once = ...; }`), with the same name,
// toString() and generator/async kind. What a block declaration does differently is fixed here:
//   - a `var` of the same name is legal at function level but a redeclaration in a block: such a
//     `var` becomes an assignment to the function's binding (which is what it was: one binding);
//   - several declarations of one name are legal at function level (the last one wins) but not in a
//     block in strict code, or for async functions and generators: only the last one is kept;
//   - in sloppy code, a function declared in a nested block also assigns the function-level binding
//     of its name when its declaration runs (Annex B.3.3); with the body in a block, that binding is
//     the block's, which Annex B does not reach: a small assignment after the nested declaration does
//     what Annex B did.
// One difference remains (see docs/line-profiling.md, "What memprof changes"): in a sloppy function with simple
// parameters, a nested declaration with a parameter's name no longer changes `arguments[i]`.
import type { NodePath } from '@babel/traverse';
import * as t from '@babel/types';
import type { ProfilableFunction } from './markers';

/**
 * Rewrites what must change so that the body's own function declarations keep their meaning inside
 * the try block. Returns statements to put first in that block (declarations it needs).
 */
export function keepDeclarationsInPlace(path: NodePath<ProfilableFunction>): t.Statement[] {
  const body = path.get('body');
  if (!body.isBlockStatement()) return [];
  const declared = topLevelFunctions(body);
  if (declared.size === 0) return [];

  const prelude: t.Statement[] = [];
  const otherVars = new Set<string>();
  const annexB: Array<NodePath<t.FunctionDeclaration>> = [];
  const sloppy = !path.isInStrictMode();
  const parameters = new Set(path.node.params.flatMap((param) => Object.keys(t.getBindingIdentifiers(param))));

  body.traverse({
    Function(nested) {
      if (sloppy && nested.isFunctionDeclaration() && isAnnexBCopy(nested, path, declared, parameters)) annexB.push(nested);
      nested.skip();
    },
    StaticBlock(block) {
      block.skip();
    },
    VariableDeclaration(declaration) {
      if (declaration.node.kind === 'var') varToAssignment(declaration, declared, otherVars);
    },
  });

  if (otherVars.size > 0) {
    prelude.push(t.variableDeclaration('var', [...otherVars].map((name) => t.variableDeclarator(t.identifier(name)))));
  }
  const setters = new Map<string, t.Identifier>();
  for (const nested of annexB) {
    const name = nested.node.id!.name;
    let setter = setters.get(name);
    if (!setter) {
      setter = path.scope.generateUidIdentifier(`memprofAssign_${name}`);
      setters.set(name, setter);
      const value = path.scope.generateUidIdentifier('value');
      prelude.push(
        t.functionDeclaration(
          setter,
          [value],
          t.blockStatement([t.expressionStatement(t.assignmentExpression('=', t.identifier(name), t.cloneNode(value)))]),
        ),
      );
    }
    nested.insertAfter(t.expressionStatement(t.callExpression(t.cloneNode(setter), [t.identifier(name)])));
  }
  return prelude;
}

/** The body's own function declarations by name; earlier declarations of a name are removed (the last wins). */
function topLevelFunctions(body: NodePath<t.BlockStatement>): Set<string> {
  const last = new Map<string, NodePath<t.FunctionDeclaration>>();
  const all: Array<NodePath<t.FunctionDeclaration>> = [];
  for (const statement of body.get('body')) {
    if (statement.isFunctionDeclaration() && statement.node.id) {
      last.set(statement.node.id.name, statement);
      all.push(statement);
    }
  }
  for (const declaration of all) {
    if (last.get(declaration.node.id!.name) !== declaration) declaration.remove();
  }
  return new Set(last.keys());
}

/**
 * `var name = value` -> `name = value` for a name the body declares as a function (other names of the
 * same declaration stay declared, by a `var` at the top of the block). In a for-in/of head the
 * variable becomes the assignment target; in a for head the initialisers become assignments.
 */
function varToAssignment(declaration: NodePath<t.VariableDeclaration>, functions: Set<string>, otherVars: Set<string>): void {
  const declarators = declaration.node.declarations;
  const binds = (declarator: t.VariableDeclarator) => Object.keys(t.getBindingIdentifiers(declarator.id)).some((name) => functions.has(name));
  if (!declarators.some(binds)) return;
  const keepOthers = (declarator: t.VariableDeclarator) => {
    for (const name of Object.keys(t.getBindingIdentifiers(declarator.id))) if (!functions.has(name)) otherVars.add(name);
  };
  const parent = declaration.parentPath;
  if ((parent.isForInStatement() || parent.isForOfStatement()) && declaration.key === 'left') {
    keepOthers(declarators[0]);
    declaration.replaceWith(declarators[0].id as t.LVal);
    return;
  }
  if (parent.isForStatement() && declaration.key === 'init') {
    declarators.forEach(keepOthers);
    const assignments = declarators.filter((d) => d.init).map((d) => t.assignmentExpression('=', d.id as t.LVal, d.init!));
    parent.node.init = assignments.length === 0 ? null : assignments.length === 1 ? assignments[0] : t.sequenceExpression(assignments);
    return;
  }
  const statements: t.Statement[] = [];
  let kept: t.VariableDeclarator[] = [];
  const flush = () => {
    if (kept.length > 0) statements.push(t.variableDeclaration('var', kept));
    kept = [];
  };
  for (const declarator of declarators) {
    if (!binds(declarator)) {
      kept.push(declarator);
      continue;
    }
    flush();
    keepOthers(declarator);
    if (declarator.init) statements.push(t.expressionStatement(t.assignmentExpression('=', declarator.id as t.LVal, declarator.init)));
  }
  flush();
  for (const statement of statements) statement.loc = declaration.node.loc;
  if (declaration.inList) {
    if (statements.length === 0) declaration.remove();
    else declaration.replaceWithMultiple(statements);
  } else {
    declaration.replaceWith(statements.length === 1 ? statements[0] : t.blockStatement(statements.length ? statements : [t.emptyStatement()]));
  }
}

/**
 * Does Annex B.3.3 make this nested declaration (sloppy code, in a block of the body) assign the
 * function-level binding of its name, which the body also declares as a function? It does when a
 * `var` of that name in its place would be legal: no let/const/class/function of the name in a block
 * between it and the body, and the name is not a parameter.
 */
function isAnnexBCopy(
  nested: NodePath<t.Function>,
  fn: NodePath<ProfilableFunction>,
  declared: Set<string>,
  parameters: Set<string>,
): boolean {
  if (!nested.isFunctionDeclaration() || !nested.node.id || nested.node.async || nested.node.generator) return false;
  const name = nested.node.id.name;
  if (!declared.has(name) || parameters.has(name)) return false;
  if (nested.parentPath === fn.get('body')) return false;
  for (let scope = nested.scope.parent; scope && scope !== fn.scope; scope = scope.parent) {
    const binding = scope.getOwnBinding(name);
    if (binding && binding.path.node !== nested.node) return false;
  }
  return true;
}
