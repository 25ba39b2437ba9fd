// The flame graph report's script, run in the browser (page.ts inlines this compiled module and the
// ones it requires): redraws the graph with svg.ts when the view changes. Pick a profile; tick icicle
// (root at the top) or fold packages; click a box to zoom on it (its callers stay, dimmed, as the way
// back; "all" or Reset zoom goes back); type in search to light up the functions and files that match,
// with the share of the bytes under them. Nothing from the data is put into HTML unescaped: the SVG
// comes from svg.ts, which escapes every text; the tooltip is built with textContent.
import type { AllocationData } from './data';
import { buildFlameTree, searchTree, type FlameTree } from './flame-tree';
import { formatBytes, formatShare } from './format';
import { nodeDetails } from './labels';
import { renderProfileSvg, type FlameView } from './svg';
import { fillTooltip, placeTooltip } from '../tooltip';

// The DOM, without the DOM type library (this project compiles for Node); kept loose on purpose.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const window: any;

interface State {
  profile: number;
  inverted: boolean;
  fold: boolean;
  /** The zoomed node's id, or undefined for the whole graph. */
  focus: number | undefined;
  search: string;
}

export function start(): void {
  const data = JSON.parse(document.getElementById('memprof-allocations').textContent) as AllocationData;
  const initial = JSON.parse(document.getElementById('memprof-view').textContent) as FlameView;
  const state: State = { profile: 0, inverted: initial.inverted === true, fold: initial.fold === true, focus: undefined, search: '' };
  const chart = document.getElementById('chart');
  const tooltip = document.getElementById('tooltip');
  const matched = document.getElementById('matched');
  const reset = document.getElementById('reset');
  const controls = {
    profile: document.getElementById('profile'),
    inverted: document.getElementById('opt-inverted'),
    fold: document.getElementById('opt-fold'),
    search: document.getElementById('search'),
  };
  let tree: FlameTree | undefined;
  let treeKey = '';

  const currentTree = (): FlameTree | undefined => {
    const profile = data.profiles[state.profile];
    if (!profile) return undefined;
    const key = `${state.profile}:${state.fold}`;
    if (key !== treeKey) {
      tree = buildFlameTree(data, profile, { fold: state.fold });
      treeKey = key;
    }
    return tree;
  };

  const draw = (): void => {
    hideTooltip();
    const flame = currentTree();
    const profile = data.profiles[state.profile];
    if (!flame || !profile) return;
    const search = searchTree(flame, state.search);
    const rendered = renderProfileSvg(profile, flame, { ...initial, inverted: state.inverted, fold: state.fold, focus: state.focus, matches: search.matches, interactive: true });
    chart.innerHTML = rendered.svg;
    controls.profile.value = String(state.profile);
    controls.inverted.checked = state.inverted;
    controls.fold.checked = state.fold;
    reset.disabled = state.focus === undefined;
    matched.textContent = state.search.trim() === '' ? '' : `matched: ${formatBytes(search.bytes)} (${formatShare(search.bytes, flame.root.totalBytes)}) in ${search.matches.size} boxes`;
    const focus = state.focus !== undefined ? flame.nodes[state.focus] : flame.root;
    // For tests and the curious: what is on screen.
    window.memprofFlame = {
      state: { ...state },
      boxes: rendered.layout.boxes.length,
      rows: rendered.layout.rows,
      matches: search.matches.size,
      matchedBytes: search.bytes,
      totalBytes: flame.root.totalBytes,
      focusBytes: focus.totalBytes,
    };
  };

  const hideTooltip = (): void => {
    tooltip.hidden = true;
  };

  const nodeAt = (event: any): number | undefined => {
    const target = event.target.closest ? event.target.closest('[data-node]') : null;
    return target ? Number(target.getAttribute('data-node')) : undefined;
  };

  const showTooltip = (event: any, id: number): void => {
    const flame = currentTree();
    const node = flame?.nodes[id];
    if (!flame || !node) return hideTooltip();
    fillTooltip(tooltip, nodeDetails(node, flame.root.totalBytes));
    placeTooltip(tooltip, event);
    tooltip.dataset.node = String(id);
  };

  chart.addEventListener('mousemove', (event: any) => {
    const id = nodeAt(event);
    if (id === undefined) hideTooltip();
    else showTooltip(event, id);
  });
  chart.addEventListener('mouseleave', hideTooltip);
  chart.addEventListener('click', (event: any) => {
    const id = nodeAt(event);
    if (id === undefined) return;
    state.focus = id === 0 ? undefined : id;
    draw();
  });
  reset.addEventListener('click', () => {
    state.focus = undefined;
    draw();
  });
  controls.profile.addEventListener('change', () => {
    state.profile = Number(controls.profile.value);
    state.focus = undefined;
    draw();
  });
  controls.inverted.addEventListener('change', () => {
    state.inverted = controls.inverted.checked;
    draw();
  });
  controls.fold.addEventListener('change', () => {
    // Folding makes another tree: a zoomed node may not exist in it.
    state.fold = controls.fold.checked;
    state.focus = undefined;
    draw();
  });
  controls.search.addEventListener('input', () => {
    state.search = controls.search.value;
    draw();
  });
  draw();
}
