// Numbers and colours of the flame graph: sizes in B/KiB/MiB/GiB, shares of the total, and a colour
// per frame from its kind (the program's code warm, packages blue, Node's internals green, V8 and
// memprof grey and purple) with a shade from its name, so that a function keeps its colour across
// views and runs. Browser-safe: no Node or DOM APIs.
import type { FlameNode } from './flame-tree';
import { nodeName } from './flame-tree';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(bytes: number): string {
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${bytes < 0 ? '\u2212' : ''}${value.toFixed(digits)} ${UNITS[unit]}`;
}

export function formatShare(part: number, whole: number): string {
  if (whole <= 0) return '0%';
  const share = (100 * part) / whole;
  return `${share >= 10 || share === 0 ? share.toFixed(0) : share >= 1 ? share.toFixed(1) : share.toFixed(2)}%`;
}

/** A stable number in [0, 1) from a text (FNV-1a). */
function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193) >>> 0;
  }
  return value / 0x100000000;
}

/** HSL (degrees, percent) as #rrggbb. */
export function hslHex(hue: number, saturation: number, lightness: number): string {
  const s = saturation / 100;
  const l = lightness / 100;
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number): string => {
    const k = (n + hue / 30) % 12;
    const value = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(value * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}

/** [hue from, hue span, saturation, lightness] per kind. */
const PALETTE: Record<string, [number, number, number, number]> = {
  program: [8, 42, 80, 60],
  package: [195, 35, 60, 62],
  node: [95, 40, 40, 60],
  memprof: [265, 30, 35, 70],
  v8: [0, 0, 0, 72],
  root: [0, 0, 0, 82],
};

export function nodeColor(node: FlameNode): string {
  const kind = node.frame ? node.frame.kind : 'root';
  const [from, span, saturation, lightness] = PALETTE[kind] ?? PALETTE.v8;
  const shade = hash(node.folded ?? nodeName(node));
  return hslHex(from + span * shade, saturation, lightness - 6 + 12 * hash(`${shade}`));
}

/** The colour of a node a search matched. */
export const MATCH_COLOR = '#d63bd6';
