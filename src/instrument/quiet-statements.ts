// Statements that provably cannot allocate (nor throw): a memory sample before them can only read the
// same value as the next one, so the sampler counts their occurrence (`call.tick(line)`, no memory
// read) instead of sampling (`call.at(line)`). Half the statements of a typical numeric loop are such;
// skipping their reads halves its cost, and every figure stays what it is with every statement sampled.
//
// What is accepted, and why it is safe in V8 on 64-bit Node (no pointer compression: integers of 32
// bits are small integers, never boxed):
//   - `x = <int32>`, `x |= <cheap>` (also &= ^= <<= >>=), `let|const|var x = <int32>` where x is a
//     local variable of the profiled function (not a parameter, not const when assigned to), declared
//     before the statement in an enclosing block (no temporal dead zone), and
//   - <int32> is a small integer literal, an identifier copy of such a local or parameter (`x = y`), or
//     `a | b`, `a & b`, `a ^ b`, `a << b`, `a >> b`, `~a` on "numeric" operands: literals, and locals that
//     only ever hold numbers (every write to them is numeric, none from a nested function).
// `>>>` is not accepted (its result may exceed 32 bits and be boxed), nor `+` (may overflow to a boxed
// double), nor anything that calls, reads a property or converts an object.
import type { Binding, NodePath, Scope, Visitor } from '@babel/traverse';
import * as t from '@babel/types';
import type { ProfilableFunction } from './markers';

const INT32_OPERATORS = new Set(['|', '&', '^', '<<', '>>']);
const NUMERIC_OPERATORS = new Set(['-', '*', '/', '%', '**', '|', '&', '^', '<<', '>>', '>>>', '+']);
const INT32_ASSIGNMENTS = new Set(['|=', '&=', '^=', '<<=', '>>=']);
const NUMERIC_ASSIGNMENTS = new Set(['=', '+=', '-=', '*=', '/=', '%=', '**=', '|=', '&=', '^=', '<<=', '>>=', '>>>=']);
const SMALL = 2 ** 30;

/** The statements of `fn`'s own body (nested functions excluded) that get a tick, not a sample. */
export function quietStatements(fn: NodePath<ProfilableFunction>): WeakSet<t.Node> {
  const state: QuietState = { quiet: new WeakSet<t.Node>(), fn, numeric: numericLocals(fn) };
  fn.traverse(QUIET_VISITOR, state);
  return state.quiet;
}

interface QuietState {
  quiet: WeakSet<t.Node>;
  fn: NodePath<ProfilableFunction>;
  numeric: Set<Binding>;
}

/** Made once: Babel prepares a visitor object the first time it sees it (a cost per file otherwise). */
const QUIET_VISITOR: Visitor<QuietState> = {
  Function(nested) {
    nested.skip();
  },
  WithStatement(statement) {
    // Names inside a `with` body may resolve to the with-object's properties.
    statement.skip();
  },
  Statement(statement, { quiet, fn, numeric }) {
    if (isQuiet(statement, fn, numeric)) quiet.add(statement.node);
  },
};

function isQuiet(statement: NodePath<t.Statement>, fn: NodePath<ProfilableFunction>, numeric: Set<Binding>): boolean {
  const node = statement.node;
  if (t.isExpressionStatement(node)) {
    const expression = node.expression;
    if (!t.isAssignmentExpression(expression) || !t.isIdentifier(expression.left)) return false;
    const target = ownLocal(statement.scope, expression.left.name, fn);
    if (!target || target.kind === 'const' || !declaredBefore(target, statement)) return false;
    if (expression.operator === '=') return isInt32(expression.right, statement, fn, numeric) || isCopy(expression.right, statement, fn);
    return INT32_ASSIGNMENTS.has(expression.operator) && numeric.has(target) && isCheapNumeric(expression.right, statement, fn, numeric);
  }
  if (t.isVariableDeclaration(node) && !node.declare) {
    if (node.declarations.length === 0) return false;
    for (const declarator of node.declarations) {
      if (!t.isIdentifier(declarator.id) || !declarator.init) return false;
      if (!isInt32(declarator.init, statement, fn, numeric) && !isCopy(declarator.init, statement, fn)) return false;
    }
    return true;
  }
  return false;
}

/** A binding of the profiled function itself (its body's blocks), not of an enclosing scope. */
function ownLocal(scope: Scope, name: string, fn: NodePath<ProfilableFunction>): Binding | undefined {
  const binding = scope.getBinding(name);
  if (!binding || !isInside(binding.scope, fn.scope)) return undefined;
  if (binding.kind !== 'let' && binding.kind !== 'const' && binding.kind !== 'var') return undefined;
  return binding;
}

function isInside(scope: Scope, functionScope: Scope): boolean {
  for (let current: Scope | undefined = scope; current; current = current.parent) {
    if (current === functionScope) return true;
    if (current.path.isFunction()) return false;
  }
  return false;
}

/**
 * Declared before `statement` in a block that encloses it, so reading it cannot hit the temporal dead
 * zone: not in a `switch` (a case can run without the case that declares), and textually earlier.
 */
function declaredBefore(binding: Binding, statement: NodePath): boolean {
  if (binding.kind === 'var') return true;
  const declaration = binding.path;
  if (declaration.findParent((parent) => parent.isSwitchCase())) return false;
  const declaredAt = declaration.node.end ?? Infinity;
  const usedAt = statement.node.start ?? -Infinity;
  if (declaredAt > usedAt) return false;
  // The declaring block must enclose the statement.
  return descends(statement.scope, binding.scope);
}

