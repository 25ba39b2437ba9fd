// The annotated-source page (`memprof report --html`): one self-contained HTML file, like a coverage
// report. An index of the profiled files and functions, heaviest first, then each file with every
// line's Allocated, Increment and Occurrences as numbers and a heat bar. No script: the page is
// static, and every text from the profiled program (file names, source, function names) is escaped.
import type { AnnotatedFile, AnnotatedLine } from './model';

const MIB = 1024 * 1024;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function mib(bytes: number): string {
  return `${(bytes / MIB).toFixed(1)} MiB`;
}

function signed(bytes: number): string {
  const text = mib(bytes);
  return bytes > 0 && text !== '0.0 MiB' ? `+${text}` : text === '-0.0 MiB' ? '0.0 MiB' : text;
}

/** The id a file's line anchor has: `file-<index>-L<line>`, linked from the indexes (and the timeline). */
export function lineAnchor(fileIndex: number, line: number): string {
  return `file-${fileIndex}-L${line}`;
}

export interface PageOptions {
  title: string;
  /** The source of each file as it is now, when it can be read (else the lines memprof saw). */
  readSource: (file: string) => string | undefined;
  /** Shown as given in the page's heading, e.g. the JSON files read. */
  inputs: readonly string[];
}

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1d2330; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 32px; }
table { border-collapse: collapse; }
td, th { padding: 1px 8px; text-align: right; white-space: nowrap; }
th { border-bottom: 1px solid #ccd; }
td.name, th.name { text-align: left; }
table.source td.code { text-align: left; font-family: ui-monospace, monospace; white-space: pre; }
table.source td.number { color: #667; }
tr.ran td.code { background: #f5f7fb; }
.heat { display: inline-block; width: 80px; height: 9px; background: #eef; vertical-align: middle; }
.heat span { display: block; height: 9px; background: #d04a24; }
a { color: #2456b3; text-decoration: none; } a:hover { text-decoration: underline; }
`;

function heat(value: number, maximum: number): string {
  const width = maximum > 0 ? Math.max(0, Math.min(100, (value / maximum) * 100)) : 0;
  return `<span class="heat" title="${escapeHtml(mib(value))}"><span style="width:${width.toFixed(1)}%"></span></span>`;
}

export function annotatedSourcePage(files: readonly AnnotatedFile[], options: PageOptions): string {
  const out: string[] = [];
  out.push('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">');
  out.push(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
  out.push(`<title>${escapeHtml(options.title)}</title><style>${STYLE}</style></head><body>`);
  out.push(`<h1>${escapeHtml(options.title)}</h1>`);
  out.push(`<p>From ${options.inputs.map((input) => `<code>${escapeHtml(input)}</code>`).join(', ')}. Allocated counts what each line allocated (whatever the garbage collector did); Increment is the net change while it ran; both summed over every call.</p>`);

  out.push('<h2>Files</h2><table><tr><th class="name">File</th><th>Allocated</th><th></th><th>Functions</th></tr>');
  const heaviestFile = files.length > 0 ? files[0].allocatedBytes : 0;
  files.forEach((file, index) => {
    out.push(
      `<tr><td class="name"><a href="#file-${index}">${escapeHtml(file.file)}</a></td><td>${mib(file.allocatedBytes)}</td>` +
        `<td>${heat(file.allocatedBytes, heaviestFile)}</td><td>${file.functions.size}</td></tr>`,
    );
  });
  out.push('</table>');

  out.push('<h2>Functions</h2><table><tr><th class="name">Function</th><th>Allocated</th><th></th><th>Calls</th><th>Retained</th><th class="name">Where</th></tr>');
  const functions = files.flatMap((file, index) => [...file.functions.values()].map((fn) => ({ fn, file, index })));
  functions.sort((a, b) => b.fn.allocatedBytes - a.fn.allocatedBytes);
  const heaviestFunction = functions.length > 0 ? functions[0].fn.allocatedBytes : 0;
  for (const { fn, file, index } of functions) {
    out.push(
      `<tr><td class="name"><a href="#${lineAnchor(index, fn.firstLine)}">${escapeHtml(fn.name)}</a></td><td>${mib(fn.allocatedBytes)}</td>` +
        `<td>${heat(fn.allocatedBytes, heaviestFunction)}</td><td>${fn.calls}</td><td>${fn.retainedBytes === null ? '' : mib(fn.retainedBytes)}</td>` +
        `<td class="name">${escapeHtml(`${file.file}:${fn.firstLine}`)}</td></tr>`,
    );
  }
  out.push('</table>');

  files.forEach((file, index) => out.push(fileSection(file, index, options)));
  out.push('</body></html>\n');
  return out.join('\n');
}

function fileSection(file: AnnotatedFile, index: number, options: PageOptions): string {
  const source = options.readSource(file.file);
  const texts = source === undefined ? undefined : source.split(/\r?\n/);
  // The profiled functions' lines, with two lines of context around each.
  const shown = new Set<number>();
  for (const fn of file.functions.values()) for (let line = Math.max(1, fn.firstLine - 2); line <= fn.lastLine + 2; line++) shown.add(line);
  for (const line of file.lines.keys()) shown.add(line);
  const numbers = [...shown].filter((line) => texts === undefined || line <= texts.length).sort((a, b) => a - b);
  let maximum = 0;
  for (const line of file.lines.values()) if (line.allocatedBytes > maximum) maximum = line.allocatedBytes;
  const rows: string[] = [];
  let previous = 0;
  for (const number of numbers) {
    if (previous && number > previous + 1) rows.push('<tr><td class="number">…</td><td colspan="5"></td></tr>');
    previous = number;
    const data: AnnotatedLine | undefined = file.lines.get(number);
    const text = texts?.[number - 1] ?? data?.source ?? '';
    rows.push(
      `<tr id="${lineAnchor(index, number)}"${data ? ' class="ran"' : ''}><td class="number">${number}</td>` +
        (data
          ? `<td>${mib(data.allocatedBytes)}</td><td>${heat(data.allocatedBytes, maximum)}</td><td>${signed(data.incrementBytes)}</td><td>${data.occurrences}</td>`
          : '<td></td><td></td><td></td><td></td>') +
        `<td class="code">${escapeHtml(text.replace(/\t/g, '    '))}</td></tr>`,
    );
  }
  return (
    `<h2 id="file-${index}">${escapeHtml(file.file)} <small>(${mib(file.allocatedBytes)})</small></h2>` +
    '<table class="source"><tr><th>Line</th><th>Allocated</th><th></th><th>Increment</th><th>Occurrences</th><th class="name">Source</th></tr>' +
    rows.join('\n') +
    '</table>'
  );
}
