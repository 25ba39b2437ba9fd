// The folders of src/ and which may import which (docs/architecture.md): checked on the sources, so
// that an arrow going the wrong way fails here rather than in a reader's head.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { ROOT } from '../helpers';

const SRC = join(ROOT, 'src');

/** Folder -> folders it may import from (besides itself). Files at the top of src/ are entry points. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  shared: [],
  instrument: ['shared'],
  runtime: ['shared'],
  // The recording-marker writer measures pss/uss like the recorder: through the /proc leaf.
  reporters: ['runtime', 'shared', 'record/proc/reads', 'record/proc/scans'],
  // The recorder names the folder of the heap profiles the way their writer and readers do.
  record: ['shared', 'heap-sampling/profile-format'],
  // The flame graphs of allocations draw the profiles allocations/ reads.
  plot: ['record', 'shared', 'allocations', 'heap-sampling/profile-format'],
  // memprof's side of the heap profiles: reading them, source maps, pprof.
  allocations: ['shared', 'record', 'heap-sampling/profile-format'],
  api: ['runtime', 'reporters', 'record', 'shared'],
  testing: ['api', 'runtime', 'shared'],
  // The hook starts the heap sampler in every thread it loads in (memprof run --heap-sampling).
  // The load hook starts the in-process samplers a recording asks for (heap profiles; memory without /proc).
  hooks: ['instrument', 'runtime', 'shared', 'heap-sampling', 'reporters/self-sampler', '(entry)'],
  // Runs inside the profiled program, in every thread: V8's sampling heap profiler and its files.
  'heap-sampling': ['shared'],
  integrations: ['hooks', 'instrument', 'runtime', 'testing', 'shared'],
  // Reads saved results (shared/) into an annotated-source page: the document's type only from reporters/.
  annotate: ['reporters/call-report', 'shared'],
  // Comparing runs (budgets, diffs) is plain data: results files and recordings, read and judged.
  compare: ['record', 'shared'],
  cli: ['record', 'plot', 'annotate', 'compare', 'shared', 'allocations', 'runtime/metric-names', 'heap-sampling/profile-format'],
};

/** Modules a folder may not reach even inside an allowed folder. */
const FORBIDDEN: Record<string, readonly string[]> = {
  api: ['record/run', 'record/attach', 'record/recording-loop', 'record/launch'],
};

function sources(directory: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) files.push(...sources(path));
    else if (/\.m?ts$/.test(name) && !name.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

/** Relative module specifiers in import/export/require statements. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  const pattern = /(?:from\s+|require\(\s*|import\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) found.push(match[1]);
  return found;
}

function folderOf(path: string): string {
  const inside = relative(SRC, path).split(sep);
  return inside.length === 1 ? '(entry)' : inside[0];
}

test('every import between the folders of src/ goes the way docs/architecture.md says', () => {
  const violations: string[] = [];
  for (const file of sources(SRC)) {
    const from = folderOf(file);
    if (from === '(entry)') continue;
    for (const specifier of importsOf(file)) {
      const target = resolve(dirname(file), specifier).replace(/\.(m?js)$/, '');
      const to = folderOf(target);
      if (to === from) continue;
      const module = relative(SRC, target).split(sep).join('/');
      const allowed = MAY_IMPORT[from] ?? [];
      const ok = allowed.includes(to) || allowed.includes(module);
      const forbidden = (FORBIDDEN[from] ?? []).some((prefix) => module.startsWith(prefix));
      if (!ok || forbidden) violations.push(`${relative(ROOT, file)} imports ${module}`);
    }
  }
  assert.deepEqual(violations, []);
});

test('the rule table names every folder of src/', () => {
  const folders = readdirSync(SRC).filter((name) => statSync(join(SRC, name)).isDirectory());
  assert.deepEqual(folders.sort(), Object.keys(MAY_IMPORT).sort());
});
