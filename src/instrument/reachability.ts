// Which statements can never complete normally (they always return, throw, break or continue), so
// that the instrumenter inserts no code where it could never run: an unreachable inserted statement
// is an uncovered statement in the user's coverage report. The answers are conservative: "false"
// whenever in doubt, since code that may run must be inserted.
import * as t from '@babel/types';

/** Does control never reach the statement after this one (it always jumps or throws out)? */
export function neverCompletesNormally(statement: t.Statement): boolean {
  switch (statement.type) {
    case 'ReturnStatement':
    case 'ThrowStatement':
    case 'BreakStatement':
    case 'ContinueStatement':
      return true;
    case 'BlockStatement':
      return listNeverCompletesNormally(statement.body);
    case 'IfStatement':
      return !!statement.alternate && neverCompletesNormally(statement.consequent) && neverCompletesNormally(statement.alternate);
    case 'TryStatement': {
      if (statement.finalizer && neverCompletesNormally(statement.finalizer)) return true;
      const blockLeaves = neverCompletesNormally(statement.block);
      return blockLeaves && (!statement.handler || neverCompletesNormally(statement.handler.body));
    }
    case 'LabeledStatement':
      // A labelled loop or switch also counts `break label` as its own (see noteLabels).
      return neverCompletesNormally(statement.body) && !breaksTo(statement.body, statement.label.name, false);
    case 'ForStatement':
    case 'WhileStatement':
      // `for (;;)` / `while (true)` end only through a break that targets them.
      return isAlwaysTrue(statement.test) && !breaksTo(statement.body, labelOf(statement), true);
    case 'DoWhileStatement':
      return isAlwaysTrue(statement.test) && !breaksTo(statement.body, labelOf(statement), true);
    case 'SwitchStatement': {
      const last = statement.cases[statement.cases.length - 1];
      return (
        statement.cases.some((switchCase) => switchCase.test === null) &&
        !!last &&
        listNeverCompletesNormally(last.consequent) &&
        !statement.cases.some((switchCase) => switchCase.consequent.some((s) => breaksTo(s, labelOf(statement), true)))
      );
    }
    default:
      return false;
  }
}

export function listNeverCompletesNormally(statements: t.Statement[]): boolean {
  return statements.some(neverCompletesNormally);
}

/** Can the statement after this loop's body (its update or test) run: does the body end or continue? */
export function loopBodyCanRepeat(loop: t.Loop): boolean {
  return !neverCompletesNormally(loop.body) || continuesTo(loop.body, labelOf(loop));
}

function isAlwaysTrue(test: t.Expression | null | undefined): boolean {
  return test == null || (t.isBooleanLiteral(test) && test.value) || (t.isNumericLiteral(test) && test.value !== 0);
}

/** The label of a labelled statement whose body is this node (loops and switches only need it). */
const labels = new WeakMap<t.Node, string>();
function labelOf(statement: t.Statement): string | undefined {
  return labels.get(statement);
}

/** Remembers which loops and switches are labelled, before asking about them. */
export function noteLabels(root: t.Node): void {
  t.traverseFast(root, (node) => {
    if (t.isLabeledStatement(node)) labels.set(node.body, node.label.name);
  });
}

/**
 * Is there a `break` in `node` that leaves the statement it belongs to: `break label`, or (when
 * `unlabelled`) a plain `break` not inside a nested loop or switch? Nested functions are not looked into.
 */
function breaksTo(node: t.Node, label: string | undefined, unlabelled: boolean): boolean {
  return jumpsTo(node, 'BreakStatement', label, unlabelled);
}

function continuesTo(node: t.Node, label: string | undefined): boolean {
  return jumpsTo(node, 'ContinueStatement', label, true);
}

function jumpsTo(node: t.Node, type: 'BreakStatement' | 'ContinueStatement', label: string | undefined, unlabelled: boolean): boolean {
  let found = false;
  const visit = (current: t.Node, nestedTarget: boolean): void => {
    if (found || t.isFunction(current) || t.isClass(current)) return;
    if (current.type === type) {
      const jump = current as t.BreakStatement | t.ContinueStatement;
      if (jump.label ? jump.label.name === label : unlabelled && !nestedTarget) found = true;
      return;
    }
    const nested = nestedTarget || t.isLoop(current) || (type === 'BreakStatement' && t.isSwitchStatement(current));
    for (const key of t.VISITOR_KEYS[current.type] ?? []) {
      const child = (current as unknown as Record<string, unknown>)[key];
      if (Array.isArray(child)) for (const item of child) item && visit(item as t.Node, nested);
      else if (child && typeof child === 'object') visit(child as t.Node, nested);
    }
  };
  visit(node, false);
  return found;
}
