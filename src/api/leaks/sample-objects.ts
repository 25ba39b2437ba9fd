// A sample object for each line that keeps memory, in the heap snapshot taken at the end, and the
// references that keep it alive. The snapshot knows each object's allocation stack (functions only),
// so a line's sample is an object its function allocated that a program's variable keeps alive: a
// closure defined on the line itself first, the function's context for what its entry allocated, else
// the object of the size closest to the line's largest kept allocation (the profiler's size can include
// a neighbour allocated with it, such as an array's elements). Two lines of one function keeping
// objects of one size share their sample.
import { innermostFileFrame, isOwnAllocation, type KeptLine } from './attribution';
import type { HeapGraph } from './heap-graph';
import { functionKey } from './line-marks';
import { isOwnFile } from './own-files';
import { describeRetainers, heldByVariable, RetainerTree } from './retainer-path';
import type { ScriptCatalog } from './scripts';

/** Kinds of objects a program allocates (V8's own are compiled code, shapes, feedback: `system / ...`). */
const PROGRAM_KINDS = new Set(['object', 'closure', 'array', 'string', 'concatenated string', 'sliced string', 'regexp', 'number', 'bigint', 'native']);

/** Tracked objects by the program's innermost function on their allocation stack. */
function nodesByFunction(graph: HeapGraph): Map<string, number[]> {
  const byFunction = new Map<string, number[]>();
  for (let node = 0; node < graph.nodeCount; node++) {
    if (!graph.tracked(node)) continue;
    const stack = graph.allocationStack(node);
    if (isOwnAllocation(stack, isOwnFile)) continue;
    const key = functionKey(innermostFileFrame(stack)!);
    const list = byFunction.get(key) ?? [];
    list.push(node);
    byFunction.set(key, list);
  }
  return byFunction;
}

/** Lower is better; null for an object the program did not make (code V8 compiled meanwhile, a closure of Node's). */
function candidateRank(graph: HeapGraph, node: number, line: KeptLine, scripts: ScriptCatalog): number | null {
  const type = graph.type(node);
  const name = graph.name(node);
  const context = name === 'system / Context';
  if (!PROGRAM_KINDS.has(type) || (name.startsWith('system /') && !context)) return null;
  if (type === 'closure') {
    const location = graph.closureLocation(node);
    const url = location ? scripts.url(location.scriptId) : undefined;
    if (!location || url === undefined || url.startsWith('node:')) return null;
    if (location.scriptId === line.scriptId && scripts.originalLine(location.scriptId, location.lineNumber, location.columnNumber) === line.line) return -2;
  }
  if (context && line.entry) return -1;
  const distance = Math.abs(graph.selfSize(node) - line.largestBytes);
  return distance <= tolerableDistance(line) ? distance : null;
}

/** How far from the line's largest allocation a sample's size may be (elements apart from their array, headers). */
const tolerableDistance = (line: KeptLine) => Math.max(64, line.largestBytes / 2);

/**
 * V8 forgets some allocations' stacks (an object that moved after it got an id): for a line that keeps
 * large objects, any object of that size the program holds will do, tracked or not (earlier iterations'
 * are the same objects, held the same way).
 */
function untrackedOfSize(graph: HeapGraph, line: KeptLine): number[] {
  if (line.largestBytes < 1024) return [];
  const found: number[] = [];
  for (let node = 0; node < graph.nodeCount; node++) {
    if (!PROGRAM_KINDS.has(graph.type(node)) || graph.name(node).startsWith('system /')) continue;
    if (Math.abs(graph.selfSize(node) - line.largestBytes) <= 64) found.push(node);
  }
  return found;
}

/** For each line, the references that keep its sample object alive (null when none is found). */
export function sampleRetainers(graph: HeapGraph, lines: readonly KeptLine[], scripts: ScriptCatalog): Array<string[] | null> {
  const byFunction = nodesByFunction(graph);
  const tree = new RetainerTree(graph, (scriptId, lineNumber, columnNumber) => scripts.describe(scriptId, lineNumber, columnNumber));
  return lines.map((line) => {
    const ranked: Array<{ node: number; rank: number }> = [];
    for (const node of byFunction.get(functionKey(line.frame)) ?? []) {
      const rank = candidateRank(graph, node, line, scripts);
      if (rank !== null) ranked.push({ node, rank });
    }
    ranked.sort((a, b) => a.rank - b.rank);
    for (const node of [...ranked.map((entry) => entry.node), ...untrackedOfSize(graph, line)]) {
      const path = tree.pathTo(node);
      if (path && heldByVariable(path)) return describeRetainers(path);
    }
    return null;
  });
}
