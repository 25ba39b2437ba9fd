// Draws flame graphs as SVG: one profile (the page's chart, redrawn by its script on every change of
// view) or every profile one under the other (the .svg and .png files). Each box is a <g> holding its
// rect and, when it fits, its name; text from the profiles goes through escapeXml. Browser-safe: the
// page's script requires this module.
import type { AllocationData, ProfileData } from './data';
import { luminance } from '../svg/flame';
import { escapeXml, px, textElement } from '../svg/format';
import { elide, FONT_FAMILY } from '../svg/text-metrics';
import { buildFlameTree, nodeName, type FlameNode, type FlameTree } from './flame-tree';
import { MATCH_COLOR, nodeColor } from './format';
import { nodeTitle, profileSummary, profileTitle, reportTitle } from './labels';
import { layOutFlame, ROW_HEIGHT, type FlameLayout } from './layout';

export const DEFAULT_WIDTH = 1200;
const MARGIN = 10;
const LABEL_SIZE = 11;

export interface FlameView {
  width?: number;
  inverted?: boolean;
  fold?: boolean;
  /** The focused node's id (a click zooms on a node). */
  focus?: number;
  /** Ids of the nodes a search matched. */
  matches?: ReadonlySet<number>;
  /** For the page: no <title> tooltips (its script shows its own). */
  interactive?: boolean;
}

export interface DrawnSection {
  markup: string[];
  height: number;
  layout: FlameLayout;
}

function drawBox(node: FlameNode, x: number, y: number, width: number, whole: number, attributes: { ancestor: boolean; matched: boolean; interactive: boolean }): string {
  const fill = attributes.matched ? MATCH_COLOR : nodeColor(node);
  const classes = `frame${attributes.ancestor ? ' ancestor' : ''}${attributes.matched ? ' match' : ''}`;
  const title = attributes.interactive ? '' : `<title>${escapeXml(nodeTitle(node, whole))}</title>`;
  const label = width >= 22 ? elide(nodeName(node), width - 6, LABEL_SIZE) : '';
  const text = label
    ? textElement(x + 3, y + ROW_HEIGHT - 5.5, label, `font-size="${LABEL_SIZE}" fill="${luminance(fill) > 0.5 ? '#111111' : '#ffffff'}" pointer-events="none"`)
    : '';
  return (
    `<g class="${classes}" data-node="${node.id}"${attributes.ancestor ? ' opacity="0.55"' : ''}>${title}` +
    `<rect x="${px(x)}" y="${px(y + 0.5)}" width="${px(Math.max(0.5, width - 0.6))}" height="${ROW_HEIGHT - 1}" rx="1.5" fill="${fill}"/>${text}</g>`
  );
}

/** One profile's flame graph, from `top` down: a heading, then the boxes. */
export function drawFlameSection(profile: ProfileData, tree: FlameTree, top: number, view: FlameView): DrawnSection {
  const width = view.width ?? DEFAULT_WIDTH;
  const headingTop = top + 16;
  const markup = [
    textElement(MARGIN, headingTop, profileTitle(profile), 'class="section-title" font-size="13" font-weight="bold" fill="#222222"'),
    textElement(MARGIN, headingTop + 16, profileSummary(profile), 'class="section-summary" font-size="11" fill="#555555"'),
  ];
  const boxesTop = headingTop + 26;
  const focus = view.focus !== undefined ? tree.nodes[view.focus] : undefined;
  const layout = layOutFlame(tree, { x: MARGIN, top: boxesTop, width: width - 2 * MARGIN, focus, inverted: view.inverted === true });
  const whole = tree.root.totalBytes;
  markup.push(`<g class="flame-graph" data-profile-pid="${profile.pid}">`);
  for (const box of layout.boxes) {
    markup.push(drawBox(box.node, box.x, box.y, box.width, whole, { ancestor: box.ancestor, matched: view.matches?.has(box.node.id) === true, interactive: view.interactive === true }));
  }
  markup.push('</g>');
  if (tree.root.totalBytes === 0) {
    markup.push(textElement(MARGIN, boxesTop + 14, 'no allocation was sampled (a short run, or a large --sampling-interval)', 'font-size="12" fill="#666666"'));
  }
  return { markup, height: boxesTop - top + Math.max(layout.height, ROW_HEIGHT) + MARGIN, layout };
}

function openSvg(width: number, height: number): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${px(height)}" viewBox="0 0 ${width} ${px(height)}" font-family="${escapeXml(FONT_FAMILY)}" font-size="12" class="memprof-allocations">` +
    `<rect class="background" x="0" y="0" width="${width}" height="${px(height)}" fill="#ffffff"/>`
  );
}

/** The page's chart: one profile, as the view says. */
export function renderProfileSvg(profile: ProfileData, tree: FlameTree, view: FlameView): { svg: string; layout: FlameLayout; top: number } {
  const width = view.width ?? DEFAULT_WIDTH;
  const section = drawFlameSection(profile, tree, 0, view);
  return { svg: [openSvg(width, section.height), ...section.markup, '</svg>'].join('\n'), layout: section.layout, top: 0 };
}

/** The .svg and .png files: every profile, one under the other, under the report's title. */
export function renderAllProfilesSvg(data: AllocationData, view: FlameView): string {
  const width = view.width ?? DEFAULT_WIDTH;
  const markup: string[] = [textElement(MARGIN, 22, reportTitle(data), 'class="title" font-size="15" font-weight="bold" fill="#111111"')];
  let top = 30;
  for (const profile of data.profiles) {
    const tree = buildFlameTree(data, profile, { fold: view.fold === true });
    const section = drawFlameSection(profile, tree, top, { ...view, focus: undefined, matches: undefined, interactive: false });
    markup.push(...section.markup);
    top += section.height + 8;
  }
  if (data.profiles.length === 0) markup.push(textElement(MARGIN, 50, 'no heap profile', 'font-size="12"'));
  return [openSvg(width, top + MARGIN), ...markup, '</svg>'].join('\n');
}

