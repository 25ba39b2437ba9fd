// JavaScript that marks its functions with comments only (`/** @profile */`, `// @profile`), and
// never says `profile` in code, is rewritten without analysing the whole file: Babel's scope of the
// Program crawls every node of it (a third of a cold compile), and its traversal visits every node
// again to look for markers. Neither answers anything for such a file. Its markers need no binding
// (a comment is a marker whatever the code around it), and the rewrite of a marked function asks
// only about the function's own locals (quiet-statements.ts, declarations.ts) and for names no code
// of the file uses (generated identifiers).
//
// So the Program gets a scope with no bindings of its own, and only the subtree each marker comment
// leads is searched. Inner scopes (the marked function's, a class around it) are Babel's own, crawled
// on first use as always. The names the file's text contains that start with `_` are registered as
// taken, so a generated `_memprofCall` cannot clash with a top-level name Babel did not collect. The
// output is the same as with the whole file analysed (test/unit/comment-marked.test.ts compares both
// over every fixture).
import { NodePath } from '@babel/traverse';
import * as t from '@babel/types';

const PROFILE_TAG = /(?:^|[\s*])@profile(?![\w$-])/;
/** Words that could be identifiers Babel generates names around (it always starts them with `_`). */
const UNDERSCORE_WORDS = /(?<![\w$])_[\w$]*/g;

/**
 * The comments that may mark functions when they are the only markers the file can have; undefined
 * when the word `profile` occurs outside comments (a `profile(fn)` call, an import, a string), or the
 * text has escapes that could spell it (`pr\u006ffile`): then the whole file is analysed.
 */
export function commentMarkersOnly(source: string, ast: t.File): t.Comment[] | undefined {
  if (source.includes('\\u')) return undefined;
  const comments = ast.comments ?? [];
  let inComments = 0;
  const markers: t.Comment[] = [];
  for (const comment of comments) {
    const count = occurrences(comment.value, 'profile');
    if (count === 0) continue;
    inComments += count;
    if (PROFILE_TAG.test(comment.value)) markers.push(comment);
  }
  return occurrences(source, 'profile') === inComments ? markers : undefined;
}

function occurrences(text: string, word: string): number {
  let count = 0;
  for (let index = text.indexOf(word); index >= 0; index = text.indexOf(word, index + word.length)) count++;
  return count;
}

/**
 * The Program's path with a scope that holds no bindings: crawled over an empty body (Babel's own
 * initialisation, at no cost), then given back its statements.
 */
export function bindinglessProgramPath(ast: t.File, source: string, pathOf: (ast: t.File) => NodePath<t.Program>): NodePath<t.Program> {
  const body = ast.program.body;
  ast.program.body = [];
  let program: NodePath<t.Program>;
  try {
    program = pathOf(ast);
  } finally {
    ast.program.body = body;
  }
  const references = (program.scope as unknown as { references: Record<string, true> }).references;
  for (const word of source.match(UNDERSCORE_WORDS) ?? []) references[word] = true;
  return program;
}

/**
 * The subtree each comment leads: the first node after it, inside the innermost node that holds it.
 * A comment is attached (as a leading comment) to that node, and a function it marks is that node or
 * inside it (`export const f = () => ...` leads with the export).
 */
export function subtreesLedBy(program: NodePath<t.Program>, comments: t.Comment[]): NodePath[] {
  const roots: NodePath[] = [];
  for (const comment of comments) {
    const root = nodeAfter(program, comment);
    if (root && !roots.includes(root)) roots.push(root);
  }
  return roots;
}

/**
 * Found on the nodes, then the path made for the chosen chain alone: a path is given its scope when
 * made, and a function's or class's scope crawls its whole subtree.
 */
function nodeAfter(program: NodePath<t.Program>, comment: t.Comment): NodePath | undefined {
  let holder: NodePath = program;
  for (;;) {
    let inside: Child | undefined;
    let after: Child | undefined;
    for (const child of children(holder.node)) {
      const { start, end } = child.node;
      if (start == null || end == null) continue;
      if (start <= comment.start! && comment.end! <= end) {
        inside = child;
        break;
      }
      if (start >= comment.end! && (!after || start < after.node.start!)) after = child;
    }
    if (!inside) return after && pathOf(holder, after);
    holder = pathOf(holder, inside);
  }
}

interface Child {
  node: t.Node;
  key: string;
  index?: number;
}

/** A node's children, in the order of its visitor keys. */
function children(node: t.Node): Child[] {
  const found: Child[] = [];
  for (const key of t.VISITOR_KEYS[node.type] ?? []) {
    const value = (node as unknown as Record<string, unknown>)[key];
    if (Array.isArray(value)) {
      value.forEach((item: t.Node | null, index) => {
        if (item) found.push({ node: item, key, index });
      });
    } else if (value && typeof value === 'object') {
      found.push({ node: value as t.Node, key });
    }
  }
  return found;
}

/** As `parent.get(key)` makes it, but for one item of a list (`get` would make, and crawl, them all). */
function pathOf(parent: NodePath, child: Child): NodePath {
  if (child.index === undefined) return parent.get(child.key) as NodePath;
  const container = (parent.node as unknown as Record<string, t.Node[]>)[child.key];
  const options = { parentPath: parent, parent: parent.node, container, listKey: child.key, key: child.index };
  return (NodePath.get as (options: object) => NodePath)(options).setContext(parent.context);
}
