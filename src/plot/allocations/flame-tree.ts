// The tree a flame graph draws, from one profile of the report's data: calls merged by frame under
// each caller, each node with its own bytes and those of everything it called. Folding puts the
// frames of one package (node_modules/<name>, Node's internals, memprof) that call each other into
// one node named after the package, so that a request going through twenty frames of a framework is
// one box. Runs in Node (SVG, PNG) and in the browser (the page's views): no Node or DOM APIs.
import type { AllocationData, FrameData, ProfileData } from './data';

export interface FlameNode {
  /** Pre-order position in the tree: the node's id in the page (data-node). */
  id: number;
  /** Undefined for the root. */
  frame?: FrameData;
  /** Set for a node folding a package's frames. */
  folded?: string;
  /** How many of the profile's nodes it stands for. */
  merged: number;
  selfBytes: number;
  totalBytes: number;
  selfSamples: number;
  totalSamples: number;
  depth: number;
  parent?: FlameNode;
  children: FlameNode[];
}

export interface FlameTree {
  root: FlameNode;
  /** Every node, by id (pre-order). */
  nodes: FlameNode[];
  /** The deepest depth (the root is at 0). */
  depth: number;
}

function newNode(parent: FlameNode | undefined, frame: FrameData | undefined, folded: string | undefined): FlameNode {
  return { id: -1, frame, folded, merged: 0, selfBytes: 0, totalBytes: 0, selfSamples: 0, totalSamples: 0, depth: parent ? parent.depth + 1 : 0, parent, children: [] };
}

const keyOf = (node: FlameNode): string => (node.folded !== undefined ? `p:${node.folded}` : `f:${node.frame ? JSON.stringify(node.frame) : ''}`);

/** How a node is named: the function, a folded package's name, or "all" for the root. */
export function nodeName(node: FlameNode): string {
  if (node.folded !== undefined) return node.folded === 'node' ? 'node internals' : node.folded;
  if (!node.frame) return 'all';
  const { frame } = node;
  if (frame.name !== '') return frame.name;
  return frame.line <= 1 ? '(top level)' : '(anonymous)';
}

/** Where a node's code is: `file:line` (packages from node_modules/ on); a folded package: its folder. */
export function nodeLocation(node: FlameNode): string {
  const frame = node.frame;
  if (!frame || frame.file === '') return '';
  if (node.folded !== undefined) {
    if (frame.kind !== 'package') return '';
    const at = frame.file.lastIndexOf('/node_modules/');
    return `${frame.file.slice(0, at + '/node_modules/'.length)}${node.folded}/`;
  }
  const file = frame.kind === 'package' ? frame.file.slice(frame.file.lastIndexOf('/node_modules/') + 1) : frame.file;
  return frame.line > 0 ? `${file}:${frame.line}` : file;
}

export function buildFlameTree(data: AllocationData, profile: ProfileData, options: { fold: boolean }): FlameTree {
  const root = newNode(undefined, undefined, undefined);
  const count = profile.frame.length;
  const placed: FlameNode[] = new Array(count);
  const childIndex = new Map<FlameNode, Map<string, FlameNode>>();
  for (let index = 0; index < count; index++) {
    const parentIndex = profile.parent[index];
    let node: FlameNode;
    if (parentIndex < 0) node = root;
    else {
      const parent = placed[parentIndex];
      const frame = data.frames[profile.frame[index]];
      const pkg = options.fold ? frame.package : undefined;
      if (pkg !== undefined && parent.folded === pkg) node = parent;
      else {
        const candidate = newNode(parent, frame, pkg);
        const key = keyOf(candidate);
        let siblings = childIndex.get(parent);
        if (!siblings) childIndex.set(parent, (siblings = new Map()));
        node = siblings.get(key) ?? candidate;
        if (node === candidate) {
          siblings.set(key, node);
          parent.children.push(node);
        }
      }
    }
    node.merged++;
    node.selfBytes += profile.selfBytes[index];
    node.selfSamples += profile.selfSamples[index];
    placed[index] = node;
  }
  // Totals from the leaves up, then ids in drawing order (biggest child first).
  const nodes: FlameNode[] = [];
  let depth = 0;
  const order: FlameNode[] = [root];
  for (let at = 0; at < order.length; at++) order.push(...order[at].children);
  for (let at = order.length - 1; at >= 0; at--) {
    const node = order[at];
    node.totalBytes += node.selfBytes;
    node.totalSamples += node.selfSamples;
    if (node.parent) {
      node.parent.totalBytes += node.totalBytes;
      node.parent.totalSamples += node.totalSamples;
    }
  }
  const visit: FlameNode[] = [root];
  while (visit.length > 0) {
    const node = visit.pop()!;
    node.id = nodes.push(node) - 1;
    if (node.depth > depth) depth = node.depth;
    node.children.sort((a, b) => b.totalBytes - a.totalBytes || (nodeName(a) < nodeName(b) ? -1 : nodeName(a) > nodeName(b) ? 1 : 0));
    for (let child = node.children.length - 1; child >= 0; child--) visit.push(node.children[child]);
  }
  return { root, nodes, depth };
}

/** Does the node match a search (case-insensitive, in its name or its location)? An empty search matches nothing. */
export function matchesSearch(node: FlameNode, search: string): boolean {
  const wanted = search.trim().toLowerCase();
  if (wanted === '' || !node.frame) return false;
  return nodeName(node).toLowerCase().includes(wanted) || nodeLocation(node).toLowerCase().includes(wanted);
}

/** The nodes a search matches, and the bytes under them (a match inside a match counted once). */
export function searchTree(tree: FlameTree, search: string): { matches: Set<number>; bytes: number } {
  const matches = new Set<number>();
  let bytes = 0;
  for (const node of tree.nodes) {
    if (!matchesSearch(node, search)) continue;
    matches.add(node.id);
    let ancestor = node.parent;
    while (ancestor && !matches.has(ancestor.id)) ancestor = ancestor.parent;
    if (!ancestor) bytes += node.totalBytes;
  }
  return { matches, bytes };
}
