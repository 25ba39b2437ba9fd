// Links from a timeline's calls to their line tables in an annotated-source page (`memprof report
// --html`, src/annotate/page.ts), for `memprof plot --report <page>`. That page has a section per
// profiled file, `<h2 id="file-<n>">` and the file's name, and a row per line shown,
// `<tr id="file-<n>-L<line>">`; a call's function is in it when its file is, and its first line then
// has a row (the page shows every profiled function's lines). The page is read, not trusted: only
// anchors found in it are linked, and its address is written as a relative URL of its own.

/** An annotated-source page that is not one (no file index): the message is one line. */
export class ReportLinkError extends Error {}

/** What `&#NN;` stands for in the page (its escaping of file names), and the few named entities. */
function unescapeHtml(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return text.replace(/&(?:#(\d+)|#x([0-9a-f]+)|(amp|lt|gt|quot|apos));/gi, (whole, decimal: string, hex: string, name: string) => {
    if (name) return named[name.toLowerCase()];
    const code = decimal ? Number(decimal) : parseInt(hex, 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** Each file of the page with its index and the lines that have an anchor. */
export function reportAnchors(html: string): Map<string, { index: number; lines: Set<number> }> {
  const files = new Map<string, { index: number; lines: Set<number> }>();
  const byIndex = new Map<number, Set<number>>();
  for (const [, index, line] of html.matchAll(/<tr id="file-(\d+)-L(\d+)"/g)) {
    let lines = byIndex.get(Number(index));
    if (!lines) byIndex.set(Number(index), (lines = new Set()));
    lines.add(Number(line));
  }
  for (const [, index, name] of html.matchAll(/<h2 id="file-(\d+)">(.*?) <small>/g)) {
    const file = unescapeHtml(name);
    if (!files.has(file)) files.set(file, { index: Number(index), lines: byIndex.get(Number(index)) ?? new Set() });
  }
  return files;
}

/**
 * `path` (with `/` between folders) as a URL of the same site: each part percent-encoded, so that
 * nothing in it reads as a scheme, query or fragment, and one `/` at most at its start (`//` would
 * name another host).
 */
export function relativeUrl(path: string): string {
  return path
    .replace(/^\/+/, '/')
    .split('/')
    .map((part) => (part === '.' || part === '..' ? part : encodeURIComponent(part)))
    .join('/');
}

/**
 * The link maker for a page's text and its address relative to the plot (`report.html`,
 * `../reports/run.html`): a function's file and first line to `<address>#file-<n>-L<line>`, or
 * undefined when the page does not show that line. Throws ReportLinkError when the text is not an
 * annotated-source page.
 */
export function reportLinker(html: string, address: string, name = address): (file: string, line: number) => string | undefined {
  if (!/<h2>Files<\/h2>/.test(html)) throw new ReportLinkError(`${name} is not a page of memprof report --html (it has no index of files)`);
  const anchors = reportAnchors(html);
  const base = relativeUrl(address);
  return (file, line) => {
    const entry = anchors.get(file);
    return entry && entry.lines.has(line) ? `${base}#file-${entry.index}-L${line}` : undefined;
  };
}
