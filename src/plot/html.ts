// The HTML report: one self-contained file (no network: everything inline, and a Content-Security-
// Policy that forbids loading anything) holding the data as JSON (in columns: page-data.ts), the chart
// drawn once as SVG (shown even without scripts), and a script that redraws it when the view changes:
// render.ts and client.ts, compiled, bundled with the modules they require (page-shell.ts).
//
// The .dat is untrusted: the SVG escapes all text (render.ts), the JSON is embedded with `<`, `>`, `&`
// and line separators as \u escapes (it can never close its <script> element), the title is escaped,
// and the CSP only runs the one inline script whose hash it names.
import { measureNote } from './measure';
import type { PlotData } from './model';
import { encodePageData } from './page-data';
import { bundledScript, pageHead, scriptJson, stylesheet } from './page-shell';
import { renderSvg, type ViewOptions } from './render';
import { escapeXml } from './svg/format';

/** The whole report page. `view` is the initial view (window, brackets, slope, flame). */
export function htmlPage(data: PlotData, view: ViewOptions): string {
  const initial: ViewOptions = { ...view, interactive: true };
  const svg = renderSvg(data, initial).svg;
  const script = bundledScript('client');
  const css = stylesheet('assets/report.css');
  const title = `${data.title.replace(/\s+/g, ' ').trim() || 'memory over time'} - memprof`;
  return `${pageHead({ script, css, generator: 'memprof plot', title })}<body>
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
