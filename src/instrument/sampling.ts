// Rewrites one profiled function's body so that a sample is taken before each statement:
//
//   function f(a) {                     function f(a) {
//     const x = g(a);          ==>        const call = file().enter(0);
//     function helper() {}                try {
//     return x;                             call.at(3); const x = g(a);
//   }                                       function helper() {}          // stays a declaration
//                                           call.at(5); return call.returned(x);
//                                         } finally { call.exit(); }
//                                       }
//
// `at(line)` closes the previous statement, so each statement's memory delta is charged to its own
// line whatever way control leaves it (return, throw, break, continue). Each pass through a loop's
// header is a sample on the loop's line, so the header's re-evaluation (test, update, the next
// iterator step) is charged to the loop line, and `await`/`yield` become
// `call.resume(await call.suspend(x))` so a suspended call is not charged for other tasks.
// Nothing is inserted where it could never run (after a statement that always returns or throws),
// so coverage tools see no extra uncovered code. Nested functions are other functions: their bodies
// are not touched (declarations.ts keeps the body's own function declarations what they were).
import type { NodePath } from '@babel/traverse';
import * as t from '@babel/types';
import type { ProfilableFunction } from './markers';
import { keepDeclarationsInPlace } from './declarations';
import { listNeverCompletesNormally, loopBodyCanRepeat, neverCompletesNormally, noteLabels } from './reachability';
import { quietStatements } from './quiet-statements';

export interface SamplingNames {
  /** Expression that yields the runtime's record for this file, e.g. `_memprofFile()`. */
  fileRecord: () => t.Expression;
  /** Index of the function in the file's registration table. */
  index: number;
  /** The table's first line (the marker's); it already counts the call, so it gets no extra sample. */
  firstLine: number;
  /**
   * Count, without a memory read, the statements that provably cannot allocate (quiet-statements.ts).
   * Default true; MEMPROF_SAMPLE_ALL=1 samples every statement (to compare both).
   */
  skipQuiet?: boolean;
  /** The table line of a statement: by default its own; in compiled code, its original one. */
  lineOf?: (node: t.Node) => number | undefined;
}

export function instrumentFunctionBody(path: NodePath<ProfilableFunction>, names: SamplingNames): void {
  const call = path.scope.generateUidIdentifier('memprofCall');
  // Decided on the untouched body: the rewrite below adds calls to every statement list.
  const quiet = (names.skipQuiet ?? process.env.MEMPROF_SAMPLE_ALL !== '1') ? quietStatements(path) : new WeakSet<t.Node>();
  wrapSuspensionPoints(path, call);
  const prelude = keepDeclarationsInPlace(path);

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
  noteLabels(body);
  // Whether the end of the body can be reached: only then does falling off it need marking.
  const fallsThrough = !listNeverCompletesNormally(body.body);
  const statements = [...prelude, ...new StatementSampler(call, names.lineOf ?? startLine, quiet).statements(body.body, names.firstLine)];

  if (fn.generator) {
    // A generator can also end by return() from its consumer: only a catch tells a throw apart.
    const error = path.scope.generateUidIdentifier('memprofError');
    body.body = [
      enter,
      t.tryStatement(
        t.blockStatement([...statements, onClosingLine(body)]),
        t.catchClause(error, t.blockStatement([method('threw'), t.throwStatement(error)])),
        t.blockStatement([method('exit')]),
      ),
    ];
    return;
  }
  // Returns are marked (`return call.returned(x)`), so a call that ends unmarked threw. No catch and
  // rethrow: an uncaught error still points at the user's own throw.
  const tryBlock = t.blockStatement([...statements, ...(fallsThrough ? [method('returned')] : []), onClosingLine(body)]);
  body.body = [enter, t.tryStatement(tryBlock, null, t.blockStatement([method('exit')]))];
}

/**
 * An empty statement placed on the line of the function's closing brace, so that what ends the try
 * block (`} finally { call.exit(); }`) is printed there rather than after the last statement: the
 * source line Node prints above an uncaught error thrown by that statement is then the user's alone.
 * It runs no code (no bytecode, nothing for coverage to count).
 */
