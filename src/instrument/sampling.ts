// Rewrites one profiled function's body so that a sample is taken before each statement:
//
//   function f(a) {                     function f(a) {
//     function helper() {}                function helper() {}          // hoisted, kept outside
//     const x = g(a);          ==>        const call = file().enter(0);
//     return x;                           try {
//   }                                       call.at(3); const x = g(a);
//                                           call.at(4); return x;
//                                         } catch (e) { call.threw(); throw e; }
//                                         finally { call.exit(); }
//                                       }
//
// `at(line)` closes the previous statement, so each statement's memory delta is charged to its own
// line whatever way control leaves it (return, throw, break, continue). Loop bodies end with
// `at(loopLine)` so the loop header's re-evaluation is charged to the loop line, and `await`/`yield`
// become `call.resume(await call.suspend(x))` so a suspended call is not charged for other tasks.
// Nested functions are other functions: their bodies are not touched.
import type { NodePath } from '@babel/traverse';
import * as t from '@babel/types';
import type { ProfilableFunction } from './markers';

export interface SamplingNames {
  /** Expression that yields the runtime's record for this file, e.g. `_memprofFile()`. */
  fileRecord: () => t.Expression;
  /** Index of the function in the file's registration table. */
  index: number;
  /** The table's first line (the marker's); it already counts the call, so it gets no extra sample. */
  firstLine: number;
}

export function instrumentFunctionBody(path: NodePath<ProfilableFunction>, names: SamplingNames): void {
  const call = path.scope.generateUidIdentifier('memprofCall');
  wrapSuspensionPoints(path, call);

  const fn = path.node;
  if (!t.isBlockStatement(fn.body)) {
    const returned = t.returnStatement(fn.body);
    returned.loc = fn.body.loc;
    fn.body = t.blockStatement([returned]);
  }
  const body = fn.body;
  const method = (name: string, args: t.Expression[] = []) =>
    t.expressionStatement(t.callExpression(t.memberExpression(call, t.identifier(name)), args));
  const enter = t.variableDeclaration('const', [
    t.variableDeclarator(
      call,
      t.callExpression(t.memberExpression(names.fileRecord(), t.identifier('enter')), [
        t.numericLiteral(names.index),
        ...(fn.generator ? [t.booleanLiteral(true)] : []),
      ]),
    ),
  ]);
  const statements = keepFunctionScoped(new StatementSampler(call).statements(body.body, names.firstLine));

  if (fn.generator) {
    // A generator can also end by return() from its consumer: only a catch tells a throw apart.
    const error = path.scope.generateUidIdentifier('memprofError');
    body.body = [
      enter,
      t.tryStatement(
        t.blockStatement(statements),
        t.catchClause(error, t.blockStatement([method('threw'), t.throwStatement(error)])),
        t.blockStatement([method('exit')]),
      ),
    ];
    return;
  }
  // Returns are marked (`return call.returned(x)`), so a call that ends unmarked threw. No catch and
  // rethrow: an uncaught error still points at the user's own throw.
  body.body = [enter, t.tryStatement(t.blockStatement([...statements, method('returned')]), null, t.blockStatement([method('exit')]))];
}

/**
 * The body moves into a try block, where a function declaration would become block-scoped and clash
 * with a `var` of the same name (legal at function level). Such declarations become
 * `var name = function name(...) {...}` at the top of the block: still function-scoped and initialised
 * before any statement runs, and still able to see the body's let/const/class.
 * One difference remains: inside such a function its own name is the function (as for any named
 * function expression), even if the body reassigns the outer variable.
 */
function keepFunctionScoped(statements: t.Statement[]): t.Statement[] {
  const declarations: t.Statement[] = [];
  const rest: t.Statement[] = [];
  for (const statement of statements) {
    if (!t.isFunctionDeclaration(statement) || !statement.id) {
      rest.push(statement);
      continue;
    }
    // Named, so that its name and toString() stay those of the declaration.
    const expression = t.functionExpression(t.identifier(statement.id.name), statement.params, statement.body, statement.generator, statement.async);
    expression.loc = statement.loc;
    expression.typeParameters = statement.typeParameters;
    expression.returnType = statement.returnType;
    const declaration = t.variableDeclaration('var', [t.variableDeclarator(statement.id, expression)]);
    declaration.loc = statement.loc;
    declaration.leadingComments = statement.leadingComments;
    declarations.push(declaration);
  }
  return [...declarations, ...rest];
}

/** Statements that run no code of their own get no sample. */
function isInert(statement: t.Statement): boolean {
  return (
    t.isFunctionDeclaration(statement) ||
    t.isEmptyStatement(statement) ||
    t.isBlockStatement(statement) ||
    t.isTSTypeAliasDeclaration(statement) ||
    t.isTSInterfaceDeclaration(statement) ||
    t.isTSDeclareFunction(statement) ||
    (t.isTSModuleDeclaration(statement) && !!statement.declare) ||
    (t.isVariableDeclaration(statement) && !!statement.declare) ||
    (t.isClassDeclaration(statement) && !!statement.declare)
  );
}

class StatementSampler {
  constructor(private readonly call: t.Identifier) {}

  private sample(line: number): t.Statement {
    return t.expressionStatement(t.callExpression(t.memberExpression(this.call, t.identifier('at')), [t.numericLiteral(line)]));
  }

