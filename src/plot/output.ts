// One entry point for the three outputs: the format comes from the file name's extension.
import type { PlotData } from './model';
import { htmlPage } from './html';
import { svgToPng } from './png';
import { renderSvg, type ViewOptions } from './render';

export type PlotFormat = 'html' | 'svg' | 'png';

/** The format a file name asks for, or undefined for an extension memprof does not write. */
export function formatOf(path: string): PlotFormat | undefined {
  const match = /\.(html?|svg|png)$/i.exec(path);
  if (!match) return undefined;
  const extension = match[1].toLowerCase();
  return extension === 'htm' ? 'html' : (extension as PlotFormat);
}

export function renderAs(format: PlotFormat, data: PlotData, view: ViewOptions): string | Buffer {
  switch (format) {
    case 'html':
      return htmlPage(data, view);
    case 'svg':
      return `<?xml version="1.0" encoding="UTF-8"?>\n${renderSvg(data, view).svg}\n`;
    case 'png':
      return svgToPng(renderSvg(data, view).svg);
  }
}
