// The flame graph report: one self-contained HTML file, like the timeline's (../html.ts): the data as
// JSON, the first profile's graph drawn once as SVG (shown even without scripts), and a script that
// redraws it as the view changes (./client.ts and the modules it requires, compiled, bundled by
// ../page-shell.ts). The profiles come from disk: every text is escaped in the SVG, the JSON is
// embedded with <, >, & and line separators escaped, and the Content-Security-Policy runs only the
// one inline script whose hash it names and loads nothing.
import { bundledScript, pageHead, scriptJson, stylesheet } from '../page-shell';
import { escapeXml } from '../svg/format';
import type { AllocationData } from './data';
import { buildFlameTree } from './flame-tree';
import { profileTitle, reportTitle } from './labels';
import { renderProfileSvg, type FlameView } from './svg';

/** The whole page; `view` is the initial view (orientation, folding). */
export function allocationsPage(data: AllocationData, view: FlameView): string {
  const initial: FlameView = { inverted: view.inverted === true, fold: view.fold === true, interactive: true };
  const first = data.profiles[0];
  const svg = first ? renderProfileSvg(first, buildFlameTree(data, first, { fold: initial.fold === true }), initial).svg : '<p>No heap profile.</p>';
  const script = bundledScript('allocations/client');
  const css = stylesheet('allocations/assets/flame.css');
  const options = data.profiles.map((profile, index) => `<option value="${index}">${escapeXml(profileTitle(profile))}</option>`).join('\n');
  return `${pageHead({ script, css, generator: 'memprof plot --allocations', title: `${reportTitle(data)} - memprof allocations` })}<body>
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
