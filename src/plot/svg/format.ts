// How numbers and text are written into the picture: seconds, MiB, slopes, dates, SVG coordinates,
// and XML escaping. Every piece of text that comes from a .dat file (command line, function names,
// file names) is untrusted: it reaches the SVG only through `escapeXml` (here, or via `textElement`).
import type { CallData, PlotData } from '../model';

/** Text for XML content and attribute values; characters XML 1.0 forbids become U+FFFD. */
export function escapeXml(text: string): string {
  return String(text)
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** `value` with `digits` decimals, rounded by Math.round first (halves up: -2.5 gives -2, where toFixed gives -3). */
export const fixed = (value: number, digits = 1): string => (Math.round(value * 10 ** digits) / 10 ** digits).toFixed(digits);

/** An SVG coordinate: a tenth of a unit is finer than any screen shows, and keeps the files small. */
export const px = (value: number): string => String(Math.round(value * 10) / 10);

export function formatSeconds(seconds: number): string {
  const abs = Math.abs(seconds);
  return `${abs >= 100 ? fixed(seconds, 0) : abs >= 10 ? fixed(seconds, 1) : abs >= 1 ? fixed(seconds, 2) : fixed(seconds, 3)} s`;
}

export function formatMiB(mib: number): string {
  return `${fixed(mib, Math.abs(mib) >= 100 ? 1 : Math.abs(mib) >= 1 ? 1 : 2)} MiB`;
}

export function formatSlope(slope: number): string {
  const digits = Math.abs(slope) >= 10 ? 1 : Math.abs(slope) >= 0.1 ? 2 : 3;
  return `${slope >= 0 ? '+' : '\u2212'}${fixed(Math.abs(slope), digits)} MiB/s`;
}

/** A recording's start, in local time (the machine's clock is what the user knows it by). */
export function formatStart(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

/** A <text> element at (x, y); `content` is escaped, `attributes` is memprof's own markup. */
export function textElement(x: number, y: number, content: string, attributes = ''): string {
  return `<text x="${px(x)}" y="${px(y)}"${attributes ? ` ${attributes}` : ''}>${escapeXml(content)}</text>`;
}

/** `file:line` of a call's function, when the recording says (CALL lines). */
export function callSite(data: PlotData, call: CallData): string | undefined {
  const site = call.site === undefined ? undefined : data.sites?.[call.site];
  return site ? `${site.file}:${site.line}` : undefined;
}

/** The address of a call's line table (memprof plot --report), or undefined: the HTML report opens it on a click. */
export function callLink(data: PlotData, call: CallData): string | undefined {
  return call.site === undefined ? undefined : data.sites?.[call.site]?.href;
}

/**
 * A call in one line, for the SVG's <title> tooltips: function, process, duration, memory at entry and
 * exit, and where its function is when the recording says (and its line table, with --report).
 */
export function describeCall(data: PlotData, call: CallData): string {
  const fn = data.functions[call.function];
  const site = call.site === undefined ? undefined : data.sites?.[call.site];
  const where = site ? `; ${site.file}:${site.line}${site.href === undefined ? '' : ` (lines: ${site.href})`}` : '';
  return `${fn.name}${call.pid !== undefined ? ` (pid ${call.pid})` : ''}: ${formatSeconds(call.exitTime - call.entryTime)}, ${formatMiB(call.entryMemory)} at entry, ${formatMiB(call.exitMemory)} at exit${where}`;
}

/**
 * The HTML report's range label: the part of the data shown, from the window cut to the data's span
 * (the window has room at both ends) and never before 0, the first sample.
 */
export function rangeText(t0: number, t1: number, span: readonly [number, number], zoomed: boolean): string {
  const from = Math.max(t0, span[0], 0);
  const to = Math.max(from, Math.min(t1, span[1]));
  return `${zoomed ? 'zoomed: ' : ''}${from.toFixed(2)} s to ${to.toFixed(2)} s`;
}