  /**
   * Instruments a statement list (a block, a case's consequent, a function body). Statements on the
   * line already being sampled (the enclosing one-liner, or a previous simple statement) are one row
   * in the table and get no sample of their own, so "Occurrences" counts how often a line ran.
   */
  statements(list: t.Statement[], enclosingLine = -1): t.Statement[] {
    const out: t.Statement[] = [];
    let lastSampledLine = enclosingLine;
    for (const statement of list) {
      if (t.isReturnStatement(statement)) this.markReturn(statement);
      const line = statement.loc?.start.line;
      if (line !== undefined && !isInert(statement)) {
        if (line !== lastSampledLine && !samplesItself(statement)) out.push(this.sample(line));
        const compound = this.descend(statement, line);
        lastSampledLine = !compound || statement.loc?.end.line === line ? line : -1;
      } else {
        this.descend(statement, lastSampledLine);
        lastSampledLine = -1;
      }
      out.push(statement);
    }
    return out;
  }

  /** `return x` -> `return call.returned(x)`: the call is known to have returned, not thrown. */
  private markReturn(statement: t.ReturnStatement): void {
    const args = statement.argument ? [statement.argument] : [];
    statement.argument = t.callExpression(t.memberExpression(this.call, t.identifier('returned')), args);
  }

  /** Instruments the statements nested in a compound statement; returns whether it had any. */
  private descend(statement: t.Statement, line: number): boolean {
    if (t.isBlockStatement(statement)) {
      statement.body = this.statements(statement.body, line);
      return true;
    }
    if (t.isIfStatement(statement)) {
      statement.consequent = this.block(statement.consequent, line);
      if (statement.alternate) statement.alternate = this.block(statement.alternate, line);
      return true;
    }
    if (t.isLoop(statement)) {
      this.loop(statement, line);
      return true;
    }
    if (t.isLabeledStatement(statement)) {
      // Whatever is labeled (a loop, a block, a switch, an if, a try) is instrumented as it would be.
      if (t.isReturnStatement(statement.body)) this.markReturn(statement.body);
      return this.descend(statement.body, line);
    }
    if (t.isSwitchStatement(statement)) {
      for (const switchCase of statement.cases) switchCase.consequent = this.statements(switchCase.consequent, line);
      return true;
    }
    if (t.isTryStatement(statement)) {
      statement.block.body = this.statements(statement.block.body, line);
      if (statement.handler) statement.handler.body.body = this.statements(statement.handler.body.body, line);
      if (statement.finalizer) statement.finalizer.body = this.statements(statement.finalizer.body, line);
      return true;
    }
    // No samples inside `with`: the sampler's own variable would be looked up on the with-object.
    return false;
  }

  /** A branch or loop body as an instrumented block (`if (x) a();` becomes `if (x) { at(n); a(); }`). */
  private block(statement: t.Statement, line: number): t.BlockStatement {
    if (t.isBlockStatement(statement)) {
      statement.body = this.statements(statement.body, line);
      return statement;
    }
    const block = t.blockStatement(this.statements([statement], line));
    block.loc = statement.loc;
    return block;
  }

  private sampleExpression(line: number): t.Expression {
    return t.callExpression(t.memberExpression(this.call, t.identifier('at')), [t.numericLiteral(line)]);
  }

  /**
   * Each pass through the loop's header is a sample on the loop's line, placed where `continue`
   * cannot skip it: in the update of a `for`, in the test of a `while`/`do`, at the top of the body of
   * a `for...of`/`for...in` (whose iterator step is then charged to the line that ran before it).
   */
  private loop(loop: t.Loop, line: number): void {
    const body = this.block(loop.body, line);
    loop.body = body;
    if (line === -1) return;
    if (t.isForStatement(loop)) {
      loop.update = loop.update ? t.sequenceExpression([loop.update, this.sampleExpression(line)]) : this.sampleExpression(line);
    } else if (t.isWhileStatement(loop) || t.isDoWhileStatement(loop)) {
      loop.test = t.sequenceExpression([this.sampleExpression(line), loop.test]);
    } else {
      body.body.unshift(this.sample(line));
      if (t.isForOfStatement(loop) && loop.await) {
        // The implicit await of `for await`: what ran meanwhile belongs to other tasks.
        body.body.unshift(t.expressionStatement(t.callExpression(t.memberExpression(this.call, t.identifier('resume')), [])));
      }
    }
  }
}

/** A `while` samples in its own test, which also runs first: no sample before it. */
function samplesItself(statement: t.Statement): boolean {
  if (t.isLabeledStatement(statement)) return samplesItself(statement.body);
  return t.isWhileStatement(statement);
}

/** `await x` -> `call.resume(await call.suspend(x))`, and the same for `yield` / `yield*`. */
function wrapSuspensionPoints(path: NodePath<ProfilableFunction>, call: t.Identifier): void {
  const wrapped = new WeakSet<t.Node>();
  const wrap = (suspension: NodePath<t.AwaitExpression | t.YieldExpression>) => {
    const node = suspension.node;
    if (wrapped.has(node)) return;
    wrapped.add(node);
    const argument = node.argument ?? t.unaryExpression('void', t.numericLiteral(0));
    node.argument = t.callExpression(t.memberExpression(call, t.identifier('suspend')), [argument]);
    suspension.replaceWith(t.callExpression(t.memberExpression(call, t.identifier('resume')), [node]));
    suspension.skip();
  };
  path.traverse({
    Function(nested) {
      nested.skip();
    },
    AwaitExpression: wrap,
    YieldExpression: wrap,
  });
}
