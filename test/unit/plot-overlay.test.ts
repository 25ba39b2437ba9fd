// Two recordings overlaid (memprof plot a.dat b.dat): each recording's calls have their own legend
// entries, named with the recording's number, so that two "delay 1.20 s (6 calls)" can be told apart;
// a function keeps one colour across recordings. One recording is drawn as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDat } from '../../src/record/dat';
import { buildPlotData } from '../../src/plot/model';
import { renderSvg } from '../../src/plot/render';
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
