// The flame graph report in the three formats of `memprof plot` (../output.ts): the interactive
// page, or every profile drawn one under the other as SVG or PNG.
import type { PlotFormat } from '../output';
import { svgToPng } from '../png';
import type { AllocationData } from './data';
import { allocationsPage } from './page';
import { renderAllProfilesSvg, type FlameView } from './svg';

export function renderAllocationsAs(format: PlotFormat, data: AllocationData, view: FlameView): string | Buffer {
  switch (format) {
    case 'html':
      return allocationsPage(data, view);
    case 'svg':
      return `<?xml version="1.0" encoding="UTF-8"?>\n${renderAllProfilesSvg(data, view)}\n`;
    case 'png':
      return svgToPng(renderAllProfilesSvg(data, view));
  }
}
