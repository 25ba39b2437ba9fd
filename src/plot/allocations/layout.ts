// Where each node of a flame graph goes: x and width from its share of the focused node (the one
// clicked: it spans the whole width, its callers above or below it drawn whole as the path back to
// the root), and its row from its depth, counted from the bottom (flame) or from the top (icicle,
// the inverted view). Nodes narrower than a pixel are left out. Browser-safe.
import type { FlameNode, FlameTree } from './flame-tree';

export const ROW_HEIGHT = 18;
/** Narrower boxes are not drawn (their bytes are in their caller's box). */
export const MIN_BOX_WIDTH = 0.5;

export interface Box {
  node: FlameNode;
  x: number;
  y: number;
  width: number;
  /** A caller of the focused node (drawn whole, dimmed). */
  ancestor: boolean;
}

export interface FlameLayout {
  boxes: Box[];
  /** Height of the rows drawn. */
  height: number;
  /** Rows drawn (depth of the deepest box drawn + 1). */
  rows: number;
}

export interface LayoutOptions {
  x: number;
  top: number;
  width: number;
  /** The node shown across the whole width (default: the root). */
  focus?: FlameNode;
  /** Icicle: the root at the top, callees below. */
  inverted: boolean;
}

export function layOutFlame(tree: FlameTree, options: LayoutOptions): FlameLayout {
  const focus = options.focus ?? tree.root;
  const placed: Array<{ node: FlameNode; x: number; width: number; ancestor: boolean }> = [];
  for (let node: FlameNode | undefined = focus.parent; node; node = node.parent) placed.push({ node, x: options.x, width: options.width, ancestor: true });
  const scale = focus.totalBytes > 0 ? options.width / focus.totalBytes : 0;
  const pending: Array<{ node: FlameNode; x: number }> = [{ node: focus, x: options.x }];
  let deepest = focus.depth;
  while (pending.length > 0) {
    const { node, x } = pending.pop()!;
    const width = node === focus ? options.width : node.totalBytes * scale;
    if (width < MIN_BOX_WIDTH) continue;
    placed.push({ node, x, width, ancestor: false });
    if (node.depth > deepest) deepest = node.depth;
    let childX = x;
    for (const child of node.children) {
      pending.push({ node: child, x: childX });
      childX += child.totalBytes * scale;
    }
  }
  const rows = deepest + 1;
  const rowY = (depth: number): number => options.top + (options.inverted ? depth : rows - 1 - depth) * ROW_HEIGHT;
  return {
    boxes: placed.map((box) => ({ ...box, y: rowY(box.node.depth) })),
    height: rows * ROW_HEIGHT,
    rows,
  };
}