function onClosingLine(body: t.BlockStatement): t.Statement {
  const empty = t.emptyStatement();
  const end = body.loc?.end;
  if (end) {
    const at = { line: end.line, column: Math.max(0, end.column - 1), index: Math.max(0, end.index - 1) };
    empty.loc = { start: at, end: at, filename: body.loc!.filename, identifierName: undefined };
  }
  return empty;
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

function startLine(node: t.Node): number | undefined {
  return node.loc?.start.line;
}

class StatementSampler {
  constructor(
    private readonly call: t.Identifier,
    private readonly lineOf: (node: t.Node) => number | undefined,
    private readonly quiet: WeakSet<t.Node>,
  ) {}

  /** The loops the statements being instrumented are in, innermost last: where a `continue` goes. */
  private readonly loops: EnclosingLoop[] = [];
  /** The labels of a labelled statement (`a: b: for ...` gives the loop both). */
  private readonly labels = new WeakMap<t.Statement, string[]>();

  /** `call.suspend();`, `call.resume();`: a call of the runtime's with no argument. */
  private callStatement(method: 'suspend' | 'resume'): t.Statement {
    return t.expressionStatement(t.callExpression(t.memberExpression(this.call, t.identifier(method)), []));
  }

  private sample(line: number): t.Statement {
    return t.expressionStatement(t.callExpression(t.memberExpression(this.call, t.identifier('at')), [t.numericLiteral(line)]));
  }

  /** A statement that cannot allocate: its occurrence is counted, memory is not read. */
  private tick(line: number): t.Statement {
    return t.expressionStatement(t.callExpression(t.memberExpression(this.call, t.identifier('tick')), [t.numericLiteral(line)]));
  }

  /**
   * Quiet, and so is every statement after it on the same line: they are one row of the table, and
   * whatever the row's first statement does not sample is charged to the line sampled before it.
   */
  private quietRow(list: t.Statement[], index: number, line: number): boolean {
    for (let next = index; next < list.length; next++) {
      const statement = list[next];
      if (next > index && this.lineOf(statement) !== line) return true;
      if (!this.quiet.has(statement) || statement.loc?.end.line !== statement.loc?.start.line) return false;
    }
    return true;
  }

  /**
   * Instruments a statement list (a block, a case's consequent, a function body). Statements on the
   * line already being sampled (the enclosing one-liner, or a previous simple statement) are one row
   * in the table and get no sample of their own, so "Occurrences" counts how often a line ran.
   */
  statements(list: t.Statement[], enclosingLine = -1): t.Statement[] {
    const out: t.Statement[] = [];
    let lastSampledLine = enclosingLine;
    // After a statement that always jumps away, nothing runs: a sample there would never run either.
    let reachable = true;
    for (let index = 0; index < list.length; index++) {
      const statement = list[index];
      if (!reachable) {
        out.push(statement);
        continue;
      }
      if (t.isReturnStatement(statement)) this.markReturn(statement);
      // Asked of the statement as written: once instrumented, `while (true)` tests `(at(n), true)`.
      const jumpsAway = neverCompletesNormally(statement);
      const line = this.lineOf(statement);
      if (line !== undefined && !isInert(statement)) {
        if (line !== lastSampledLine && !samplesItself(statement)) out.push(this.quietRow(list, index, line) ? this.tick(line) : this.sample(line));
        if (suspendsBeforeLoop(statement)) out.push(this.callStatement('suspend'));
        const compound = this.descend(statement, line);
        lastSampledLine = !compound || statement.loc?.start.line === statement.loc?.end.line ? line : -1;
      } else {
        this.descend(statement, lastSampledLine);
        lastSampledLine = -1;
      }
      // After the continue's own sample: the loop's next step is the loop line's.
      if (t.isContinueStatement(statement)) out.push(...(this.continued(statement)?.beforeStep?.() ?? []));
      out.push(statement);
      // A `for await` that runs out leaves the call suspended (its last step waited): it runs again
      // from here, also when what follows on the line has no sample of its own.
      if (!jumpsAway && isForAwait(statement)) out.push(this.callStatement('resume'));
      if (jumpsAway) reachable = false;
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
      statement.consequent = this.branch(statement.consequent, line);
      if (statement.alternate) statement.alternate = this.branch(statement.alternate, line);
      return true;
    }
    if (t.isLoop(statement)) {
      this.loop(statement, line);
      return true;
    }
    if (t.isLabeledStatement(statement)) {
      // Whatever is labeled (a loop, a block, a switch, an if, a try) is instrumented as it would be.
      if (t.isReturnStatement(statement.body)) this.markReturn(statement.body);
      this.labels.set(statement.body, [...(this.labels.get(statement) ?? []), statement.label.name]);
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
    // No location of its own: the brace and the sample go at the end of the line before, so that the
    // statement keeps its column.
    return t.blockStatement(this.statements([statement], line));
  }

  /** A branch: wrapped in a block only when a sample goes before it (`if (x) return y;` stays as it is). */
  private branch(statement: t.Statement, line: number): t.Statement {
    if (t.isBlockStatement(statement)) return this.block(statement, line);
    const instrumented = this.statements([statement], line);
    return instrumented.length === 1 && instrumented[0] === statement ? statement : t.blockStatement(instrumented);
  }

  private sampleExpression(line: number): t.Expression {
    return t.callExpression(t.memberExpression(this.call, t.identifier('at')), [t.numericLiteral(line)]);
  }

  /**
   * Each pass through the loop's header is a sample on the loop's line, placed where `continue`
   * cannot skip it: before the update of a `for`, in the test of a `while`/`do`; for a
   * `for...of`/`for...in`, whose next iterator step runs before the body, at the end of the body and
   * before each `continue` to it (and at the first step, the sample before the loop). A `for await`
   * step awaits: the call is suspended from there to the top of the body, as at an `await`; also at
   * the first step when the iterable is a plain name (see suspendsBeforeLoop).
   */
  private loop(loop: t.Loop, line: number): void {
    // Asked of the body as written (instrumented, an inner `while (true)` no longer looks endless).
    const canRepeat = loopBodyCanRepeat(loop);
    const bodyEnds = !neverCompletesNormally(loop.body);
    const beforeStep = line === -1 ? undefined : this.beforeStep(loop, line);
    this.loops.push({ labels: this.labels.get(loop) ?? [], beforeStep });
    const body = this.block(loop.body, line);
    this.loops.pop();
    loop.body = body;
    if (line === -1) return;
    if (t.isForStatement(loop)) {
      if (!canRepeat) return;
      loop.update = loop.update ? t.sequenceExpression([this.sampleExpression(line), loop.update]) : this.sampleExpression(line);
    } else if (t.isDoWhileStatement(loop)) {
      if (!canRepeat) return;
      loop.test = t.sequenceExpression([this.sampleExpression(line), loop.test]);
    } else if (t.isWhileStatement(loop)) {
      loop.test = t.sequenceExpression([this.sampleExpression(line), loop.test]);
    } else if (beforeStep) {
      if (bodyEnds) body.body.push(...beforeStep());
      if (t.isForOfStatement(loop) && loop.await) body.body.unshift(this.callStatement('resume'));
    }
  }

  /** What goes before a `for...of`/`for...in` loop's next step: its line's sample (and, for `for await`, a suspension). */
  private beforeStep(loop: t.Loop, line: number): (() => t.Statement[]) | undefined {
    if (!t.isForXStatement(loop)) return undefined;
    if (!(t.isForOfStatement(loop) && loop.await)) return () => [this.sample(line)];
    return () => [this.sample(line), this.callStatement('suspend')];
  }

  /** The loop a `continue` goes to: the one with its label, else the innermost. */
  private continued(statement: t.ContinueStatement): EnclosingLoop | undefined {
    const label = statement.label?.name;
    for (let index = this.loops.length - 1; index >= 0; index--) {
      const enclosing = this.loops[index];
      if (label === undefined || enclosing.labels.includes(label)) return enclosing;
    }
    return undefined;
  }
}

interface EnclosingLoop {
  labels: string[];
  /** The statements that go before the loop's next iterator step; undefined when it has no step. */
  beforeStep: (() => t.Statement[]) | undefined;
}

/**
 * A `for await` over a name or a property (`for await (const chunk of stream)`, `of this.lines`):
 * evaluating it does not allocate (short of a getter), so the call is suspended before the loop, and
 * what other tasks do during the first step is not charged to it. Any other iterable (a call's result)
 * is evaluated on the loop's line with the call counting: it cannot be wrapped in a call of memprof's,
 * since V8's TypeError for a value that is not iterable quotes the expression.
 */
function suspendsBeforeLoop(statement: t.Statement): boolean {
  if (t.isLabeledStatement(statement)) return suspendsBeforeLoop(statement.body);
  return t.isForOfStatement(statement) && statement.await && isNameOrProperty(statement.right);
}

function isForAwait(statement: t.Statement): boolean {
  if (t.isLabeledStatement(statement)) return isForAwait(statement.body);
  return t.isForOfStatement(statement) && statement.await;
}

function isNameOrProperty(expression: t.Node): boolean {
  if (t.isIdentifier(expression) || t.isThisExpression(expression)) return true;
  return t.isMemberExpression(expression) && !expression.computed && isNameOrProperty(expression.object);
}

/** A `while` samples in its own test, which also runs first: no sample before it. */
function samplesItself(statement: t.Statement): boolean {
  if (t.isLabeledStatement(statement)) return samplesItself(statement.body);
  return t.isWhileStatement(statement);
}

/** `await x` -> `call.resume(await call.suspend(x))`, and the same for `yield` / `yield*`. */
function wrapSuspensionPoints(path: NodePath<ProfilableFunction>, call: t.Identifier): void {
  // Only an async function's own body can await, only a generator's yield (nested functions are
  // skipped below): the others need no walk.
  if (!path.node.async && !path.node.generator) return;
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
    // Inside a `with` body every name is looked up on the with-object first, which may claim the
    // call's variable too: such suspension points are left as they are.
    WithStatement(statement) {
      statement.get('object').traverse({ Function: (nested) => nested.skip(), AwaitExpression: wrap, YieldExpression: wrap });
      statement.skip();
    },
    AwaitExpression: wrap,
    YieldExpression: wrap,
  });
}
