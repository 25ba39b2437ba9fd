// The HTML report: one self-contained file (no network: everything inline, and a Content-Security-
// Policy that forbids loading anything) holding the data as JSON (in columns: page-data.ts), the chart
// drawn once as SVG (shown even without scripts), and a script that redraws it when the view changes:
// render.ts and client.ts, compiled, bundled here with the modules they require by a small module loader.
//
// The .dat is untrusted: the SVG escapes all text (render.ts), the JSON is embedded with `<`, `>`, `&`
// and line separators as \u escapes (it can never close its <script> element), the title is escaped,
// and the CSP only runs the one inline script whose hash it names.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { measureNote } from './measure';
import type { PlotData } from './model';
import { encodePageData } from './page-data';
import { renderSvg, type ViewOptions } from './render';
import { escapeXml } from './svg/format';

/** JSON safe inside an HTML <script> element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

let bundleCache: string | undefined;

/**
 * The browser script: client.js and every module it requires (compiled next to this file), each
 * wrapped as a CommonJS function for a small loader. Only relative requires can be followed:
 * anything else would be a Node module, which the browser does not have.
 */
function bundle(): string {
  if (bundleCache !== undefined) return bundleCache;
  const sources = new Map<string, string>();
  const add = (id: string): void => {
    if (sources.has(id)) return;
    const code = readFileSync(join(__dirname, `${id}.js`), 'utf8')
      .replace(/^\/\/# sourceMappingURL=.*$/m, '')
      .replace(/<\/(script)/gi, '<\\/$1');
    sources.set(id, code);
    for (const [, request] of code.matchAll(/\brequire\("([^"]+)"\)/g)) {
      if (!request.startsWith('.')) throw new Error(`${id}.js requires ${request}: the HTML report's script can only require its own modules`);
      add(posix.join(posix.dirname(id), request));
    }
  };
  add('client');
  const modules = [...sources].map(([id, code]) => `${JSON.stringify(id)}: function (exports, require, module) {\n${code}\n}`);
  bundleCache = `(function () {
'use strict';
var sources = {
${modules.join(',\n')}
};
var cache = {};
function resolve(from, request) {
  var parts = from.split('/').slice(0, -1);
  request.split('/').forEach(function (part) {
    // Above the page's own folder (../shared/...) the '..' stays, as posix.join keeps it for the ids.
    if (part === '..') parts.length > 0 && parts[parts.length - 1] !== '..' ? parts.pop() : parts.push(part);
    else if (part !== '.') parts.push(part);
  });
  return parts.join('/');
}
function load(name) {
  if (cache[name]) return cache[name].exports;
  var module = { exports: {} };
  cache[name] = module;
  sources[name](module.exports, function (request) { return load(resolve(name, request)); }, module);
  return module.exports;
}
load('client').start();
})();`;
  return bundleCache;
}

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

// tsc copies no .css into dist/, and the package ships src/ beside dist/src: the stylesheet is read
// from its source folder, found from this module's compiled place, dist/src/plot/html.js.
const STYLESHEET = join(__dirname, '..', '..', '..', 'src', 'plot', 'assets', 'report.css');

let styleCache: string | undefined;

/** The page's CSS, without the file's leading comment (which is for its reader, not the page). */
function style(): string {
  styleCache ??= `\n${readFileSync(STYLESHEET, 'utf8').replace(/^\/\*[\s\S]*?\*\/\n/, '')}`;
  return styleCache;
}

/** The whole report page. `view` is the initial view (window, brackets, slope, flame). */
export function htmlPage(data: PlotData, view: ViewOptions): string {
  const initial: ViewOptions = { ...view, interactive: true };
  const svg = renderSvg(data, initial).svg;
  const script = bundle();
  const css = style();
  const csp = `default-src 'none'; script-src ${sha256(script)}; style-src ${sha256(css)}; img-src data:; base-uri 'none'; form-action 'none'`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeXml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="memprof plot">
<title>${escapeXml(data.title.replace(/\s+/g, ' ').trim() || 'memory over time')} - memprof</title>
<style>${css}</style>
</head>
<body>
<header>
<h1>memprof</h1>
<label><input type="checkbox" id="opt-function-ts"${view.functionTs !== false ? ' checked' : ''}> function brackets</label>
<label><input type="checkbox" id="opt-flame"${view.flame ? ' checked' : ''}> flame view</label>
<label><input type="checkbox" id="opt-slope"${view.slope ? ' checked' : ''}> slopes</label>
<button type="button" id="reset" disabled>Reset zoom</button>
<span id="range"></span>
<span class="hint">Drag across the plot to zoom, double-click to reset; click a legend entry to hide or show it; hover a bracket or box for details${data.sites?.some((site) => site.href !== undefined) ? ', click it for its line table' : ''}.</span>
</header>
<p id="measure">${escapeXml(measureNote(data.files))}</p>
<main>
<div id="chart">${svg}</div>
<div id="hover-span" hidden></div>
<div id="selection" hidden></div>
</main>
<div id="tooltip" hidden></div>
<script type="application/json" id="memprof-data">${scriptJson(encodePageData(data))}</script>
<script type="application/json" id="memprof-view">${scriptJson(initial)}</script>
<script>${script}</script>
</body>
</html>
`;
}
