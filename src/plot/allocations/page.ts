// The flame graph report: one self-contained HTML file, like the timeline's (../html.ts): the data as
// JSON, the first profile's graph drawn once as SVG (shown even without scripts), and a script that
// redraws it as the view changes (./client.ts and the modules it requires, compiled, bundled here by a
// small module loader). The profiles come from disk: every text is escaped in the SVG, the JSON is
// embedded with <, >, & and line separators escaped, and the Content-Security-Policy runs only the
// one inline script whose hash it names and loads nothing.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { scriptJson } from '../html';
import { escapeXml } from '../svg/format';
import type { AllocationData } from './data';
import { buildFlameTree } from './flame-tree';
import { profileTitle, reportTitle } from './labels';
import { renderProfileSvg, type FlameView } from './svg';

let bundleCache: string | undefined;

/**
 * client.js and every module it requires (compiled beside this file, or in ../svg: ids are relative
 * to dist/src/plot/), each wrapped as a CommonJS function for a loader of a few lines. Only relative requires can be followed: anything else
 * would be a Node module, which the browser does not have.
 */
function bundle(): string {
  if (bundleCache !== undefined) return bundleCache;
  const sources = new Map<string, string>();
  const add = (id: string): void => {
    if (sources.has(id)) return;
    const code = readFileSync(join(__dirname, '..', `${id}.js`), 'utf8')
      .replace(/^\/\/# sourceMappingURL=.*$/m, '')
      .replace(/<\/(script)/gi, '<\\/$1');
    sources.set(id, code);
    for (const [, request] of code.matchAll(/\brequire\("([^"]+)"\)/g)) {
      if (!request.startsWith('.')) throw new Error(`${id}.js requires ${request}: the report's script can only require its own modules`);
      add(posix.normalize(posix.join(posix.dirname(id), request)));
    }
  };
  add('allocations/client');
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
load('allocations/client').start();
})();`;
  return bundleCache;
}

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

// tsc copies no .css into dist/, and the package ships src/ beside dist/src: the stylesheet is read
// from its source folder, found from this module's compiled place, dist/src/plot/allocations/page.js.
const STYLESHEET = join(__dirname, '..', '..', '..', '..', 'src', 'plot', 'allocations', 'assets', 'flame.css');

let styleCache: string | undefined;

function style(): string {
  styleCache ??= `\n${readFileSync(STYLESHEET, 'utf8').replace(/^\/\*[\s\S]*?\*\/\n/, '')}`;
  return styleCache;
}

/** The whole page; `view` is the initial view (orientation, folding). */
export function allocationsPage(data: AllocationData, view: FlameView): string {
  const initial: FlameView = { inverted: view.inverted === true, fold: view.fold === true, interactive: true };
  const first = data.profiles[0];
  const svg = first ? renderProfileSvg(first, buildFlameTree(data, first, { fold: initial.fold === true }), initial).svg : '<p>No heap profile.</p>';
  const script = bundle();
  const css = style();
  const csp = `default-src 'none'; script-src ${sha256(script)}; style-src ${sha256(css)}; img-src data:; base-uri 'none'; form-action 'none'`;
  const options = data.profiles.map((profile, index) => `<option value="${index}">${escapeXml(profileTitle(profile))}</option>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeXml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="memprof plot --allocations">
<title>${escapeXml(reportTitle(data).replace(/\s+/g, ' ').trim())} - memprof allocations</title>
<style>${css}</style>
</head>
<body>
<header>
<h1>memprof allocations</h1>
<select id="profile" aria-label="profile">
${options}
</select>
<label><input type="checkbox" id="opt-inverted"${initial.inverted ? ' checked' : ''}> icicle (inverted)</label>
<label><input type="checkbox" id="opt-fold"${initial.fold ? ' checked' : ''}> fold packages</label>
<input type="search" id="search" placeholder="search functions and files" aria-label="search">
<span id="matched"></span>
<button type="button" id="reset" disabled>Reset zoom</button>
</header>
<p class="hint">Each box is a function, as wide as the bytes sampled in it and in the functions it called, which are stacked on it. Click a box to zoom on it; click "all" or Reset zoom to go back. Hover a box for details; search lights up the functions and files that match.</p>
<main>
<div id="chart">${svg}</div>
</main>
<div id="tooltip" hidden></div>
<script type="application/json" id="memprof-allocations">${scriptJson(data)}</script>
<script type="application/json" id="memprof-view">${scriptJson(initial)}</script>
<script>${script}</script>
</body>
</html>
`;
}
