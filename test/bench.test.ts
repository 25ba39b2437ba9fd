// Smoke test of the benchmark harness (`npm run bench`): its --quick mode runs every section on tiny
// sizes and must print each ratio line, with its range over the rounds. No timing is asserted: quick
// sizes are too small to mean anything; `npm run bench` is where the numbers come from. The
// statistics themselves are unit-tested in bench-stats.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './helpers';

test('npm run bench -- --quick runs every section and prints the side-by-side ratios', () => {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS;
  for (const key of Object.keys(env)) if (key.startsWith('MEMPROF_')) delete env[key];
  const run = spawnSync(process.execPath, ['--expose-gc', join(ROOT, 'dist/bench/run.js'), '--quick'], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 180_000,
  });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  const out = run.stdout;
  const ratio = String.raw`[\d,.]+x`;
  // A ratio measured in rounds: the median, then the lowest and highest round.
  const figure = String.raw`${ratio}\s+\(${ratio}–${ratio}\)`;
  // Quick sizes are noise: an added cost may come out negative ("-505.8 ns per call"), and is printed so.
  for (const line of [
    String.raw`hot loop, heap: profiled / plain\s+${figure}\s+target <= 350x: (met|MISSED); [+-][\d,.]+ \S+ per sample \(target <= 75 ns: (met|MISSED); [\d,.]+ \S+ at the speed of the machine the target was set on, whose v8.getHeapStatistics\(\) took 131 ns\)`,
    String.raw`hot loop, rss: profiled / plain\s+${figure}`,
    String.raw`hot loop, Python memory_profiler: profiled / plain\s+(${figure}|skipped)`,
    String.raw`heap sample cost / v8\.getHeapStatistics\(\) read\s+${figure}\s+target <= 0\.6x: (met|MISSED)`,
    String.raw`heap sample cost / memprof's heap read\s+${figure}`,
    String.raw`workload \(JSON \+ strings, a few MiB\): profiled / plain\s+${figure}\s+target <= 1\.2x: (met|MISSED)`,
    String.raw`seed service's test1 under memprof run \(calls only\): profiled / plain\s+${figure}\s+target <= 1\.2x: (met|MISSED)`,
    String.raw`seed service's test1 under memprof run --lines: profiled / plain\s+${figure}`,
    String.raw`workload \(JSON \+ strings, a few MiB\): profiled / plain\s+${figure}`,
    String.raw`workload under the sampling heap profiler \(--heap-sampling\): sampled / plain\s+${figure}\s+default interval; target <= 1\.1x: (met|MISSED)`,
    String.raw`long-running handler \(small JSON request\): profiled / plain\s+${figure}`,
    String.raw`start-up, \d+ unmarked modules, warm cache: hook / plain\s+${figure}\s+target <= 1\.1x: (met|MISSED)`,
    String.raw`start-up, \d+ unmarked modules, cold cache: hook / plain\s+${figure}`,
    String.raw`start-up, one marked file, warm cache: hook / plain\s+${figure}`,
    String.raw`start-up, one marked file, cold cache: hook / plain\s+${figure}`,
    String.raw`memprof's own heap, [\d,]+ profiled calls\s+-?[\d,.]+ (B|KiB|MiB)`,
    String.raw`scale: one function of [\d,]+ statements: profiled / plain\s+${figure}\s+[+-][\d,.]+ \S+ per statement`,
    String.raw`scale: [\d,]+ calls of one small profiled function: profiled / plain\s+${figure}\s+[+-][\d,.]+ \S+ per call`,
    // The values are the benchmark's business (docs/benchmarks.md); here only that the line is there.
    String.raw`new Array\(1e6\)\.fill\(1\): first call / optimised calls\s+[\d.]+ MiB / ([\d.]+ MiB|none)`,
    // Big recordings and the recorder: sizes, exact peaks, rates (quick: a 2 MB file, 2 children for 1 s).
    String.raw`big recording \(2\.0 MB\): memprof plot, peak RSS\s+[\d.]+ MiB\s+\([\d.]+ MiB–[\d.]+ MiB\)\s+target <= 500 MB: (met|MISSED)`,
    String.raw`big recording \(2\.0 MB\): memprof plot, HTML page\s+[\d.]+ KiB\s+target <= 10 MB: met; peaks exact \(label and memprof peak\): met`,
    String.raw`big recording \(2\.0 MB\): memprof peak, peak RSS\s+[\d.]+ MiB\s+\([\d.]+ MiB–[\d.]+ MiB\)\s+[\d.]+ MiB on 0\.2 MB; bounded`,
    String.raw`recorder, 2 children at 100 Hz: samples per second\s+[\d.]+\s+\([\d.]+–[\d.]+\)\s+of 100; target >= 95: (met|MISSED); mprof: `,
    String.raw`recorder, 2 children at 100 Hz: recorder CPU, % of one core\s+[\d.]+%`,
  ]) {
    assert.match(out, new RegExp(line), `no line matching /${line}/ in:\n${out}`);
  }
  assert.match(out, /^machine: \d+ x .+Node v\d+/m);
});