function descends(scope: Scope, ancestor: Scope): boolean {
  for (let current: Scope | undefined = scope; current; current = current.parent) if (current === ancestor) return true;
  return false;
}

/** A value read that cannot throw or allocate: a parameter, or a local declared before the statement. */
function isCopy(expression: t.Expression, statement: NodePath, fn: NodePath<ProfilableFunction>): boolean {
  if (!t.isIdentifier(expression)) return false;
  const binding = statement.scope.getBinding(expression.name);
  if (!binding || !isInside(binding.scope, fn.scope)) return false;
  if (binding.kind === 'param') return true;
  return (binding.kind === 'let' || binding.kind === 'const' || binding.kind === 'var') && declaredBefore(binding, statement);
}

function isSmallInteger(expression: t.Expression): boolean {
  return t.isNumericLiteral(expression) && Number.isInteger(expression.value) && Math.abs(expression.value) < SMALL;
}

/** An operand that is a number without any conversion: a literal, or a numeric local read safely. */
function isCheapNumeric(expression: t.Expression, statement: NodePath, fn: NodePath<ProfilableFunction>, numeric: Set<Binding>): boolean {
  if (t.isNumericLiteral(expression)) return true;
  if (t.isIdentifier(expression)) {
    const binding = ownLocal(statement.scope, expression.name, fn);
    return !!binding && numeric.has(binding) && declaredBefore(binding, statement);
  }
  return isInt32(expression, statement, fn, numeric);
}

/** A 32-bit integer result, computed from numbers only: never boxed, never throws. */
function isInt32(expression: t.Expression, statement: NodePath, fn: NodePath<ProfilableFunction>, numeric: Set<Binding>): boolean {
  if (isSmallInteger(expression)) return true;
  if (t.isUnaryExpression(expression) && expression.operator === '~') return isCheapNumeric(expression.argument, statement, fn, numeric);
  if (t.isBinaryExpression(expression) && INT32_OPERATORS.has(expression.operator) && !t.isPrivateName(expression.left)) {
    return isCheapNumeric(expression.left, statement, fn, numeric) && isCheapNumeric(expression.right, statement, fn, numeric);
  }
  return false;
}

/**
 * The profiled function's own let/const/var locals that only ever hold numbers: initialised with a
 * numeric expression, and every write numeric, none from a nested function. The largest such set
 * (every candidate in, then out with any that breaks the rule) is sound: by induction on the order
 * the writes run, each one stores a number.
 */
function numericLocals(fn: NodePath<ProfilableFunction>): Set<Binding> {
  const candidates = new Set<Binding>();
  fn.traverse(CANDIDATES_VISITOR, { candidates, fn });
  let changed = true;
  while (changed) {
    changed = false;
    for (const binding of candidates) {
      if (!writesAreNumeric(binding, fn, candidates)) {
        candidates.delete(binding);
        changed = true;
      }
    }
  }
  return candidates;
}

const CANDIDATES_VISITOR: Visitor<{ candidates: Set<Binding>; fn: NodePath<ProfilableFunction> }> = {
  Function(nested) {
    nested.skip();
  },
  VariableDeclarator(declarator, { candidates, fn }) {
    if (!t.isIdentifier(declarator.node.id) || !declarator.node.init) return;
    const binding = declarator.scope.getBinding(declarator.node.id.name);
    if (binding && binding.path === declarator && isInside(binding.scope, fn.scope)) candidates.add(binding);
  },
};

function writesAreNumeric(binding: Binding, fn: NodePath<ProfilableFunction>, numeric: Set<Binding>): boolean {
  const declarator = binding.path.node;
  if (!t.isVariableDeclarator(declarator) || !declarator.init || !isNumericExpression(declarator.init, binding.path, numeric)) return false;
  // A for...in/for...of declaration takes keys or values, not its (absent) initialiser.
  if (binding.path.parentPath?.parentPath?.isForXStatement()) return false;
  for (const write of binding.constantViolations) {
    if (write.getFunctionParent() !== fn) return false;
    if (write.isUpdateExpression()) continue;
    if (write.isAssignmentExpression() && NUMERIC_ASSIGNMENTS.has(write.node.operator) && isNumericExpression(write.node.right, write, numeric)) continue;
    return false;
  }
  return true;
}

function isNumericExpression(expression: t.Expression, at: NodePath, numeric: Set<Binding>): boolean {
  if (t.isNumericLiteral(expression)) return true;
  if (t.isIdentifier(expression)) {
    const binding = at.scope.getBinding(expression.name);
    return !!binding && numeric.has(binding);
  }
  if (t.isUnaryExpression(expression) && (expression.operator === '-' || expression.operator === '+' || expression.operator === '~')) {
    return isNumericExpression(expression.argument, at, numeric);
  }
  if (t.isBinaryExpression(expression) && NUMERIC_OPERATORS.has(expression.operator) && !t.isPrivateName(expression.left)) {
    return isNumericExpression(expression.left, at, numeric) && isNumericExpression(expression.right, at, numeric);
  }
  if (t.isUpdateExpression(expression) && t.isIdentifier(expression.argument)) {
    const binding = at.scope.getBinding(expression.argument.name);
    return !!binding && numeric.has(binding);
  }
  return false;
}
