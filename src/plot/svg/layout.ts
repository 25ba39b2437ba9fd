// Where each part of the picture goes: the memory plot, the flame panel under it (as tall as its
// bands need), the legend column on the right. Sizes in SVG units (px).

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Layout {
  width: number;
  height: number;
  /** The memory plot area. */
  plot: Box;
  /** The flame panel, when drawn. */
  flame?: Box;
  /** Time range shown (seconds) and memory range (MiB). */
  t0: number;
  t1: number;
  y0: number;
  y1: number;
}

/** The boxes of a picture, before any scale is known. */
export interface Areas {
  width: number;
  height: number;
  plot: Box;
  flame?: Box;
  /** The legend column: entries start at its top and stop short of its bottom. */
  legend: Box;
  /** The lowest panel's bottom edge: where the time axis' labels go. */
  axisBottom: number;
}

export const LEGEND_WIDTH = 270;
/** Height of one row of the flame view, and the space between two processes' bands. */
export const FLAME_ROW_HEIGHT = 18;
export const FLAME_BAND_GAP = 8;
/** Space between the memory plot and the flame panel. */
const FLAME_MARGIN = 14;

/**
 * The boxes for a picture `width` wide and `height` high without the flame panel; `bandRows` holds
 * the rows of each flame band drawn (none: no flame panel).
 */
export function layOut(width: number, height: number, bandRows: readonly number[]): Areas {
  const flameHeight =
    bandRows.length > 0 ? FLAME_MARGIN + bandRows.reduce((sum, rows) => sum + rows * FLAME_ROW_HEIGHT, 0) + FLAME_BAND_GAP * (bandRows.length - 1) : 0;
  const total = height + flameHeight;
  const plot: Box = { x: 78, y: 64, w: width - 78 - LEGEND_WIDTH - 22, h: height - 64 - 58 };
  const flame: Box | undefined = flameHeight > 0 ? { x: plot.x, y: plot.y + plot.h + FLAME_MARGIN, w: plot.w, h: flameHeight - FLAME_MARGIN } : undefined;
  const legendTop = plot.y + 2;
  return {
    width,
    height: total,
    plot,
    flame,
    legend: { x: width - LEGEND_WIDTH - 4, y: legendTop, w: LEGEND_WIDTH, h: total - 12 - legendTop },
    axisBottom: flame ? flame.y + flame.h : plot.y + plot.h,
  };
}
