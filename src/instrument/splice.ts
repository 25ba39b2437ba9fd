// The output for a JavaScript file: its own text, with only the rewritten parts replaced. Code outside
// the profiled functions keeps every character, so its columns, its functions' toString() and any
// source map the file carries stay exactly right. Each profiled function (or its `profile(...)` call)
// is printed by Babel from the rewritten tree with retainLines, so its lines stay where they were;
// each of its lines gets back the indentation it had. The file's registration goes at the end, where
// it shifts nothing (it is hoisted: a function declaration and a var, plus an import in ES modules).
// A source map from the output back to the file goes with it (used when Node's source maps are on).
import generate from '@babel/generator';
import * as t from '@babel/types';
import { addSegment, GenMapping, toEncodedMap } from '@jridgewell/gen-mapping';
import { basename } from 'node:path';

export interface SpliceInput {
  source: string;
  filename: string;
  /** The original tree, after the rewrite (rewritten nodes kept their original positions). */
  ast: t.File;
  /** Nodes to print in place of their original text, outermost only, in source order. */
  regions: t.Node[];
  /** Statements to append: the file's registration. */
  registration: t.Statement[];
}

export interface Spliced {
  code: string;
  map: object;
}

/** The spliced code, or undefined when a region would not keep its lines (the caller prints the whole file). */
export function spliceInstrumented({ source, filename, ast, regions, registration }: SpliceInput): Spliced | undefined {
  const lines = new LineIndex(source);
  const insideTokens = linesStartingInsideTokens(regions, ast.comments);
  const output = new MappedOutput(basename(filename), lines);
  let cursor = 0;
  for (const region of regions) {
    if (region.start == null || region.end == null || !region.loc || region.start < cursor) return undefined;
    const printed = printInPlace(region, source, lines, insideTokens);
    if (printed === undefined) return undefined;
    output.copy(source, cursor, region.start);
    output.insert(printed);
    cursor = region.end;
  }
  output.copy(source, cursor, source.length);
  const appended = generate(t.program(registration), { comments: false }).code;
  output.append(`${output.code.endsWith('\n') ? '' : '\n'}${appended}\n`);
  return { code: output.code, map: toEncodedMap(output.map) };
}

interface Printed {
  code: string;
  /** Babel's mappings of the printed region: per line (0-based, absolute), [column, source, line, column]. */
  mappings: number[][][];
  /** Per absolute line (1-based): how far re-indenting moved Babel's columns. */
  shift: Map<number, number>;
}

function printInPlace(node: t.Node, source: string, lineIndex: LineIndex, insideTokens: Set<number>): Printed | undefined {
  const { leadingComments, trailingComments } = node;
  node.leadingComments = null;
  node.trailingComments = null;
  let result;
  try {
    result = generate(node, { retainLines: true, comments: true, sourceMaps: true, sourceFileName: 'source' }, source);
  } finally {
    node.leadingComments = leadingComments;
    node.trailingComments = trailingComments;
  }
  const firstLine = node.loc!.start.line;
  const lastLine = node.loc!.end.line;
  let code = result.code;
  if (!code.startsWith('\n'.repeat(firstLine - 1)) || code[firstLine - 1] === '\n') return undefined;
  code = code.slice(firstLine - 1);
  const printedLines = code.split('\n');
  const missing = lastLine - firstLine + 1 - printedLines.length;
  if (missing < 0) return undefined;
  const shift = new Map<number, number>();
  for (let index = 1; index < printedLines.length; index++) {
    const line = firstLine + index;
    if (insideTokens.has(line)) continue;
    const indentation = lineIndex.indentation(source, line);
    const trimmed = printedLines[index].replace(/^[ \t]*/, '');
    shift.set(line, indentation.length - (printedLines[index].length - trimmed.length));
    printedLines[index] = indentation + trimmed;
  }
  return { code: printedLines.join('\n') + '\n'.repeat(missing), mappings: ((result as { decodedMap?: { mappings: number[][][] } }).decodedMap?.mappings ?? []), shift };
}

/** Offsets of line starts, and what a line starts with. */
class LineIndex {
  private readonly starts = [0, 0];

  constructor(source: string) {
    for (let index = source.indexOf('\n'); index !== -1; index = source.indexOf('\n', index + 1)) this.starts.push(index + 1);
  }

  /** 1-based line and 0-based column of an offset. */
  position(offset: number): { line: number; column: number } {
    let low = 1;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.starts[middle] <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low, column: offset - this.starts[low] };
  }

  /** Offset where a 1-based line starts; Infinity past the last line. */
  start(line: number): number {
    return this.starts[line] ?? Infinity;
  }

  indentation(source: string, line: number): string {
    const start = this.starts[line] ?? source.length;
    return /^[ \t]*/.exec(source.slice(start, start + 200))![0];
  }
}

/** The output text, built left to right, with its mappings back to the original. */
class MappedOutput {
  code = '';
  readonly map: GenMapping;
  private line = 1;
  private column = 0;

  constructor(
    private readonly sourceName: string,
    private readonly lines: LineIndex,
  ) {
    this.map = new GenMapping({ file: sourceName });
  }

  /** Original text, unchanged: a mapping at every word and punctuation mark (where stack positions land). */
  copy(source: string, from: number, to: number): void {
    const text = source.slice(from, to);
    const start = this.lines.position(from);
    const token = /[\w$]+|[^\s\w$]/g;
    // Tokens come in order: the line is found by walking forward, not searched for each one.
    let line = start.line;
    let nextLineStart = this.lines.start(line + 1);
    for (let match = token.exec(text); match; match = token.exec(text)) {
      const offset = from + match.index;
      while (offset >= nextLineStart) nextLineStart = this.lines.start(++line + 1);
      const originalColumn = offset - this.lines.start(line);
      const column = line === start.line ? this.column + (originalColumn - start.column) : originalColumn;
      addSegment(this.map, line - 1, column, this.sourceName, line - 1, originalColumn);
    }
    this.append(text);
  }

  /** A region printed by Babel: its own mappings, moved to where it lands. */
  insert(printed: Printed): void {
    const firstLine = this.line;
    const firstColumn = this.column;
    printed.mappings.forEach((segments, index) => {
      const line = index + 1;
      for (const [column, , originalLine, originalColumn] of segments) {
        if (originalLine === undefined || originalColumn === undefined) continue;
        const generated = line === firstLine ? firstColumn + column : column + (printed.shift.get(line) ?? 0);
        addSegment(this.map, line - 1, generated, this.sourceName, originalLine, originalColumn);
      }
    });
    this.append(printed.code);
  }

  append(text: string): void {
    this.code += text;
    const lastBreak = text.lastIndexOf('\n');
    if (lastBreak === -1) {
      this.column += text.length;
      return;
    }
    for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) this.line++;
    this.column = text.length - lastBreak - 1;
  }
}

/**
 * Lines of the regions that begin inside a template literal, a continued string or a comment: their
 * leading whitespace is content.
 */
function linesStartingInsideTokens(regions: t.Node[], comments: t.Comment[] | null | undefined): Set<number> {
  const lines = new Set<number>();
  const add = (loc: t.SourceLocation | null | undefined) => {
    if (!loc) return;
    for (let line = loc.start.line + 1; line <= loc.end.line; line++) lines.add(line);
  };
  for (const region of regions) {
    t.traverseFast(region, (node) => {
      if (t.isTemplateElement(node) || t.isStringLiteral(node) || t.isDirectiveLiteral(node)) add(node.loc);
    });
  }
  for (const comment of comments ?? []) add(comment.loc);
  return lines;
}
