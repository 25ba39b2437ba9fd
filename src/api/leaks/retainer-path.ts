// Why an object is still alive: the shortest chain of references from the heap's roots to it, as
// DevTools' Retainers view shows first. Weak references do not keep anything alive and are not
// followed. The chain is written from the first reference that means something in the program (a
// variable, a property) to the object: "sessions → Map.table → [3] → closure (app.js:27) → payload".
import { formatSize } from '../../shared/bytes';
import type { HeapGraph } from './heap-graph';

export interface RetainerStep {
  /**
   * How the previous object refers to this one (V8's edge types: context, element, property,
   * internal...), and whether it is a variable: a context slot, named (a function's or a CommonJS
   * module's scope) or not (an ES module's scope, whose slots the snapshot leaves unnamed).
   */
  edgeType: string;
  variable: boolean;
  edgeName: string | number;
  /** What this object is (V8's node types: object, closure, array, string...) and its name. */
  nodeType: string;
  nodeName: string;
  selfSize: number;
  /** For a closure: where its source is. */
  closureAt: string | null;
}

/** The shortest references from the root (node 0) to every object: one breadth-first walk of the heap. */
export class RetainerTree {
  private readonly parentNode: Int32Array;
  private readonly parentEdge: Array<{ type: string; name: string | number } | undefined>;

  constructor(
    private readonly graph: HeapGraph,
    private readonly describeLocation: (scriptId: string, lineNumber: number, columnNumber: number) => string,
  ) {
    this.parentNode = new Int32Array(graph.nodeCount).fill(-1);
    this.parentEdge = new Array(graph.nodeCount);
    const queue = new Int32Array(graph.nodeCount);
    let head = 0;
    let tail = 0;
    queue[tail++] = 0;
    this.parentNode[0] = 0;
    while (head < tail) {
      const node = queue[head++];
      graph.forEachEdge(node, (type, name, target) => {
        if (type === 'weak' || this.parentNode[target] !== -1) return;
        this.parentNode[target] = node;
        this.parentEdge[target] = { type, name };
        queue[tail++] = target;
      });
    }
  }

  /** The chain from the root to `target`, root first; null when nothing strong reaches it. */
  pathTo(target: number): RetainerStep[] | null {
    if (this.parentNode[target] === -1) return null;
    const graph = this.graph;
    const steps: RetainerStep[] = [];
    for (let node = target; node !== 0; node = this.parentNode[node]) {
      const edge = this.parentEdge[node]!;
      const fromContext = graph.name(this.parentNode[node]) === 'system / Context';
      const location = graph.type(node) === 'closure' ? graph.closureLocation(node) : undefined;
      steps.push({
        edgeType: edge.type,
        variable: edge.type === 'context' || (fromContext && edge.type === 'hidden' && graph.name(node) !== 'system / Context'),
        edgeName: edge.name,
        nodeType: graph.type(node),
        nodeName: graph.name(node),
        selfSize: graph.selfSize(node),
        closureAt: location ? this.describeLocation(location.scriptId, location.lineNumber, location.columnNumber) : null,
      });
    }
    return steps.reverse();
  }
}

/** Whether a program's variable is on the chain (not only V8's and Node's own tables). */
export function heldByVariable(steps: readonly RetainerStep[]): boolean {
  return steps.some((step) => step.variable);
}

/** What V8 keeps inside an object (a Map's table, an array's elements, a closure's context): part of its owner. */
const isInternal = (step: RetainerStep) => step.nodeType === 'array' || step.nodeType === 'hidden' || step.nodeType === 'code' || step.nodeName.startsWith('system /');

/** How many references are shown at most, from the variable that holds the growing collection to the object. */
const SHOWN = 8;
const COLLECTIONS = new Set(['Map', 'Set', 'WeakMap', 'WeakSet']);

interface Token {
  edge: string;
  object: string;
  variable: boolean;
  /** Reached by an index: the token before it is a collection. */
  element: boolean;
  collection: boolean;
}

/**
 * The chain as people read it, from the program's variable to the object: `sessions (Map) → closure
 * at app.js:27 → payload (Array, 100.0 KiB)`. V8's internal slots are folded into their owner (an
 * array's elements are the array), and the chain starts at the variable holding the last collection
 * on it (what grows: an array, a Map, a listener list), not in Node's module system.
 */
export function describeRetainers(steps: readonly RetainerStep[]): string[] {
  const tokens: Token[] = [];
  steps.forEach((step, index) => {
    const last = index === steps.length - 1;
    const closure = step.nodeType === 'closure';
    if (isInternal(step) && !step.variable) {
      if (!last) return;
      const owner = tokens[tokens.length - 1];
      const size = formatSize(step.selfSize);
      if (step.nodeName === 'system / Context') tokens.push({ edge: '', object: `(its scope, ${size})`, variable: false, element: false, collection: false });
      else if (owner && !owner.object.startsWith('closure')) owner.object = owner.object.replace(/\)$/, `, ${size})`);
      else tokens.push({ edge: '', object: `(${describeObject(step)}, ${size})`, variable: false, element: false, collection: false });
      return;
    }
    const edge = step.edgeType === 'context'
      ? String(step.edgeName)
      : step.variable
        ? 'module variable'
        : step.edgeType === 'element'
          ? `[${step.edgeName}]`
          : step.edgeType === 'property'
            ? `.${step.edgeName}`
            : '';
    const object = closure ? `closure${step.closureAt ? ` at ${step.closureAt}` : ''}` : `(${describeObject(step)}${last ? `, ${formatSize(step.selfSize)}` : ''})`;
    tokens.push({ edge, object, variable: step.variable, element: step.edgeType === 'element', collection: COLLECTIONS.has(step.nodeName) });
  });
  const window = tokens.slice(-SHOWN);
  let collection = -1;
  window.forEach((token, index) => {
    if (token.collection) collection = index;
    if (token.element && index > 0) collection = index - 1;
  });
  let start = -1;
  for (let index = Math.max(collection, 0); index >= 0; index--) {
    if (window[index].variable) {
      start = index;
      break;
    }
  }
  if (start < 0) start = window.findIndex((token) => token.variable);
  return (start >= 0 ? window.slice(start) : window).map((token) => `${token.edge} ${token.object}`.trim());
}

function describeObject(step: RetainerStep): string {
  if (step.nodeType === 'object' || step.nodeType === 'native') return step.nodeName || step.nodeType;
  if (step.nodeType.endsWith('string')) return 'string';
  return step.nodeName ? `${step.nodeType} ${step.nodeName}` : step.nodeType;
}
