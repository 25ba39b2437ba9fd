// Two recordings overlaid (memprof plot a.dat b.dat): each recording's calls have their own legend
// entries, named with the recording's number, so that two "delay 1.20 s (6 calls)" can be told apart;
// a function keeps one colour across recordings; the area between the two memory lines is shaded by
// which is higher. One recording is drawn as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDat } from '../../src/record/dat';
import { buildPlotData } from '../../src/plot/model';
import { renderSvg } from '../../src/plot/render';
import { memoryAt } from '../../src/plot/svg/difference';
import { FIXTURES } from '../helpers';

const service = () => parseDat(readFileSync(join(FIXTURES, 'plot', 'service.dat'), 'utf8'), 'service.dat');
const legendFunctions = (svg: string) =>
  [...svg.matchAll(/<g class="legend-function[^"]*"[^>]*>.*?<text[^>]*>([^<]*)<\/text>/g)].map((match) => match[1].replace(/&amp;/g, '&'));

test('overlaid recordings: a legend entry per recording and function, "#1 delay" and "#2 delay"', () => {
  const slower = service();
  slower.filename = 'slower.dat';
  for (const call of slower.funcs) if (call.name === 'delay') call.t1 += 0.1;
  const data = buildPlotData([service(), slower]);
  assert.deepEqual(data.functions.map((fn) => `${fn.file} ${fn.name}`).sort(), ['0 delay', '0 test1', '0 test2', '1 delay', '1 test1', '1 test2']);
  // Each call belongs to its own recording's entry.
  for (const call of data.calls) assert.equal(data.functions[call.function].file, data.series[call.series].file);
  // One colour per function name, whichever recording.
  const colours = new Map<string, Set<string>>();
  for (const fn of data.functions) colours.set(fn.name, new Set([...(colours.get(fn.name) ?? []), fn.color]));
  for (const [name, set] of colours) assert.equal(set.size, 1, name);
  const entries = legendFunctions(renderSvg(data).svg);
  assert.ok(entries.includes('#1 delay 1.20 s (6 calls)'), entries.join(' | '));
  assert.ok(entries.includes('#2 delay 1.80 s (6 calls)'), entries.join(' | '));
  assert.ok(entries.includes('#1 test1 0.501 s (3 calls)') && entries.includes('#2 test1 0.501 s (3 calls)'), entries.join(' | '));
});

test('one recording: one entry per function, no recording number', () => {
  const data = buildPlotData([service()]);
  assert.deepEqual(data.functions.map((fn) => fn.file), [undefined, undefined, undefined]);
  const entries = legendFunctions(renderSvg(data).svg);
  assert.ok(entries.includes('delay 1.20 s (6 calls)'), entries.join(' | '));
});

/** The shaded areas' path data, by kind. */
const shading = (svg: string) => ({
  more: /class="difference difference-more" d="([^"]*)"/.exec(svg)?.[1],
  less: /class="difference difference-less" d="([^"]*)"/.exec(svg)?.[1],
});

test('overlaid recordings: the difference is shaded red where the second is higher, green where lower', () => {
  const bigger = service();
  bigger.filename = 'bigger.dat';
  for (const sample of bigger.mem) sample.mib += 50;
  const higher = shading(renderSvg(buildPlotData([service(), bigger])).svg);
  assert.ok(higher.more && higher.more.length > 20, 'shaded where #2 is above');
  assert.equal(higher.less, undefined);
  const lower = shading(renderSvg(buildPlotData([bigger, service()])).svg);
  assert.ok(lower.less && lower.less.length > 20, 'shaded where #2 is below');
  assert.equal(lower.more, undefined);
  const svg = renderSvg(buildPlotData([service(), bigger])).svg;
  assert.match(svg, /<g class="legend-difference">.*#2 above #1.*#2 below #1/);
  // Hiding one of the lines leaves nothing to compare.
  const data = buildPlotData([service(), bigger]);
  assert.deepEqual(shading(renderSvg(data, { hiddenSeries: [data.series[1].id] }).svg), { more: undefined, less: undefined });
});

test('one recording: no shading', () => {
  const svg = renderSvg(buildPlotData([service()])).svg;
  assert.doesNotMatch(svg, /class="difference/);
  assert.doesNotMatch(svg, /legend-difference/);
});

test('memoryAt interpolates between samples and is undefined outside the series', () => {
  const series = { id: 0, file: 0, kind: 'mem' as const, label: 'MEM', color: '#000', time: [0, 1, 3], memory: [10, 20, 0] };
  assert.equal(memoryAt(series, 0.5), 15);
  assert.equal(memoryAt(series, 2), 10);
  assert.equal(memoryAt(series, 3), 0);
  assert.equal(memoryAt(series, -0.1), undefined);
  assert.equal(memoryAt(series, 3.1), undefined);
});
