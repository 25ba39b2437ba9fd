// The title (the recorded command, or --title) and the subtitle: which recording, when it started,
// how many samples; or how many recordings are overlaid; and the window, when one was asked for.
import { fixed, formatStart, textElement } from './format';
import { elide } from './text-metrics';
import type { View } from './view';

export function drawHeading(view: View, width: number): string[] {
  const { data } = view;
  const title = elide(data.title.replace(/\s+/g, ' ').trim() || 'memory over time', width - 40, 17, true);
  const parts: string[] = [];
  if (data.files.length === 1) {
    const file = data.files[0];
    const samples = data.series.find((series) => series.file === 0 && series.kind === 'mem')?.time.length ?? 0;
    parts.push(file.name, `started ${formatStart(file.start)}`, `${samples} samples`);
  } else {
    parts.push(`${data.files.length} recordings overlaid, each from its own start`);
  }
  if (view.zoomed) parts.push(`window ${fixed(view.t0, 2)} to ${fixed(view.t1, 2)} s`);
  return [
    textElement(20, 27, title, 'class="title" font-size="17" font-weight="bold" fill="#111"'),
    textElement(20, 47, elide(parts.join('  \u00b7  '), width - 40, 12), 'class="subtitle" fill="#555"'),
  ];
}
