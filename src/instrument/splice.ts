// The output for a JavaScript file: its own text, with only the rewritten parts replaced. Code outside
// the profiled functions keeps every character, so its columns, its functions' toString() and any
// source map the file carries stay exactly right. Each profiled function (or its `profile(...)` call)
// is printed by Babel from the rewritten tree with retainLines, so its lines stay where they were;
// each of its lines gets back the indentation it had. The file's registration goes at the end, where
// it shifts nothing (it is hoisted: a function declaration and a var, plus an import in ES modules).
import generate from '@babel/generator';
import * as t from '@babel/types';

export interface SpliceInput {
  source: string;
  /** The original tree, after the rewrite (rewritten nodes kept their original positions). */
  ast: t.File;
  /** Nodes to print in place of their original text, outermost only, in source order. */
  regions: t.Node[];
  /** Statements to append: the file's registration. */
  registration: t.Statement[];
}

/** The spliced code, or undefined when a region would not keep its lines (the caller prints the whole file). */
export function spliceInstrumented({ source, ast, regions, registration }: SpliceInput): string | undefined {
  const lineStarts = lineStartOffsets(source);
  const insideTokens = linesStartingInsideTokens(ast);
  let out = '';
  let cursor = 0;
  for (const region of regions) {
    if (region.start == null || region.end == null || !region.loc || region.start < cursor) return undefined;
    const printed = printInPlace(region, source, lineStarts, insideTokens);
    if (printed === undefined) return undefined;
    out += source.slice(cursor, region.start) + printed;
    cursor = region.end;
  }
  out += source.slice(cursor);
  const appended = generate(t.program(registration), { comments: false }).code;
  return `${out}${out.endsWith('\n') ? '' : '\n'}${appended}\n`;
}

function printInPlace(node: t.Node, source: string, lineStarts: number[], insideTokens: Set<number>): string | undefined {
  const { leadingComments, trailingComments } = node;
  node.leadingComments = null;
  node.trailingComments = null;
  let code: string;
  try {
    code = generate(node, { retainLines: true, comments: true }, source).code;
  } finally {
    node.leadingComments = leadingComments;
    node.trailingComments = trailingComments;
  }
  const firstLine = node.loc!.start.line;
  const lastLine = node.loc!.end.line;
  code = code.replace(/^\n*/, (newlines) => (newlines.length === firstLine - 1 ? '' : newlines));
  const lines = code.split('\n');
  const missing = lastLine - firstLine + 1 - lines.length;
  if (missing < 0 || /^\n/.test(code)) return undefined;
  for (let index = 1; index < lines.length; index++) {
    const line = firstLine + index;
    if (insideTokens.has(line)) continue;
    lines[index] = indentationOf(source, lineStarts, line) + lines[index].replace(/^[ \t]*/, '');
  }
  return lines.join('\n') + '\n'.repeat(missing);
}

function lineStartOffsets(source: string): number[] {
  const starts = [0, 0];
  for (let index = source.indexOf('\n'); index !== -1; index = source.indexOf('\n', index + 1)) starts.push(index + 1);
  return starts;
}

function indentationOf(source: string, lineStarts: number[], line: number): string {
  const start = lineStarts[line] ?? source.length;
  return /^[ \t]*/.exec(source.slice(start, start + 200))![0];
}

/** Lines that begin inside a template literal, a continued string or a comment: their leading whitespace is content. */
function linesStartingInsideTokens(ast: t.File): Set<number> {
  const lines = new Set<number>();
  const add = (loc: t.SourceLocation | null | undefined) => {
    if (!loc) return;
    for (let line = loc.start.line + 1; line <= loc.end.line; line++) lines.add(line);
  };
  t.traverseFast(ast.program, (node) => {
    if (t.isTemplateElement(node) || t.isStringLiteral(node) || t.isDirectiveLiteral(node)) add(node.loc);
  });
  for (const comment of ast.comments ?? []) add(comment.loc);
  return lines;
}
