// Why an object is still alive: the shortest chain of references from the heap's roots to it, as
// DevTools' Retainers view shows first. Weak references do not keep anything alive and are not
// followed. The chain is written from the first reference that means something in the program (a
// variable, a property) to the object: "sessions → Map.table → [3] → closure (app.js:27) → payload".
import type { HeapGraph } from './heap-graph';

export interface RetainerStep {
  /** How the previous object refers to this one (V8's edge types: context, element, property, internal...). */
  edgeType: string;
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
    private readonly describeLocation: (scriptId: string, lineNumber: number) => string,
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
      const location = graph.type(node) === 'closure' ? graph.closureLocation(node) : undefined;
      steps.push({
        edgeType: edge.type,
        edgeName: edge.name,
        nodeType: graph.type(node),
        nodeName: graph.name(node),
        selfSize: graph.selfSize(node),
        closureAt: location ? this.describeLocation(location.scriptId, location.lineNumber) : null,
      });
    }
    return steps.reverse();
  }
}

/** Whether a program's variable is on the chain (not only V8's and Node's own tables). */
export function heldByVariable(steps: readonly RetainerStep[]): boolean {
  return steps.some((step) => step.edgeType === 'context');
}

function formatSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${bytes} B`;
}

/** Slots V8 keeps inside an object (a Map's table, an array's elements, a closure's context): part of their owner. */
const isInternal = (step: RetainerStep) => step.edgeType === 'internal' || step.edgeType === 'hidden' || step.edgeType === 'shortcut';

/** How many references are shown at most, from the last variable among them to the object. */
const SHOWN = 8;

/**
 * The chain as people read it, from the program's variable to the object: `sessions (Map) → [3]
 * closure at app.js:27 → payload (Array, 100.0 KiB)`. V8's internal slots are folded into their owner
 * (an array's elements are the array), and the start of the chain inside Node (roots, the module
 * system) is left out.
 */
export function describeRetainers(steps: readonly RetainerStep[]): string[] {
  const tokens: Array<{ edge: string; object: string; variable: boolean }> = [];
  steps.forEach((step, index) => {
    const last = index === steps.length - 1;
    const closure = step.nodeType === 'closure';
    if (isInternal(step) && !closure) {
      if (!last) return;
      const owner = tokens[tokens.length - 1];
      if (step.nodeName === 'system / Context') tokens.push({ edge: '', object: `(its scope, ${formatSize(step.selfSize)})`, variable: false });
      else if (owner && !owner.object.startsWith('closure')) owner.object = owner.object.replace(/\)$/, `, ${formatSize(step.selfSize)})`);
      else tokens.push({ edge: '', object: `(${describeObject(step)}, ${formatSize(step.selfSize)})`, variable: false });
      return;
    }
    const edge = step.edgeType === 'context' ? String(step.edgeName) : step.edgeType === 'element' ? `[${step.edgeName}]` : step.edgeType === 'property' ? `.${step.edgeName}` : '';
    const object = closure ? `closure${step.closureAt ? ` at ${step.closureAt}` : ''}` : `(${describeObject(step)}${last ? `, ${formatSize(step.selfSize)}` : ''})`;
    tokens.push({ edge, object, variable: step.edgeType === 'context' });
  });
  const window = tokens.slice(-SHOWN);
  const start = window.findIndex((token) => token.variable);
  return (start >= 0 ? window.slice(start) : window).map((token) => `${token.edge} ${token.object}`.trim());
}

function describeObject(step: RetainerStep): string {
  if (step.nodeType === 'object' || step.nodeType === 'native') return step.nodeName || step.nodeType;
  if (step.nodeType.endsWith('string')) return 'string';
  return step.nodeName ? `${step.nodeType} ${step.nodeName}` : step.nodeType;
}
