// What memprof's self-contained HTML pages share (the timeline, html.ts; the flame graphs,
// allocations/page.ts): one inline script, the browser side's compiled modules bundled by a loader
// of a few lines; one inline stylesheet; data embedded as JSON that can never close its <script>
// element; and a head whose Content-Security-Policy runs only that script and that stylesheet, by
// their hashes, and loads nothing.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
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

/** The compiled plot/ folder (dist/src/plot): module ids are relative to it ('client', 'allocations/client'). */
const PLOT = __dirname;

const bundles = new Map<string, string>();

/**
 * The browser script of a page: the compiled module `entry` and every module it requires, each
 * wrapped as a CommonJS function for a small loader, then `start()` of the entry. Only relative
 * requires can be followed: anything else would be a Node module, which the browser does not have.
 */
export function bundledScript(entry: string): string {
  const cached = bundles.get(entry);
  if (cached !== undefined) return cached;
  const sources = new Map<string, string>();
  const add = (id: string): void => {
    if (sources.has(id)) return;
    const code = readFileSync(join(PLOT, `${id}.js`), 'utf8')
      .replace(/^\/\/# sourceMappingURL=.*$/m, '')
      .replace(/<\/(script)/gi, '<\\/$1');
    sources.set(id, code);
    for (const [, request] of code.matchAll(/\brequire\("([^"]+)"\)/g)) {
      if (!request.startsWith('.')) throw new Error(`${id}.js requires ${request}: a page's script can only require its own modules`);
      add(posix.join(posix.dirname(id), request));
    }
  };
  add(entry);
  const modules = [...sources].map(([id, code]) => `${JSON.stringify(id)}: function (exports, require, module) {\n${code}\n}`);
  const script = `(function () {
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
load(${JSON.stringify(entry)}).start();
})();`;
  bundles.set(entry, script);
  return script;
}

// tsc copies no .css into dist/, and the package ships src/ beside dist/src: stylesheets are read from
// their source folder, found from this module's compiled place, dist/src/plot/page-shell.js.
const SOURCE_PLOT = join(__dirname, '..', '..', '..', 'src', 'plot');

const stylesheets = new Map<string, string>();

/** A stylesheet of src/plot/ (e.g. 'assets/report.css'), without its leading comment (for its reader, not the page). */
export function stylesheet(path: string): string {
  let css = stylesheets.get(path);
  if (css === undefined) stylesheets.set(path, (css = `\n${readFileSync(join(SOURCE_PLOT, path), 'utf8').replace(/^\/\*[\s\S]*?\*\/\n/, '')}`));
  return css;
}

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The page up to <body>: the policy naming `script` and `css` by their hashes, the generator, the title. */
export function pageHead(page: { script: string; css: string; generator: string; title: string }): string {
  const csp = `default-src 'none'; script-src ${sha256(page.script)}; style-src ${sha256(page.css)}; img-src data:; base-uri 'none'; form-action 'none'`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeXml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${escapeXml(page.generator)}">
<title>${escapeXml(page.title.replace(/\s+/g, ' ').trim())}</title>
<style>${page.css}</style>
</head>
`;
}
